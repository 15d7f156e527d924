import {
  ArchivedEntry,
  sortByCodePoint,
  Finding,
  getTable,
  git,
  loadRepo,
  Logger,
  mapLimit,
  neverPackage,
  packagesAtCommit,
  packageFolderTest,
  plural,
  readPyProject,
  Repo,
  UserError
} from '@contribs-actions/shared'
import { affected, DeletedPackage, nameFromText, unreadDependencyNotices } from './affected.js'
import { ArchivedForRun, archivedForRun } from './archived.js'
import { BaseShaping, shapingFromBase } from './base-settings.js'
import { runAllGlobs, SortedChanges, sortChanges } from './classify.js'
import { decide, Decision } from './decide.js'
import { planRange, RangePlan } from './event-plan.js'
import { Change, rangeAndChanges, Range, showFile } from './git-range.js'
import { buildLegs, Leg, shardLegs } from './legs.js'
import type { Options } from './options.js'
import { rangeText, whyLines } from './report.js'

/** Everything one run found, for the outputs and the summary. */
export interface Discovery {
  repo: Repo
  /** The package folders, sorted by code point. */
  packages: string[]
  plan: RangePlan
  range: Range
  changes?: SortedChanges
  deleted: DeletedPackage[]
  decision: Decision
  defaultBranch: string
  matrix: string[]
  legs: Leg[]
  shards: Leg[][]
  skipped: (ArchivedEntry & { reason: string })[]
  findings: Finding[]
}

/**
 * The whole run: the event's range, git's changed files and the package index (read while git
 * works), the rules, archived packages taken out, and the matrix legs. Each phase logs in a group
 * of its own; the decisions' reasons are data (Decision, Why) that only get turned into lines here.
 */
export async function discover(
  options: Options,
  eventName: string,
  payload: Record<string, unknown>,
  log: Logger
): Promise<Discovery> {
  const plan = planRange(eventName, payload, options)
  log.debug(planText(eventName, plan))
  const git = rangeAndChanges(options.root, plan)
  git.catch(() => undefined) // awaited below; this only keeps Node from calling it unhandled meanwhile
  // A head other than HEAD may still be the checkout: asked while the packages are read.
  const checkedOut = plan.head.rev === 'HEAD' ? undefined : checkoutCommit(options.root)
  const checkout = await log.withGroup('Subpackages', async () => {
    const repo = await loadSubpackages(options)
    log.info(`${repo.packages.length} subpackages; settings from [tool.${repo.settings.table}]`)
    return repo
  })
  const { range, changes: raw } = await git
  const base = trustedBase(eventName, plan, range)
  const shaped =
    typeof base === 'string' && touchesSettings(raw, checkout)
      ? await withBaseShaping(options, checkout, base, log)
      : checkout
  const repo = await atComparedHead(shaped, range, checkedOut, log)
  const packages = repo.packages.map((p) => p.dir)
  const changes = await log.withGroup('Changed files', () => {
    const changes = raw
      ? sortChanges(raw, {
          isPackage: (dir) => repo.byDir.has(dir),
          mayBePackage: packageFolderTest(
            repo.layout,
            neverPackage(repo.settings, repo.grandfather)
          ),
          settings: repo.settings,
          grandfather: repo.grandfather,
          runAllGlobs: runAllGlobs(repo.settings, options.runAll)
        })
      : undefined
    log.info(rangeText(range, changes?.files.length).replace(/`/g, ''))
    if (changes) log.info(changeCounts(changes))
    return changes
  })
  const defaultBranch = defaultBranchOf(options, repo, plan)
  const stacked =
    plan.pullRequestBase !== undefined && plan.pullRequestBase !== defaultBranch
      ? { baseRef: plan.pullRequestBase, defaultBranch }
      : undefined
  const { decision, deleted } = await log.withGroup('Decision', async () => {
    const deleted =
      changes && range.kind === 'diff' && !stacked
        ? await deletedPackages(options.root, range.base, raw!, changes)
        : []
    const decision = decide({
      packages,
      verdict: range.kind === 'all' ? range.verdict : undefined,
      stacked,
      changes,
      deleted,
      affected: (changed, gone) => affected(repo, changed, gone)
    })
    if (changes?.runAll)
      log.debug(`run-all: ${changes.runAll.file} matches the run-all glob ${changes.runAll.glob}`)
    log.info(decision.reason)
    log.debug(() => whyLines(decision.run))
    return { decision, deleted }
  })
  const archived = await archivedForRun({
    root: options.root,
    input: options.skipArchived,
    headSetting: repo.settings.skip_archived,
    table: repo.settings.table,
    isPackage: (dir) => repo.byDir.has(dir),
    base
  })
  const matrix = await log.withGroup('Matrix', () =>
    buildMatrix(options, repo, decision, archived, log)
  )
  return { repo, packages, plan, range, changes, deleted, decision, defaultBranch, ...matrix }
}

function loadSubpackages(options: Options, shaping?: BaseShaping): Promise<Repo> {
  return loadRepo(options.root, {
    table: options.table,
    overrides: { ...options.overrides, ...shaping?.overrides },
    grandfather: shaping?.grandfather,
    layout: shaping?.layout,
    owners: false,
    // Every package is kept to the end of the run; discover reads nothing else of them.
    pyproject: 'dependencies-and-ci'
  })
}

/**
 * Whether the change touches the files the package-shaping settings live in (the root
 * pyproject.toml, the grandfather list): otherwise the checkout, which on a pull request is the
 * merge with the base, already has the base's.
 */
function touchesSettings(raw: Change[] | undefined, checkout: Repo): boolean {
  const files = new Set(['pyproject.toml', checkout.grandfather.file])
  return (
    raw === undefined ||
    raw.some((c) => files.has(c.path) || (c.from !== undefined && files.has(c.from)))
  )
}

/**
 * The checkout's packages, or on a pull request or in the merge queue those the base commit's
 * settings find where the change sets them differently (see shapingFromBase), read again.
 */
async function withBaseShaping(
  options: Options,
  checkout: Repo,
  base: string,
  log: Logger
): Promise<Repo> {
  const shaping = await shapingFromBase({
    root: options.root,
    base,
    head: checkout,
    inputs: options.overrides
  })
  if (!shaping) return checkout
  const changed =
    Object.keys(shaping.overrides).length > 0 ||
    shaping.grandfather !== undefined ||
    shaping.layout !== undefined
  if (changed) log.info(`subpackages read again with the base commit's settings`)
  const repo = changed ? await loadSubpackages(options, shaping) : checkout
  return { ...repo, settingsFindings: [...repo.settingsFindings, ...shaping.findings] }
}

/** The checked-out commit, or undefined when there is none (a folder outside git, no commit). */
async function checkoutCommit(root: string): Promise<string | undefined> {
  const found = await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).catch(
    () => undefined
  )
  return found?.code === 0 ? found.stdout.trim() : undefined
}

/**
 * The packages at the compared head when that is not the checked-out commit (see
 * packagesAtCommit): `pull_request_target` checks out the base branch, and a `head` input may
 * name any commit, yet what the change adds, deletes or declares decides what runs. The settings
 * stay the checkout's.
 */
async function atComparedHead(
  repo: Repo,
  range: Range,
  checkedOut: Promise<string | undefined> | undefined,
  log: Logger
): Promise<Repo> {
  if (range.kind !== 'diff' || !checkedOut || (await checkedOut) === range.head) return repo
  const head = range.head
  const packages = await packagesAtCommit(repo, head, {
    owners: false,
    pyproject: 'dependencies-and-ci'
  })
  log.info(
    `${packages.length} subpackages at ${head.slice(0, 7)}, the compared head, read from git (it is not checked out)`
  )
  return { ...repo, packages, byDir: new Map(packages.map((p) => [p.dir, p])) }
}

/** What the event alone says to compare, for the debug log. */
function planText(eventName: string, plan: RangePlan): string {
  const event = eventName || 'a local run'
  if (plan.runAll) return `${event}: every subpackage runs (${plan.runAll.detail})`
  return `${event}: compare ${plan.head.rev} with ${plan.base!.label.replace(/`/g, '')} (${plan.base!.mode})`
}

function changeCounts(changes: SortedChanges): string {
  const parts = [
    `${plural(changes.byPackage.size, 'subpackage')} changed`,
    changes.docs.length ? `${changes.docs.length} docs` : '',
    changes.template.length ? `${changes.template.length} template` : '',
    changes.legacy.length ? `${changes.legacy.length} grandfathered` : '',
    changes.gone.size ? `${changes.gone.size} package folder(s) gone or no longer packages` : '',
    changes.other.length ? `${changes.other.length} outside every subpackage` : ''
  ]
  return parts.filter(Boolean).join(', ')
}

/**
 * The commit whose archived list, `skip_archived` and package-shaping settings a pull request or
 * merge queue run must also honour (see archivedForRun and shapingFromBase): the PR's base commit, or the queue's; `null` when there is
 * one but it was not found; undefined for other events, which trust their checkout.
 */
function trustedBase(eventName: string, plan: RangePlan, range: Range): string | null | undefined {
  if (!BASE_TRUSTED_EVENTS.has(eventName)) return undefined
  if (range.kind !== 'diff' || !plan.base) return null
  // The PR's base commit itself (found, or fetched, while the range was resolved), not the
  // merge-base: what was archived on the base branch since the PR branched counts too.
  return plan.base.mode === 'merge-base' ? plan.base.rev : range.base
}

const BASE_TRUSTED_EVENTS = new Set(['pull_request', 'pull_request_target', 'merge_group'])

function buildMatrix(
  options: Options,
  repo: Repo,
  decision: Decision,
  archived: ArchivedForRun,
  log: Logger
): Pick<Discovery, 'matrix' | 'legs' | 'shards' | 'skipped' | 'findings'> {
  const findings: Finding[] = [...repo.settingsFindings]
  // Dependents were looked for: say where dependencies could not be read (see affected.ts).
  if (decision.code === 'changed') findings.push(...unreadDependencyNotices(repo, decision.run))
  findings.push(...archived.findings)
  const matrix: string[] = []
  const skipped: Discovery['skipped'] = []
  for (const dir of sortByCodePoint([...decision.run.keys()])) {
    const listed = archived.entries.get(dir)
    if (listed) {
      // Its line in the file is for findings, not for the `skipped` output.
      const entry: ArchivedEntry = { ...listed }
      delete (entry as { line?: number }).line
      skipped.push({
        ...entry,
        reason: `archived${entry.reason ? `: ${entry.reason}` : ''} (listed in .github/archived.json)`
      })
    } else matrix.push(dir)
  }
  log.debug(() => skipped.map((s) => `${s.package} does not run: ${s.reason}`))
  const { legs, findings: legFindings } = buildLegs(repo, matrix)
  findings.push(...legFindings)
  const shards = shardLegs(legs, options.maxLegs, [...repo.byDir.keys()])
  log.info(
    `${legs.length} matrix legs for ${matrix.length} subpackages${shards.length > 1 ? `, in ${shards.length} shards of at most ${options.maxLegs}` : ''}`
  )
  return { matrix, legs, shards, skipped, findings }
}

/**
 * The `default-branch` input; else `default_branch` when the settings table sets it; else what
 * the event payload says the repository's default branch is; else the built-in `main`.
 */
function defaultBranchOf(options: Options, repo: Repo, plan: RangePlan): string {
  if (options.defaultBranch) return options.defaultBranch
  const table = getTable(repo.rootPyproject?.data ?? {}, ['tool', repo.settings.table])
  if (typeof table?.default_branch === 'string') return repo.settings.default_branch
  return plan.payloadDefaultBranch ?? repo.settings.default_branch
}

/**
 * Package folders gone at head (or no longer packages) whose `pyproject.toml` or `OWNERS` the
 * change deleted or moved away: packages deleted by the change. Their distribution name is read
 * from the base revision, so packages still naming it at head count as their dependents.
 */
async function deletedPackages(
  root: string,
  base: string,
  raw: Change[],
  changes: SortedChanges
): Promise<DeletedPackage[]> {
  if (changes.gone.size === 0) return []
  const removed = new Set<string>()
  for (const c of raw) {
    if (c.status === 'D') removed.add(c.path)
    if (c.status === 'R' && c.from) removed.add(c.from)
  }
  const dirs = [...changes.gone.keys()].filter(
    (d) => removed.has(`${d}/pyproject.toml`) || removed.has(`${d}/OWNERS`)
  )
  return mapLimit(dirs, 8, async (dir) => {
    const file = `${dir}/pyproject.toml`
    if (!removed.has(file)) return { dir }
    const text = await showFile(root, base, file)
    if (text === undefined) return { dir }
    try {
      const py = readPyProject(text, file)
      return { dir, key: py.key, name: py.name }
    } catch (e) {
      if (!(e instanceof UserError)) throw e
      // A base pyproject that does not parse still names its distribution, most likely.
      return { dir, ...nameFromText(text) }
    }
  })
}
