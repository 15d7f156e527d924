import path from 'node:path'
import {
  checkValue,
  Inputs,
  RunContext,
  SETTINGS_FIELDS,
  unknownPlaceholders,
  UserError
} from '@contribs-actions/shared'
import { BODY_MAX_LENGTH } from '@contribs-actions/shared/github'
import { MAX_STEP_WRITES } from './apply.js'
import { MILESTONE_PLACEHOLDERS, PAUSE_PLACEHOLDERS, STALE_CLOSE_PLACEHOLDERS } from './texts.js'

/** The comment texts; `{placeholders}` are filled by fillPattern (see texts.ts). */
export interface Texts {
  reminder: string
  notice: string
  archive: string
  pause: string
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

/** The text inputs, the key each sets and the placeholders it may use. */
const TEXT_INPUTS: [string, keyof Texts, readonly string[]][] = [
  ['reminder-message', 'reminder', MILESTONE_PLACEHOLDERS],
  ['notice-message', 'notice', MILESTONE_PLACEHOLDERS],
  ['archive-message', 'archive', MILESTONE_PLACEHOLDERS],
  ['pause-message', 'pause', PAUSE_PLACEHOLDERS],
  ['stale-close-message', 'staleClose', STALE_CLOSE_PLACEHOLDERS]
]

/** Everything the user gives is checked here, before the first request. */
export function parseOptions(inputs: Inputs, ctx: Pick<RunContext, 'workspace'>): Options {
  const texts: Partial<Texts> = {}
  for (const [name, key, known] of TEXT_INPUTS) {
    const v = inputs.string(name)
    if (v !== undefined) texts[key] = checkText(name, v, known)
  }
  const maxOperations = inputs.int('max-operations', DEFAULT_MAX_OPERATIONS, { min: 1 })
  if (maxOperations < MAX_STEP_WRITES)
    throw new UserError(
      `input \`max-operations\` must be at least ${MAX_STEP_WRITES} (got ${maxOperations}): the archive milestone takes up to ${MAX_STEP_WRITES} writes (create the label, add it, post the final comment) and would never fit a run`
    )
  return {
    root: path.resolve(ctx.workspace, inputs.string('path') ?? '.'),
    table: inputs.string('settings-table'),
    dryRun: inputs.bool('dry-run', false),
    maxOperations,
    archivalDays: archivalDays(inputs.list('archival-days')),
    minimumUpstreamVersion: inputs.version('minimum-upstream-version'),
    texts
  }
}

/** `archival-days`, held to the same rule as `archival_days` in the settings table. */
function archivalDays(days: string[] | undefined): number[] | undefined {
  if (!days) return undefined
  const wrong = (why: string) =>
    new UserError(
      `input \`archival-days\` must list strictly increasing whole days >= 0, e.g. "7, 14, 21" (${why})`
    )
  const bad = days.find((d) => !/^\d+$/.test(d))
  if (bad !== undefined) throw wrong(`got ${JSON.stringify(bad)}`)
  if (!days.length) throw wrong('got none')
  const numbers = days.map(Number)
  if (checkValue(SETTINGS_FIELDS.archival_days, numbers) === undefined)
    throw wrong(`got ${days.join(', ')}`)
  return numbers
}

/** A comment text: known placeholders only, and short enough to post. */
function checkText(name: string, text: string, known: readonly string[]): string {
  const unknown = unknownPlaceholders(text, known)
  if (unknown.length)
    throw new UserError(
      `input \`${name}\` uses ${unknown.map((u) => `{${u}}`).join(' ')}, which ${unknown.length === 1 ? 'is not a placeholder' : 'are not placeholders'}; it may use ${known.map((k) => `{${k}}`).join(' ')}`
    )
  if (text.length > BODY_MAX_LENGTH)
    throw new UserError(
      `input \`${name}\` is ${text.length.toLocaleString('en-US')} characters long; GitHub allows ${BODY_MAX_LENGTH.toLocaleString('en-US')} in a comment (the sweep adds a footer and a marker)`
    )
  return text
}
