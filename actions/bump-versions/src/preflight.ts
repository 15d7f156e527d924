import {
  dependencyLine,
  Finding,
  PyProject,
  upstreamDependencies,
  UpstreamProblem,
  upstreamProblem
} from '@contribs-actions/shared'

/** Why a requirement fails the rule, as the pre-flight says it. */
function why(p: UpstreamProblem, error: string | undefined): string {
  switch (p.kind) {
    case 'invalid':
      return `is not a valid PEP 508 requirement (${error ?? p.detail})`
    case 'url':
      return 'is a direct (URL) reference with no version constraint'
    case 'unconstrained':
      return 'has no version constraint'
    case 'no-floor-operator':
      return `has no \`>=\` or \`==\` clause (only ${p.detail})`
  }
}

/**
 * validate-structure's upstream rule (CA106/CA107, the shared `upstreamProblem`), applied before
 * any write: a dependency on the upstream, in any dependency array, must carry a `>=` or `==`
 * clause. A bump on top of such a line would ship a package whose upstream requirement nobody
 * chose.
 */
export function upstreamLineFindings(p: PyProject, pkg: string, upstream: string): Finding[] {
  const fix = `use \`${upstream}>=X\` or \`${upstream}==X\``
  const out: Finding[] = []
  for (const d of upstreamDependencies(p, upstream)) {
    const problem = upstreamProblem(d)
    if (!problem) continue
    out.push({
      severity: 'error',
      code: problem.code,
      package: pkg,
      file: p.file,
      line: dependencyLine(p, d) ?? p.lines.find(d.table, d.key),
      message: `${JSON.stringify(d.raw)} in [${d.table.join('.')}].${d.key} ${why(problem, d.error)}; ${fix}`
    })
  }
  return out
}
