import {
  DependencyEntry,
  dependencyLine,
  Finding,
  lowestFloor,
  versionLt,
  PyProject,
  upstreamDependencies,
  UpstreamProblem,
  upstreamProblem
} from '@contribs-actions/shared'

export interface UpstreamOptions {
  upstream: string
  /** `minimum_upstream_version`, already checked to be PEP 440. */
  minimum?: string
}

/** `[project].dependencies`, `[project.optional-dependencies].test`, `[dependency-groups].dev`. */
function groupLabel(dependency: DependencyEntry): string {
  return `[${dependency.table.join('.')}].${dependency.key}`
}

/** The rule-6 message for a problem (the benchmark generator's `expect` strings match these). */
function problemMessage(name: string, got: string, problem: UpstreamProblem): string {
  switch (problem.kind) {
    case 'invalid':
      return `${name} dependency must be a valid PEP 508 requirement with \`>=X.Y.Z\` or \`==X.Y.Z\` ${got.slice(0, -1)}: ${problem.detail})`
    case 'url':
      return `${name} dependency must not be a git/url ref; use \`>=X.Y.Z\` or \`==X.Y.Z\` ${got}`
    case 'unconstrained':
      return `${name} dependency must declare a version constraint (\`>=X.Y.Z\` or \`==X.Y.Z\`) ${got}`
    case 'no-floor-operator':
      return `${name} dependency must declare a version constraint with \`>=X.Y.Z\` or \`==X.Y.Z\` ${got}`
  }
}

/**
 * Rule 6 (the shared `upstreamProblem`): every dependency on the upstream, in any dependency
 * array, needs a `>=` or `==` clause; each problem is an error on the dependency's own line. Also
 * warns (CA201) when the package's floor (the shared `lowestFloor`: the lowest bound across its
 * upstream requirements) is below `minimum_upstream_version`, on the line of the requirement that
 * sets it. An unbounded floor gets no warning: that requirement is already a CA106/CA107 error.
 */
export function checkUpstream(
  pyproject: PyProject,
  pkg: string,
  options: UpstreamOptions
): Finding[] {
  const name = `\`${options.upstream}\``
  const deps = upstreamDependencies(pyproject, options.upstream)
  // The line is looked up only for a finding: most requirements are fine.
  const where = (dependency: DependencyEntry) => ({
    package: pkg,
    file: pyproject.file,
    line:
      dependencyLine(pyproject, dependency) ??
      pyproject.lines.find(dependency.table, dependency.key) ??
      pyproject.lines.find(dependency.table)
  })
  const got = (d: DependencyEntry) => `(got ${JSON.stringify(d.raw)} in ${groupLabel(d)})`
  const out: Finding[] = []
  for (const d of deps) {
    const problem = upstreamProblem(d)
    if (!problem) continue
    out.push({
      severity: 'error',
      code: problem.code,
      message: problemMessage(name, got(d), problem),
      ...where(d)
    })
  }
  if (options.minimum) {
    const f = lowestFloor(deps)
    if (f?.floor != null && versionLt(f.floor, options.minimum))
      out.push({
        severity: 'warning',
        code: 'CA201',
        message: `${name} floor ${f.floor} is below minimum_upstream_version ${options.minimum} ${got(f.entry)}`,
        ...where(f.entry)
      })
  }
  return out
}
