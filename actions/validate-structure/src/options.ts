import path from 'node:path'
import {
  DISTRIBUTION_NAME,
  Inputs,
  repositoryOverrides,
  RunContext,
  Settings,
  TreeSource,
  UserError
} from '@contribs-actions/shared'

export interface Options {
  root: string
  table?: string
  /** Inputs that override the root settings table. */
  overrides: Partial<Settings>
  /** Where folder listings come from (see FileTree). */
  listing: TreeSource
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

export function parseOptions(inputs: Inputs, ctx: Pick<RunContext, 'workspace'>): Options {
  const root = path.resolve(ctx.workspace, inputs.string('path') ?? '.')
  const overrides: Partial<Settings> = repositoryOverrides(inputs)
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
  const listing = inputs.string('listing') ?? 'git'
  if (listing !== 'git' && listing !== 'disk')
    throw new UserError(`input \`listing\` must be git or disk (got ${JSON.stringify(listing)})`)
  return { root, table: inputs.string('settings-table'), overrides, listing }
}
