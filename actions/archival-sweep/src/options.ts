import path from 'node:path'
import { Inputs, RunContext, UserError } from '@contribs-actions/shared'

/** The comment texts; `{placeholders}` are filled by fillPattern (see texts.ts). */
export interface Texts {
  reminder: string
  notice: string
  archive: string
  staleClose: string
}

export interface Options {
  root: string
  table?: string
  dryRun: boolean
  maxOperations: number
  /** Overrides `archival_days` from the settings table. */
  archivalDays?: number[]
  /** Overrides `minimum_upstream_version` from the settings table. */
  minimumUpstreamVersion?: string
  /** Only the texts given as inputs; the rest come from DEFAULT_TEXTS. */
  texts: Partial<Texts>
}

export const DEFAULT_MAX_OPERATIONS = 100

export function parseOptions(inputs: Inputs, ctx: Pick<RunContext, 'workspace'>): Options {
  const days = inputs.list('archival-days')
  let archivalDays: number[] | undefined
  if (days) {
    archivalDays = days.map((d) => {
      if (!/^\d+$/.test(d))
        throw new UserError(
          `input \`archival-days\` must list whole days >= 0, e.g. "7, 14, 21" (got ${JSON.stringify(d)})`
        )
      return Number(d)
    })
    if (!archivalDays.length)
      throw new UserError('input `archival-days` must list at least one day, e.g. "7, 14, 21"')
  }
  const texts: Partial<Texts> = {}
  const text = (name: string, key: keyof Texts) => {
    const v = inputs.string(name)
    if (v !== undefined) texts[key] = v
  }
  text('reminder-message', 'reminder')
  text('notice-message', 'notice')
  text('archive-message', 'archive')
  text('stale-close-message', 'staleClose')
  return {
    root: path.resolve(ctx.workspace, inputs.string('path') ?? '.'),
    table: inputs.string('settings-table'),
    dryRun: inputs.bool('dry-run', false),
    maxOperations: inputs.int('max-operations', DEFAULT_MAX_OPERATIONS, { min: 1 }),
    archivalDays,
    minimumUpstreamVersion: inputs.version('minimum-upstream-version'),
    texts
  }
}
