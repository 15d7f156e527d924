import {
  ActionResult,
  ARCHIVED_FILE,
  Finding,
  Inputs,
  loadRepo,
  Logger,
  mapLimit,
  Milestone,
  milestonesFor,
  parseTrackingMarker,
  Repo,
  RunContext,
  Settings,
  UserError
} from '@contribs-actions/shared'
import {
  ACTIONS_TOKEN_WARNING,
  Base,
  connect,
  Connection,
  DEFAULT_LEASE_POLICY,
  FileLease,
  LabelledIssue,
  newHolder,
  openPullsFromHere,
  statusOf,
  listOpenLabelled,
  readBase,
  readTextAt
} from '@contribs-actions/shared/github'
import { Applied, applyPlan, nothingApplied } from './apply.js'
import { writeProblems } from './checks.js'
import { readMinimum, upstreamFloors } from './floor.js'
import { octokitGuard } from './guard.js'
import { ArchiveOptions, Options, parseOptions } from './options.js'
import { Entry, Plan, planSweep, RegistryInput, StaleInput, SweptIssue } from './plan.js'
import { archivedEntries, META_FILE, RegistryFiles } from './registry.js'
import { readSweptIssue } from './read-issues.js'
import { buildResult } from './report.js'
import { DEFAULT_TEXTS, floorText, IssueKind } from './texts.js'
import { octokitWriter } from './writer.js'

interface Labels {
  tracking: string
  archive: string
  stale: string
  pause: string
}

export async function run(inputs: Inputs, ctx: RunContext, log: Logger): Promise<ActionResult> {
  // Everything the user gives is checked before the first request.
  const options = parseOptions(inputs, ctx)
  const repo = await loadRepo(options.root, {
    table: options.table,
    overrides: { ...options.overrides, archival_days: options.archivalDays }
  })
  const settings = repo.settings
  const minimum = readMinimum(repo, options.minimumUpstreamVersion)
  const milestones = milestonesFor(settings.archival_days)
  const labels: Labels = {
    tracking: settings.tracking_label,
    archive: settings.archive_label,
    stale: settings.stale_label,
    pause: settings.pause_label
  }
  const conn = connect(inputs, ctx, log)
  const findings: Finding[] = [...repo.settingsFindings]
  const stale = minimum ? staleSignal(repo, minimum, findings) : undefined
  // PRs the default token opens start no workflow: their CI never runs and nobody is asked.
  if (options.archive.mode === 'pull-request' && conn.actionsToken)
    findings.push({ severity: 'warning', message: ACTIONS_TOKEN_WARNING })
  const sweepOnce = () => planOnce({ conn, repo, options, labels, milestones, minimum, stale }, log)
  const lease = options.dryRun ? undefined : sweepLease(conn, settings, ctx)
  const { planned, holding, deferred, uncoordinated } = await planUnderLease(sweepOnce, lease, log)
  // Said in the log, not as an annotation: the reusable workflow grants contents: read and keeps
  // one sweep at a time with its concurrency group, so there it is the normal case.
  if (uncoordinated) log.info(uncoordinated)
  const fence = holding ? lease?.check() : undefined
  let applied: Applied
  try {
    applied = deferred
      ? nothingApplied([...planned.plan.steps])
      : await applyPlan(planned.plan, {
          maxOperations: options.maxOperations,
          writer: options.dryRun ? undefined : octokitWriter(conn, labels, planned.base, fence),
          guard: octokitGuard(conn, { branch: settings.state_branch, dir: settings.state_dir }),
          fence,
          log: (line) => log.info(line)
        })
  } finally {
    if (holding) await lease?.release()
  }
  const result = buildResult({
    plan: planned.plan,
    applied,
    milestones,
    dryRun: options.dryRun,
    maxOperations: options.maxOperations,
    findings,
    staleOn: minimum !== undefined,
    deferred
  })
  result.root = repo.root
  return result
}

interface Planned {
  plan: Plan
  /** The default branch as read for registry changes. */
  base?: Base
}

/** What one planning pass reads GitHub with and plans by. */
interface SweepInput {
  conn: Connection
  repo: Repo
  options: Options
  labels: Labels
  milestones: Milestone[]
  minimum: string | undefined
  stale: StaleInput | undefined
}

/**
 * One planning pass: the open issues and the registry files read, the plan made and logged, and
 * refused when it holds a write GitHub would refuse every time (found at write time, it would
 * leave a milestone half done, the archive label on and its comment refused, for good).
 */
async function planOnce(input: SweepInput, log: Logger): Promise<Planned> {
  const { conn, repo, options, labels, milestones, minimum } = input
  const { issues, nowMs } = await log.withGroup('Open issues', () =>
    readIssues(conn, labels, minimum !== undefined, milestones[0].day, log)
  )
  const registry =
    options.archive.mode === 'off'
      ? undefined
      : await log.withGroup('Registry files', () => readRegistry(conn, repo, options.archive, log))
  const plan = planSweep({
    nowMs,
    issues,
    milestones,
    labels,
    texts: { ...DEFAULT_TEXTS, ...options.texts },
    upstream: repo.settings.upstream,
    table: repo.settings.table,
    stale: input.stale,
    registry: registry?.input
  })
  for (const e of plan.entries) await log.withGroup(entryTitle(e), () => logEntry(e, log))
  const problems = writeProblems(plan)
  if (problems.length) throw new UserError(`nothing was written: ${problems.join('; ')}`)
  return { plan, base: registry?.base }
}

/** The sweep's lease: a file beside smoke-reporter's state files that no package's can be. */
function sweepLease(conn: Connection, settings: Settings, ctx: RunContext): FileLease {
  const dir = settings.state_dir.replace(/^\/+|\/+$/g, '')
  const me = newHolder(Number(ctx.runId ?? 0) || 0, Number(ctx.runAttempt ?? 1) || 1)
  return new FileLease(
    conn,
    {
      branch: settings.state_branch,
      path: `${dir}/archival-sweep.lease`,
      what: 'the archival sweep'
    },
    me,
    DEFAULT_LEASE_POLICY
  )
}

/**
 * Plans, and when there is something to write takes the lease first. The lease file is read
 * before GitHub's state, and taken only when no other sweep wrote it since (compare-and-swap on
 * what was read): so the plan carried out is one no other sweep's writes overtook. When another
 * sweep holds it, this run leaves the work to that one; when one took or released it meanwhile,
 * the state is read again. A run with nothing to write takes nothing and writes nothing.
 */
async function planUnderLease(
  sweepOnce: () => Promise<Planned>,
  lease: FileLease | undefined,
  log: Logger
): Promise<{ planned: Planned; holding: boolean; deferred?: string; uncoordinated?: string }> {
  for (let round = 1; ; round++) {
    const seen = lease ? await lease.read() : undefined
    const planned = await sweepOnce()
    if (!lease || !seen || !planned.plan.steps.length) return { planned, holding: false }
    let took: Awaited<ReturnType<FileLease['takeAt']>>
    try {
      took = await lease.takeAt(seen)
    } catch (e) {
      if (statusOf(e) !== 403) throw e
      // A workflow written before the lease existed grants contents: read only: it still sweeps.
      return { planned, holding: false, uncoordinated: LEASE_REFUSED }
    }
    if ('changed' in took) {
      if (round >= LEASE_ROUNDS)
        throw new UserError(
          `another archival sweep wrote after each of ${LEASE_ROUNDS} reads; nothing was written (the next run completes the work)`
        )
      log.info('another archival sweep took or released the lease meanwhile: reading again')
      continue
    }
    if (took.taken) return { planned, holding: true }
    return {
      planned,
      holding: false,
      deferred: `another archival sweep (run ${took.lease.run}, lease taken ${took.lease.at}) is writing; it does this work, so nothing was written`
    }
  }
}

const LEASE_ROUNDS = 3

const LEASE_REFUSED =
  'the token may not write the lease file on the state branch (contents: write), so this sweep is not coordinated with others that overlap it: grant contents: write, or keep one sweep at a time with a `concurrency` group'

/**
 * The open issues with the tracking label (and the stale label when the stale-floor signal is
 * on), each with its label episode and posted milestones. An issue carrying both labels counts
 * as stale when its marker says so.
 */
async function readIssues(
  conn: Connection,
  labels: Labels,
  staleOn: boolean,
  firstDay: number,
  log: Logger
): Promise<{ issues: SweptIssue[]; nowMs: number }> {
  const { octokit, owner, repo: name } = conn
  const tracking = await listOpenLabelled(octokit, owner, name, labels.tracking)
  const count = (n: number, label: string) =>
    `${n} open issue${n === 1 ? '' : 's'} labelled ${label}`
  log.info(count(tracking.issues.length, labels.tracking))
  const stale = staleOn ? await listOpenLabelled(octokit, owner, name, labels.stale) : undefined
  if (stale) log.info(count(stale.issues.length, labels.stale))
  const toRead: { issue: LabelledIssue; kind: IssueKind; label: string }[] = []
  const seen = new Set<number>()
  for (const issue of tracking.issues) {
    seen.add(issue.number)
    const staleMarked =
      stale?.issues.some((s) => s.number === issue.number) &&
      parseTrackingMarker(issue.body)?.kind === 'stale'
    toRead.push(
      staleMarked
        ? { issue, kind: 'stale', label: labels.stale }
        : { issue, kind: 'tracking', label: labels.tracking }
    )
  }
  for (const issue of stale?.issues ?? []) {
    if (!seen.has(issue.number)) toRead.push({ issue, kind: 'stale', label: labels.stale })
  }
  // GitHub's clock, not the runner's: ages are measured against the event timestamps it wrote.
  const nowMs = conn.clock.now()
  const clock = { nowMs, firstDay }
  const issues = await mapLimit(toRead, 8, (x) =>
    readSweptIssue(
      octokit,
      owner,
      name,
      x.issue,
      { kind: x.kind, label: x.label, pauseLabel: labels.pause },
      clock
    )
  )
  return { issues, nowMs }
}

/**
 * The registry files on the default branch (read from GitHub, not the checkout: the change is
 * made on top of that head), with each package's distribution name from the checkout.
 */
async function readRegistry(
  conn: Connection,
  repo: Repo,
  archive: ArchiveOptions,
  log: Logger
): Promise<{ base: Base; input: RegistryInput }> {
  const base = await readBase(conn)
  const smokeMatrixFile = repo.settings.smoke_matrix_file
  const at = (file: string) => readTextAt(conn, file, base.sha)
  const files: RegistryFiles = {
    archived: await at(ARCHIVED_FILE),
    smokeMatrix: archive.files.includes('smoke-matrix') ? await at(smokeMatrixFile) : undefined,
    pyproject: archive.files.includes('extras') ? await at(META_FILE) : undefined
  }
  const archived = archivedEntries(files)
  log.info(
    `${base.branch} at ${base.sha.slice(0, 7)}: ${archived.length} archived (${ARCHIVED_FILE}${files.archived === undefined ? ' absent' : ''})`
  )
  const openPulls = new Map<string, { number: number; url: string }>()
  for (const p of await openPullsFromHere(conn, base.branch))
    openPulls.set(p.head.ref, { number: p.number, url: p.html_url })
  const distributions = new Map(
    repo.packages.flatMap((p) => (p.pyproject?.name ? [[p.dir, p.pyproject.name] as const] : []))
  )
  return {
    base,
    input: {
      settings: {
        mode: archive.mode === 'commit' ? 'commit' : 'pull-request',
        files: archive.files,
        archiveBranch: archive.archiveBranch,
        unarchiveBranch: archive.unarchiveBranch,
        label: archive.label,
        smokeMatrixFile
      },
      files,
      archived,
      distributions,
      meta: repo.rootPyproject?.name,
      openPulls
    }
  }
}

/** The stale-floor signal's input; every floor below the minimum is also a warning finding. */
function staleSignal(repo: Repo, minimum: string, findings: Finding[]): StaleInput {
  const floors = upstreamFloors(repo, minimum)
  for (const f of floors.values()) {
    if (!f.below) continue
    findings.push({
      severity: 'warning',
      package: f.package,
      file: f.file,
      line: f.line,
      message: `\`${f.requirement}\`: ${repo.settings.upstream} floor ${floorText(f)} is below the minimum ${minimum} (minimum_upstream_version)`
    })
  }
  return {
    minimum,
    floors,
    packages: new Set(repo.packages.map((p) => p.dir)),
    owners: new Map(
      repo.packages.map((p) => [p.dir, [...(p.owners?.users ?? []), ...(p.owners?.teams ?? [])]])
    )
  }
}

function entryTitle(entry: Entry): string {
  if (entry.issue === null) return `new stale issue for ${entry.package}`
  if (entry.registry === 'unarchive')
    return `${entry.package} (archived, #${entry.issue} no longer tracks it)`
  const age = entry.ageDays === null ? 'clock stopped' : `day ${entry.ageDays}`
  return `#${entry.issue} ${entry.package ?? '(no package)'} (${entry.kind}, ${age})`
}

/** An issue's decisions: why each milestone is or is not due (debug), and what is due. */
function logEntry(entry: Entry, log: Logger): void {
  log.debug(entry.reasons)
  log.info(
    entry.steps.length ? `due: ${entry.steps.map((s) => s.action).join(', ')}` : 'nothing due'
  )
}
