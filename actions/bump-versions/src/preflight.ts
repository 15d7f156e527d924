import {
  dependencyLine,
  Finding,
  PyProject,
  upstreamDependencies,
  UpstreamProblem,
  upstreamProblem
} from '@contribs-actions/shared'

/** Why a requirement fails the rule, as the pre-flight says it. */
function why(problem: UpstreamProblem, error: string | undefined): string {
  switch (problem.kind) {
    case 'invalid':
      return `is not a valid PEP 508 requirement (${error ?? problem.detail})`
    case 'url':
      return 'is a direct (URL) reference with no version constraint'
    case 'unconstrained':
      return 'has no version constraint'
    case 'no-floor-operator':
      return `has no \`>=\` or \`==\` clause (only ${problem.detail})`
  }
}

/**
 * validate-structure's upstream rule (CA106/CA107, the shared `upstreamProblem`), applied before
 * any write: a dependency on the upstream, in any dependency array, must carry a `>=` or `==`
 * clause. A bump on top of such a line would ship a package whose upstream requirement nobody
 * chose.
 */
export function upstreamLineFindings(
  pyproject: PyProject,
  pkg: string,
  upstream: string
): Finding[] {
  const fix = `use \`${upstream}>=X\` or \`${upstream}==X\``
  const out: Finding[] = []
  for (const d of upstreamDependencies(pyproject, upstream)) {
    const problem = upstreamProblem(d)
    if (!problem) continue
    out.push({
      severity: 'error',
      code: problem.code,
      package: pkg,
      file: pyproject.file,
      line: dependencyLine(pyproject, d) ?? pyproject.lines.find(d.table, d.key),
      message: `${JSON.stringify(d.raw)} in [${d.table.join('.')}].${d.key} ${why(problem, d.error)}; ${fix}`
    })
  }
  return out
}
