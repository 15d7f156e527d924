import { CiConfig, Finding, readCiConfig, Repo } from '@contribs-actions/shared'

/** One matrix job: a package on one Python version, with its CI settings. */
export interface Leg {
  package: string
  python: string
  timeout: number
  skip_ollama: boolean
  [extra: string]: unknown
}

const KNOWN = new Set(['python_versions', 'timeout_minutes', 'skip_ollama'])

/** A config with the keys the suite does not use set apart (they are passed on per leg). */
function shapeOfConfig(config: CiConfig): Shape {
  const extra: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(config)) if (!KNOWN.has(k)) extra[k] = v
  return { config, extra, hasExtra: Object.keys(extra).length > 0 }
}

/**
 * One leg per (package, Python version) from each package's `[tool.<table>.ci]` (read-ci-config's
 * logic) over the root's defaults. A wrong type or a TOML syntax error is an error finding with
 * file and line, and the package gets no legs; the other warnings belong to read-ci-config and
 * validate-structure, not here.
 */
export function buildLegs(repo: Repo, packages: string[]): { legs: Leg[]; findings: Finding[] } {
  const legs: Leg[] = []
  const findings: Finding[] = []
  // Most packages have no table of their own: they share the defaults' shape.
  const defaults = shapeOfConfig(repo.settings.ci)
  for (const dir of packages) {
    const shape = shapeOf(repo, dir, findings, defaults)
    if (!shape) continue
    const { config, extra } = shape
    for (const python of config.python_versions) {
      const leg: Leg = {
        package: dir,
        python,
        timeout: config.timeout_minutes,
        skip_ollama: config.skip_ollama
      }
      legs.push(shape.hasExtra ? { ...leg, ...extra } : leg)
    }
  }
  return { legs, findings }
}

/** The package's CI config, or undefined (with the error among the findings) when it is wrong. */
function shapeOf(repo: Repo, dir: string, findings: Finding[], defaults: Shape): Shape | undefined {
  const pkg = repo.byDir.get(dir)
  const error = pkg?.pyprojectError
  if (error) {
    findings.push({
      severity: 'error',
      message: error.message,
      file: error.file,
      line: error.line,
      column: error.column,
      package: dir
    })
    return undefined
  }
  if (!pkg?.pyproject) {
    findings.push({
      severity: 'warning',
      message: 'no pyproject.toml: the CI defaults are used',
      file: `${dir}/pyproject.toml`,
      package: dir
    })
    return defaults
  }
  // Only errors matter here (see buildLegs), so the requires-python check is left out.
  const read = readCiConfig(pkg.pyproject, repo.settings, dir, { requiresPython: false })
  const errors = read.findings.filter((f) => f.severity === 'error')
  findings.push(...errors)
  if (errors.length) return undefined
  return read.present ? shapeOfConfig(read.config) : defaults
}

interface Shape {
  config: CiConfig
  extra: Record<string, unknown>
  hasExtra: boolean
}

/**
 * Splits legs into matrices of at most `maxLegs`. A package's legs stay together. Shards are
 * fixed slices of the repository's package list in name order: with K shards, a package of rank
 * r among N packages goes to slice floor(r * K / N), whichever other packages run, so it keeps
 * its shard while K stays the same. K is the smallest number, from ceil(legs / maxLegs) up to
 * twice that, for which no slice is over the limit; empty slices are dropped. When no such K
 * exists (changes bunched in one corner of the alphabet), legs are packed in name order instead.
 */
export function shardLegs(legs: Leg[], maxLegs: number, allPackages: string[]): Leg[][] {
  if (legs.length === 0) return []
  if (legs.length <= maxLegs) return [legs]
  const groups = byPackage(legs)
  if (groups.some((g) => g.length > maxLegs)) return chunk(legs, maxLegs)
  const rank = new Map(allPackages.map((p, i) => [p, i]))
  const n = Math.max(allPackages.length, 1)
  const minimal = Math.ceil(legs.length / maxLegs)
  for (let k = minimal; k <= 2 * minimal; k++) {
    const slices: Leg[][] = Array.from({ length: k }, () => [])
    for (const g of groups) {
      const r = rank.get(g[0].package) ?? 0
      slices[Math.min(k - 1, Math.floor((r * k) / n))].push(...g)
    }
    if (slices.every((s) => s.length <= maxLegs)) return slices.filter((s) => s.length > 0)
  }
  return pack(groups, maxLegs)
}

/** Legs in runs of one package each, in their order (a package's legs are together). */
function byPackage(legs: Leg[]): Leg[][] {
  const groups: Leg[][] = []
  for (const leg of legs) {
    const last = groups[groups.length - 1]
    if (last?.[0].package === leg.package) last.push(leg)
    else groups.push([leg])
  }
  return groups
}

function chunk(legs: Leg[], size: number): Leg[][] {
  const out: Leg[][] = []
  for (let i = 0; i < legs.length; i += size) out.push(legs.slice(i, i + size))
  return out
}

function pack(groups: Leg[][], maxLegs: number): Leg[][] {
  const out: Leg[][] = [[]]
  for (const g of groups) {
    if (out[out.length - 1].length + g.length > maxLegs) out.push([])
    out[out.length - 1].push(...g)
  }
  return out
}
