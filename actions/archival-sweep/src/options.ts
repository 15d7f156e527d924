import {
  checkValue,
  fillPattern,
  Inputs,
  isBranchName,
  RepositoryInputs,
  repositoryInputs,
  RunContext,
  SETTINGS_FIELDS,
  unknownPlaceholders,
  UserError
} from '@contribs-actions/shared'
import { BODY_MAX_LENGTH } from '@contribs-actions/shared/github'
import { MAX_STEP_WRITES, REGISTRY_WRITES } from './apply.js'
import { ARCHIVE_FILES, ARCHIVE_MODES, ArchiveFile, ArchiveMode } from './registry.js'
import { MILESTONE_PLACEHOLDERS, PAUSE_PLACEHOLDERS, STALE_CLOSE_PLACEHOLDERS } from './texts.js'

/** The comment texts; `{placeholders}` are filled by fillPattern (see texts.ts). */
export interface Texts {
  reminder: string
  notice: string
  archive: string
  pause: string
  staleClose: string
}

export interface Options extends RepositoryInputs {
  dryRun: boolean
  maxOperations: number
  /** Overrides `archival_days` from the settings table. */
  archivalDays?: number[]
  /** Overrides `minimum_upstream_version` from the settings table. */
  minimumUpstreamVersion?: string
  /** Only the texts given as inputs; the rest come from DEFAULT_TEXTS. */
  texts: Partial<Texts>
  archive: ArchiveOptions
}

/** How an archival reaches the registry files (see registry.ts). */
export interface ArchiveOptions {
  mode: ArchiveMode
  files: ArchiveFile[]
  archiveBranch: string
  unarchiveBranch: string
  label: string
}

const DEFAULT_ARCHIVE_OPTIONS: ArchiveOptions = {
  mode: 'off',
  files: [...ARCHIVE_FILES],
  archiveBranch: 'contribs-archive/{package}',
  unarchiveBranch: 'contribs-unarchive/{package}',
  label: 'contribs-archive'
}

const DEFAULT_MAX_OPERATIONS = 100

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
  const archive = archiveOptions(inputs)
  const registryWrites = archive.mode === 'off' ? 0 : REGISTRY_WRITES[archive.mode]
  if (maxOperations < registryWrites)
    throw new UserError(
      `input \`max-operations\` must be at least ${registryWrites} with \`archive-changes: ${archive.mode}\` (got ${maxOperations}): one archive ${archive.mode === 'commit' ? 'commit' : 'pull request'} takes up to ${registryWrites} writes and would never fit a run`
    )
  return {
    ...repositoryInputs(inputs, ctx.workspace),
    dryRun: inputs.bool('dry-run', false),
    maxOperations,
    archivalDays: archivalDays(inputs.list('archival-days')),
    minimumUpstreamVersion: inputs.version('minimum-upstream-version'),
    texts,
    archive
  }
}

/** The archive-* inputs, each checked before the first request. */
function archiveOptions(inputs: Inputs): ArchiveOptions {
  const d = DEFAULT_ARCHIVE_OPTIONS
  const mode = inputs.oneOf('archive-changes', ARCHIVE_MODES, d.mode)
  const files = inputs.list('archive-files') ?? d.files
  const unknown = files.filter((f) => !(ARCHIVE_FILES as readonly string[]).includes(f))
  if (unknown.length || !files.includes('archived-list'))
    throw new UserError(
      `input \`archive-files\` lists the files an archival changes, among ${ARCHIVE_FILES.join(', ')}; archived-list is always one of them (got ${JSON.stringify(files.join(', '))})`
    )
  const archiveBranch = branchPattern(inputs, 'archive-branch', d.archiveBranch)
  const unarchiveBranch = branchPattern(inputs, 'unarchive-branch', d.unarchiveBranch)
  if (archiveBranch === unarchiveBranch)
    throw new UserError(
      'inputs `archive-branch` and `unarchive-branch` must differ: the two pull requests of a package are told apart by their branch'
    )
  const label = inputs.string('archive-pr-label') ?? d.label
  if (label.length > 50)
    throw new UserError(
      `input \`archive-pr-label\` must be a label of at most 50 characters (got ${label.length})`
    )
  return { mode, files: files as ArchiveFile[], archiveBranch, unarchiveBranch, label }
}

/** A branch pattern with `{package}` that gives a valid branch name for any package. */
function branchPattern(inputs: Inputs, name: string, fallback: string): string {
  const pattern = inputs.string(name) ?? fallback
  const unknown = unknownPlaceholders(pattern, ['package'])
  // A nested package's name has `/` in it: the branch must still be valid.
  const sample = fillPattern(pattern, { package: 'python/instrumentation/x' })
  if (!pattern.includes('{package}') || unknown.length || !isBranchName(sample))
    throw new UserError(
      `input \`${name}\` must be a branch name containing {package} and no other placeholder, e.g. ${JSON.stringify(fallback)} (got ${JSON.stringify(pattern)})`
    )
  return pattern
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
