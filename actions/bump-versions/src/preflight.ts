import {
  dependencyEntries,
  dependencyLine,
  DependencyEntry,
  Finding,
  normalizeName,
  PyProject
} from '@contribs-actions/shared'

const LEADING_NAME = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/

/** The distribution a dependency string names, even when the rest is not valid PEP 508. */
function namedKey(d: DependencyEntry): string | undefined {
  if (d.requirement) return d.requirement.key
  const m = LEADING_NAME.exec(d.raw)
  return m ? normalizeName(m[1]) : undefined
}

/**
 * validate-structure's upstream rule (CA106/CA107), applied before any write: a dependency on the
 * upstream, in any dependency array, must carry a `>=` or `==` clause. Bare names, extras alone,
 * direct references and other operators alone are rejected. Names are compared PEP 503-normalised,
 * so `mellea-contribs-integration-core` is not `mellea`. A bump on top of such a line would ship a
 * package whose upstream requirement nobody chose.
 */
export function upstreamLineFindings(p: PyProject, pkg: string, upstream: string): Finding[] {
  const key = normalizeName(upstream)
  const fix = `use \`${upstream}>=X\` or \`${upstream}==X\``
  const out: Finding[] = []
  for (const d of dependencyEntries(p)) {
    if (namedKey(d) !== key) continue
    const r = d.requirement
    let why: string | undefined
    if (!r) why = `is not a valid PEP 508 requirement (${d.error})`
    else if (r.url !== undefined) why = 'is a direct (URL) reference with no version constraint'
    else if (r.specifiers.length === 0) why = 'has no version constraint'
    else if (!r.specifiers.some((s) => s.op === '>=' || s.op === '=='))
      why = `has no \`>=\` or \`==\` clause (only ${r.specifiers.map((s) => `\`${s.op}\``).join(', ')})`
    if (!why) continue
    out.push({
      severity: 'error',
      code: r?.url !== undefined ? 'CA107' : 'CA106',
      package: pkg,
      file: p.file,
      line: dependencyLine(p, d) ?? p.lines.find(d.table, d.key),
      message: `${JSON.stringify(d.raw)} in [${d.table.join('.')}].${d.key} ${why}; ${fix}`
    })
  }
  return out
}
