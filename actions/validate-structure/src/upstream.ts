import { lt, valid } from '@renovatebot/pep440'
import {
  DependencyEntry,
  dependencyEntries,
  dependencyLine,
  Finding,
  normalizeName,
  PyProject
} from '@contribs-actions/shared'

export interface UpstreamOptions {
  upstream: string
  /** `minimum_upstream_version`, already checked to be PEP 440. */
  minimum?: string
}

/** `[project].dependencies`, `[project.optional-dependencies].test`, `[dependency-groups].dev`. */
export function groupLabel(d: DependencyEntry): string {
  return `[${d.table.join('.')}].${d.key}`
}

const LEADING_NAME = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/

/** The distribution a string names, even when the rest of it is not valid PEP 508. */
function namedKey(d: DependencyEntry): string | undefined {
  if (d.requirement) return d.requirement.key
  const m = LEADING_NAME.exec(d.raw)
  return m ? normalizeName(m[1]) : undefined
}

/**
 * Rule 6: every dependency on the upstream (in any dependency array, compared by PEP 503 name,
 * so `mellea-tools` is not `mellea`) needs a `>=` or `==` clause; other clauses such as `<1` may
 * sit alongside. Also reports a floor below `minimum_upstream_version` as a warning. Each finding
 * is on the dependency's own line.
 */
export function checkUpstream(p: PyProject, pkg: string, o: UpstreamOptions): Finding[] {
  const key = normalizeName(o.upstream)
  const name = `\`${o.upstream}\``
  const out: Finding[] = []
  for (const d of dependencyEntries(p)) {
    if (namedKey(d) !== key) continue
    // The line is looked up only for a finding: most requirements are fine.
    const where = () => ({
      package: pkg,
      file: p.file,
      line: dependencyLine(p, d) ?? p.lines.find(d.table, d.key) ?? p.lines.find(d.table)
    })
    const got = `(got ${JSON.stringify(d.raw)} in ${groupLabel(d)})`
    const r = d.requirement
    if (!r) {
      const prefix = `invalid PEP 508 requirement ${JSON.stringify(d.raw)}: `
      const reason = d.error?.startsWith(prefix) ? d.error.slice(prefix.length) : d.error
      out.push({
        severity: 'error',
        code: 'CA106',
        message: `${name} dependency must be a valid PEP 508 requirement with \`>=X.Y.Z\` or \`==X.Y.Z\` ${got.slice(0, -1)}: ${reason})`,
        ...where()
      })
    } else if (r.url !== undefined) {
      out.push({
        severity: 'error',
        code: 'CA107',
        message: `${name} dependency must not be a git/url ref; use \`>=X.Y.Z\` or \`==X.Y.Z\` ${got}`,
        ...where()
      })
    } else if (r.specifiers.length === 0) {
      out.push({
        severity: 'error',
        code: 'CA106',
        message: `${name} dependency must declare a version constraint (\`>=X.Y.Z\` or \`==X.Y.Z\`) ${got}`,
        ...where()
      })
    } else if (!r.specifiers.some((s) => s.op === '>=' || s.op === '==')) {
      out.push({
        severity: 'error',
        code: 'CA106',
        message: `${name} dependency must declare a version constraint with \`>=X.Y.Z\` or \`==X.Y.Z\` ${got}`,
        ...where()
      })
    } else if (o.minimum) {
      // The floor is the highest `>=`/`==` version; wildcards (`==0.5.*`) are not comparable.
      const floors = r.specifiers
        .filter((s) => (s.op === '>=' || s.op === '==') && valid(s.version))
        .map((s) => s.version)
      const floor = floors.reduce<string | undefined>((a, v) => (a && !lt(a, v) ? a : v), undefined)
      if (floor !== undefined && lt(floor, o.minimum)) {
        out.push({
          severity: 'warning',
          code: 'CA201',
          message: `${name} floor ${floor} is below minimum_upstream_version ${o.minimum} ${got}`,
          ...where()
        })
      }
    }
  }
  return out
}
