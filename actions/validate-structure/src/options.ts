import {
  checkValue,
  DISTRIBUTION_NAME,
  Inputs,
  RepositoryInputs,
  repositoryInputs,
  RULE_LEVELS,
  RuleLevel,
  RunContext,
  Settings,
  SETTINGS_FIELDS,
  TreeSource,
  UserError
} from '@contribs-actions/shared'
import { Levels, levelsByCode } from './rules.js'

export interface Options extends RepositoryInputs {
  /** Where folder listings come from (see FileTree). */
  listing: TreeSource
  /** The `rules` input: levels set on top of the settings table's `rules`, code by code. */
  levels: Levels
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

export function parseOptions(inputs: Inputs, ctx: Pick<RunContext, 'workspace'>): Options {
  const repository = repositoryInputs(inputs, ctx.workspace)
  const overrides = repository.overrides
  const namespace = inputs.string('namespace')
  if (namespace !== undefined) {
    if (!IDENTIFIER.test(namespace))
      throw new UserError(
        `input \`namespace\` must be a Python identifier such as mellea_contribs (got ${JSON.stringify(namespace)})`
      )
    overrides.namespace = namespace
  }
  const upstream = inputs.string('upstream')
  if (upstream !== undefined) {
    if (!DISTRIBUTION_NAME.test(upstream))
      throw new UserError(
        `input \`upstream\` must be a distribution name such as mellea (got ${JSON.stringify(upstream)})`
      )
    overrides.upstream = upstream
  }
  const minimum = inputs.version('minimum-upstream-version')
  if (minimum !== undefined) overrides.minimum_upstream_version = minimum
  Object.assign(overrides, registrationOverrides(inputs))
  const listing = inputs.string('listing') ?? 'git'
  if (listing !== 'git' && listing !== 'disk')
    throw new UserError(`input \`listing\` must be git or disk (got ${JSON.stringify(listing)})`)
  return {
    ...repository,
    listing,
    levels: parseLevels(inputs.list('rules') ?? [])
  }
}

/** `CA110=warning, mirror-dir=off`: `<code or slug>=<level>` items, comma or newline separated. */
function parseLevels(items: string[]): Levels {
  const entries: Record<string, RuleLevel> = {}
  for (const item of items) {
    const m = /^([^=\s]+)\s*=\s*(\S+)$/.exec(item)
    if (!m || !RULE_LEVELS.includes(m[2] as RuleLevel))
      throw new UserError(
        `input \`rules\` takes <code>=<level> items with a level of off, warning or error, such as "CA110=warning, CA112=off" (got ${JSON.stringify(item)})`
      )
    entries[m[1]] = m[2] as RuleLevel
  }
  return levelsByCode(entries, () => ({ name: 'input `rules`' }))
}

/**
 * The opt-in checks' inputs, over the settings table: `codeowners` is true, false or a path;
 * `check-smoke-matrix` and `check-extras` are true or false. Empty leaves the table's value.
 */
function registrationOverrides(inputs: Inputs): Partial<Settings> {
  const out: Partial<Settings> = {}
  const codeowners = inputs.string('codeowners')
  if (codeowners !== undefined) {
    const bool = /^(true|false)$/i.test(codeowners) ? inputs.bool('codeowners', false) : undefined
    const spec = SETTINGS_FIELDS.codeowners
    if (bool === undefined && checkValue(spec, codeowners) === undefined)
      throw new UserError(
        `input \`codeowners\` must be true, false or a root-relative path such as .github/CODEOWNERS (got ${JSON.stringify(codeowners)})`
      )
    out.codeowners = bool ?? codeowners
  }
  if (inputs.string('check-smoke-matrix') !== undefined)
    out.check_smoke_matrix = inputs.bool('check-smoke-matrix', false)
  if (inputs.string('check-extras') !== undefined)
    out.check_extras = inputs.bool('check-extras', false)
  return out
}
