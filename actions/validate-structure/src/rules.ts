import { RuleLevel, UserError } from '@contribs-actions/shared'

/**
 * The rules, each with a stable code and slug. Codes never change meaning once released: a
 * project silences one rule for one package by code (or slug) in `[tool.<table>.suppress]`, or
 * for the whole repository in `rules`, so renumbering would silently re-enable or disable checks
 * in every adopting repository. CA1xx are violations (they fail the step); CA2xx are warnings,
 * unless `rules` sets another level.
 */
export interface Rule {
  code: string
  slug: string
  severity: 'error' | 'warning'
  /** One line for the README and the job summary. */
  title: string
}

export const RULES = [
  {
    code: 'CA101',
    slug: 'missing-file',
    severity: 'error',
    title: 'a required file is missing (`required_files`)'
  },
  {
    code: 'CA102',
    slug: 'missing-dir',
    severity: 'error',
    title: 'a required directory is missing (`required_dirs`)'
  },
  { code: 'CA103', slug: 'empty-owners', severity: 'error', title: 'OWNERS has no @handle line' },
  {
    code: 'CA104',
    slug: 'invalid-toml',
    severity: 'error',
    title: 'pyproject.toml does not parse as TOML'
  },
  {
    code: 'CA105',
    slug: 'wheel-packages',
    severity: 'error',
    title: '[tool.hatch.build.targets.wheel].packages is not ["<namespace>"]'
  },
  {
    code: 'CA106',
    slug: 'upstream-constraint',
    severity: 'error',
    title: 'an upstream dependency has no `>=` or `==` clause'
  },
  {
    code: 'CA107',
    slug: 'upstream-url',
    severity: 'error',
    title: 'an upstream dependency is a git/URL reference'
  },
  {
    code: 'CA108',
    slug: 'missing-namespace',
    severity: 'error',
    title: '<namespace>/ or <namespace>/<import name>/ missing'
  },
  {
    code: 'CA109',
    slug: 'missing-init',
    severity: 'error',
    title: '<namespace>/<import name>/__init__.py missing'
  },
  {
    code: 'CA110',
    slug: 'mirror-dir',
    severity: 'error',
    title: 'a directory under <namespace>/<import name>/ is not a mirror dir'
  },
  {
    code: 'CA111',
    slug: 'core-path',
    severity: 'error',
    title: 'a directory below a mirror dir is not a listed core path'
  },
  {
    code: 'CA112',
    slug: 'top-level-dir',
    severity: 'error',
    title: 'unexpected top-level directory in the subpackage'
  },
  {
    code: 'CA113',
    slug: 'duplicate-dist',
    severity: 'error',
    title: 'distribution name already used by another folder (PEP 503)'
  },
  {
    code: 'CA114',
    slug: 'namespace-init',
    severity: 'error',
    title: 'stray <namespace>/__init__.py turns the namespace into a regular package'
  },
  { code: 'CA115', slug: 'ci-config', severity: 'error', title: '[tool.<table>.ci] is invalid' },
  {
    code: 'CA116',
    slug: 'missing-name',
    severity: 'error',
    title: 'pyproject.toml has no [project] name'
  },
  {
    code: 'CA117',
    slug: 'codeowners',
    severity: 'error',
    title:
      'the CODEOWNERS line is missing, lists other owners than OWNERS, or is overridden (`codeowners`)'
  },
  {
    code: 'CA118',
    slug: 'smoke-matrix',
    severity: 'error',
    title: 'not in the smoke matrix file, or archived and still in it (`check_smoke_matrix`)'
  },
  {
    code: 'CA119',
    slug: 'extras',
    severity: 'error',
    title: "not in the meta-package's extras or `all`, or archived and still there (`check_extras`)"
  },
  {
    code: 'CA201',
    slug: 'upstream-floor',
    severity: 'warning',
    title: 'upstream floor below minimum_upstream_version'
  },
  {
    code: 'CA202',
    slug: 'stale-grandfather',
    severity: 'warning',
    title: 'a grandfathered path no longer exists'
  },
  {
    code: 'CA203',
    slug: 'suppression',
    severity: 'warning',
    title: 'a suppression names an unknown package or code, or silences nothing'
  },
  {
    code: 'CA204',
    slug: 'owners-entry',
    severity: 'warning',
    title: 'an OWNERS entry is not an @user or @org/team (ignored)'
  },
  {
    code: 'CA205',
    slug: 'unread-dependencies',
    severity: 'warning',
    title: 'dynamic dependencies no inline list declares: sibling dependencies there are not seen'
  }
] as const satisfies readonly Rule[]

export type Code = (typeof RULES)[number]['code']
export type Slug = (typeof RULES)[number]['slug']

const BY_CODE = new Map<string, Rule>(RULES.map((r) => [r.code, r]))
const BY_SLUG = new Map<string, Rule>(RULES.map((r) => [r.slug, r]))

/** A suppression or a level may name a rule by code (`CA105`) or by slug (`wheel-packages`). */
export function resolveRule(codeOrSlug: string): Rule | undefined {
  return BY_CODE.get(codeOrSlug.toUpperCase()) ?? BY_SLUG.get(codeOrSlug.toLowerCase())
}

/** `CA101 missing-file`, the form shown next to a message. */
export function label(code: string): string {
  const r = BY_CODE.get(code)
  return r ? `${r.code} ${r.slug}` : code
}

/** Rule codes mapped to the level `rules` sets for them; a rule not in it keeps its severity. */
export type Levels = ReadonlyMap<string, RuleLevel>

/**
 * The levels by rule code, from `rules` entries keyed by code or slug. A key that names no rule
 * is a configuration error: a typo would leave on the rule it meant to switch off. `where` says
 * where an entry was written (a file and line, or the input), for the message.
 */
export function levelsByCode(
  entries: Record<string, RuleLevel>,
  where: (key: string) => { name: string; file?: string; line?: number }
): Map<string, RuleLevel> {
  const levels = new Map<string, RuleLevel>()
  for (const [key, level] of Object.entries(entries)) {
    const rule = resolveRule(key)
    if (!rule) {
      const w = where(key)
      throw new UserError(
        `${w.name} names ${JSON.stringify(key)}, which is not a rule code or slug (such as CA110 or mirror-dir; the validate-structure README lists them)`,
        { file: w.file, line: w.line }
      )
    }
    levels.set(rule.code, level)
  }
  return levels
}
