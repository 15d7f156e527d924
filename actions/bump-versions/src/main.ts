import {
  ActionResult,
  Inputs,
  loadRepo,
  Logger,
  readRepoBytes,
  Repo,
  RunContext,
  Settings,
  UnreadableFileError,
  UserError
} from '@contribs-actions/shared'
import { Base, connect, Connection } from '@contribs-actions/shared/github'
import { applyWork } from './apply.js'
import { Remote, RemoteFile } from './github.js'
import { lockArgv } from './lock.js'
import { Options, parseOptions } from './options.js'
import { dryOutcome, Outcome } from './outcome.js'
import { buildPlan, Plan, Target } from './plan.js'
import { applySupersede } from './apply-supersede.js'
import { readBranches, readOtherBumps } from './read-branches.js'
import { isOlder, OtherBump, otherBumps, planSupersede, SupersedeTask } from './supersede.js'
import { buildReport, nothingToDo, preflightFailure } from './report.js'
import { listTargets } from './targets.js'
import {
  branchName,
  checkBranchesCoexist,
  checkVersion,
  resolveVersion,
  VersionSource
} from './version.js'
import { planWork, Work } from './work.js'
import { octokitWriter } from './writer.js'

/** What run() read from GitHub before planning: the default branch and the targets' files. */
interface RemoteRead {
  conn: Connection
  api: Remote
  base: Base
  files: Map<string, RemoteFile>
  actionsToken: boolean
}

export async function run(inputs: Inputs, ctx: RunContext, log: Logger): Promise<ActionResult> {
  const options = parseOptions(inputs, ctx)
  const repo = await loadRepo(options.root, {
    table: options.table,
    overrides: options.overrides
  })
  const settings = repo.settings
  const source = await versionSource(resolveVersion(options.version, ctx, settings), {
    inputs,
    ctx,
    log,
    repo,
    hasToken: options.hasToken
  })
  if (source.kind === 'nothing') return nothingToDo(source.reason)
  const version = source.version
  checkVersion(version, source.from, settings)
  log.info(`${settings.upstream} ${version} (version from ${source.from})`)
  if (!settings.bump_branch.includes('{package}'))
    throw new UserError(
      `bump_branch ${JSON.stringify(settings.bump_branch)} must contain {package}: each subpackage gets its own branch`
    )

  const targets = listTargets(repo)
  checkBranchesCoexist(
    targets.map((t) => branchName(settings, version, t.id)),
    settings
  )
  for (const t of targets)
    if (t.cycleExtras)
      log.info(
        `${t.id} does not wait for ${t.cycleExtras.join(', ')}: its extras name them, and they need ${t.id} (a cycle); its required dependencies decide its wave`
      )
  if (!options.hasToken && !options.dryRun)
    throw new UserError(
      'input `token` is required (default: ${{ github.token }}); only `dry-run: true` works without one'
    )

  const remote = options.hasToken ? await readRemote(inputs, ctx, log, repo, targets) : undefined
  const plan = buildPlan(version, targets, settings.upstream)
  log.debug(() => plan.entries.map((e) => `${e.id}: ${plan.why.get(e.id)}`))
  if (plan.problems.length) return preflightFailure(plan, repo.root)

  // The plan of GitHub work is made from what the bump branches and the open bump PRs of other
  // versions hold now; a dry run reports it.
  const { work, supersede } = remote
    ? await planRemoteWork(plan, settings, remote)
    : { work: planWork(plan, settings), supersede: [] }
  const outcome =
    remote && !options.dryRun
      ? await applyRemote(work, supersede, { plan, remote, options, repo, log })
      : dryOutcome(work, log, supersede)
  if (options.dryRun) await logDiffs(plan, log)
  return buildReport({
    plan,
    outcome,
    dryRun: options.dryRun,
    from: source.from,
    offline: !remote,
    actionsToken: remote?.actionsToken ?? false,
    root: repo.root
  })
}

/**
 * A push follows the newest version that has an open bump PR: its run rebuilds the bump branches
 * the push left behind (and opens whatever is ready). With no bump PR open there is nothing to do.
 */
async function versionSource(
  source: VersionSource,
  run: { inputs: Inputs; ctx: RunContext; log: Logger; repo: Repo; hasToken: boolean }
): Promise<Exclude<VersionSource, { kind: 'open-bumps' }>> {
  if (source.kind !== 'open-bumps') return source
  if (!run.hasToken)
    throw new UserError('a push run reads the open bump PRs from GitHub: input `token` is required')
  const api = new Remote(connect(run.inputs, run.ctx, run.log))
  const { branch } = await api.base()
  const ids = listTargets(run.repo).map((t) => t.id)
  const bumps = otherBumps(await api.openPulls(branch), '', run.repo.settings, ids)
  const newest = bumps.reduce<OtherBump | undefined>(
    (best, b) => (!best || isOlder(best, b.version) ? b : best),
    undefined
  )
  if (!newest)
    return { kind: 'nothing', reason: `no bump PR is open, so no bump branch to keep mergeable` }
  return {
    kind: 'version',
    version: newest.version,
    from: `open bump PR #${newest.pull.number} (push to ${branch})`
  }
}

/**
 * A file of the checkout, or undefined when it is not there. Only a shortcut past downloading
 * the same blob, so one the shared reader refuses is read from GitHub instead.
 */
function localFile(repo: Repo): (rel: string) => Buffer | undefined {
  return (rel) => {
    try {
      return readRepoBytes(repo.root, rel)
    } catch (e) {
      if (e instanceof UnreadableFileError) return undefined
      throw e
    }
  }
}

/**
 * The default branch's head and the targets' pyproject files there. Versions and edits come from
 * it, not the checkout, so a checkout that is behind never reverts what others merged.
 */
async function readRemote(
  inputs: Inputs,
  ctx: RunContext,
  log: Logger,
  repo: Repo,
  targets: Target[]
): Promise<RemoteRead> {
  const conn = connect(inputs, ctx, log)
  const api = new Remote(conn)
  const base = await api.base()
  log.info(`${conn.owner}/${conn.repo}: ${base.branch} at ${base.sha.slice(0, 7)}`)
  const files = await api.readFiles(
    base,
    targets.map((t) => t.file),
    localFile(repo)
  )
  for (const t of targets) t.text = files.get(t.file)?.text
  return { conn, api, base, files, actionsToken: conn.actionsToken }
}

/** The run's GitHub work: its own bump PRs, and what to do about older versions' bump PRs. */
async function planRemoteWork(
  plan: Plan,
  settings: Settings,
  remote: RemoteRead
): Promise<{ work: Work; supersede: SupersedeTask[] }> {
  const states = await readBranches(remote.api, remote.base, plan, settings)
  const others = await readOtherBumps(remote.api, remote.base, plan, settings)
  return {
    work: planWork(plan, settings, {
      states,
      org: remote.api.owner,
      base: remote.base.sha,
      newer: others.newer
    }),
    supersede: planSupersede(others.older)
  }
}

/**
 * A real run: the lock files of the packages it commits (and of the siblings whose locks record
 * them), read at the same base, then the writes.
 */
async function applyRemote(
  work: Work,
  supersede: SupersedeTask[],
  run: { plan: Plan; remote: RemoteRead; options: Options; repo: Repo; log: Logger }
): Promise<Outcome> {
  const { remote, repo } = run
  const settings = repo.settings
  const locks = work.tasks.flatMap((task) =>
    task.kind === 'bump' || task.kind === 'rebuild'
      ? [task.entry.lockFile, ...task.entry.lockedBy.map((d) => `${d}/uv.lock`)]
      : []
  )
  if (locks.length)
    for (const [p, f] of await remote.api.readFiles(remote.base, locks, localFile(repo)))
      remote.files.set(p, f)
  const writer = octokitWriter(remote.conn, remote.api, remote.base)
  const outcome = await applyWork(work, {
    plan: run.plan,
    settings,
    writer,
    remote: remote.api,
    base: remote.base,
    files: remote.files,
    lockArgv: lockArgv(run.options.lockCommand, settings.upstream),
    checkout: repo.root,
    tempRoot: run.options.tempRoot,
    actionsToken: remote.actionsToken,
    log: run.log
  })
  const context = { plan: run.plan, upstream: settings.upstream, writer, log: run.log }
  await applySupersede(supersede, context, outcome)
  return outcome
}

/** On a dry run, every diff a real run would commit (ready or waiting), one package per group. */
async function logDiffs(plan: Plan, log: Logger): Promise<void> {
  for (const e of plan.entries)
    if (e.state === 'below') await log.withGroup(`${e.id}: diff`, () => log.info(e.edit.diff))
}
