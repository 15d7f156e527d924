/**
 * The two write paths over the same lifecycle. Record mode (one leg, one package) claims the
 * issue in the state before opening it; aggregate mode (every package of the run) opens issues
 * first and writes every change in one commit. See README "No duplicate issues".
 */
import { Logger, Settings, Subpackage, UserError } from '@contribs-actions/shared'
import { describeApiError } from '@contribs-actions/shared/github'
import { backoff, ServerClock } from './clock.js'
import {
  comment,
  findTracked,
  IssueApi,
  IssueRef,
  issueUrl,
  MAX_ASSIGNEES,
  openIssue,
  recover
} from './issues.js'
import {
  Applied,
  applyEvent,
  day,
  finalizeClaim,
  Policy,
  runKey,
  SmokeEvent,
  Transition
} from './lifecycle.js'
import type { PackageSignal, Signal } from './signals.js'
import { cloneState, serializeState, SmokeState } from './state.js'
import { FileStore, MAX_ROUNDS, Snapshot, TreeStore } from './store.js'
import { issueBody, issueTitle, recoveryComment, stillRedComment } from './texts.js'

export type Step = Transition['kind'] | 'no-signal'

export interface PackageOutcome {
  package: string
  signal: Signal
  legs: PackageSignal['legs']
  step: Step
  failures: number
  issue?: IssueRef
  notes: string[]
}

export interface ActionRecord {
  package: string
  issue: number
  url: string
  failure?: number
}

export interface Report {
  packages: PackageOutcome[]
  opened: ActionRecord[]
  commented: ActionRecord[]
  recovered: ActionRecord[]
  /** Owners GitHub refused as assignees, per package. */
  rejected: { package: string; logins: string[] }[]
  errors: string[]
  /** State commits (aggregate) or file writes (record) made. */
  writes: number
  conflicts: number
  dryRun: boolean
}

export interface Env {
  api: IssueApi
  serverUrl: string
  clock: ServerClock
  settings: Settings
  policy: Policy
  /** The checkout's subpackages, for OWNERS. */
  packages: Map<string, Subpackage>
  runId: number
  attempt: number
  runUrl: string
  sha?: string
  upstreamRef?: string
  upstreamSha?: string
  dryRun: boolean
  timeScale: number
  log: Logger
}

export const LABEL_COLOR = 'b60205'
export const LABEL_DESCRIPTION = 'Smoke test against the upstream is red (smoke-reporter)'

export function runUrl(
  serverUrl: string,
  owner: string,
  repo: string,
  id: number,
  attempt: number
): string {
  const base = `${serverUrl.replace(/\/+$/, '')}/${owner}/${repo}/actions/runs/${id}`
  return attempt > 1 ? `${base}/attempts/${attempt}` : base
}

function newReport(dryRun: boolean): Report {
  return {
    packages: [],
    opened: [],
    commented: [],
    recovered: [],
    rejected: [],
    errors: [],
    writes: 0,
    conflicts: 0,
    dryRun
  }
}

function outcomeOf(sig: PackageSignal): PackageOutcome {
  return {
    package: sig.package,
    signal: sig.signal,
    legs: sig.legs,
    step: 'no-signal',
    failures: 0,
    notes: []
  }
}

function eventOf(env: Env, signal: Signal): SmokeEvent {
  return {
    outcome: signal === 'red' ? 'failure' : 'success',
    runId: env.runId,
    attempt: env.attempt,
    runUrl: env.runUrl,
    sha: env.sha
  }
}

function ref(env: Env, n: number): IssueRef {
  return { number: n, url: issueUrl(env.serverUrl, env.api.owner, env.api.repo, n) }
}

/** Side effects on GitHub for one package; each runs once per run, whatever the number of write rounds. */
class Effects {
  private tracked?: Map<string, IssueRef>

  constructor(
    private readonly env: Env,
    private readonly report: Report
  ) {}

  /** Runs one GitHub call for a package; a failure is reported and the other packages go on. Writes are skipped in a dry run. */
  private act<T>(
    o: PackageOutcome,
    what: string,
    fn: () => Promise<T>,
    write = true
  ): Promise<T | undefined> {
    if (write && this.env.dryRun) {
      o.notes.push(`dry run: would ${what}`)
      return Promise.resolve(undefined)
    }
    return fn().catch((e: unknown) => {
      const why = e instanceof UserError ? e.message : `could not ${what}: ${describeApiError(e)}`
      this.report.errors.push(`${o.package}: ${why}`)
      this.env.log.info(`error: ${why}`)
      o.notes.push(`error: could not ${what}`)
      return undefined
    })
  }

  /** Open tracking issues by package, listed once per run and only when one is needed; undefined when the listing failed. */
  async existing(o: PackageOutcome, pkgs: string[]): Promise<Map<string, IssueRef> | undefined> {
    if (!this.tracked)
      this.tracked = await this.act(
        o,
        `list the open \`${this.env.api.label}\` issues`,
        () => findTracked(this.env.api, new Set(pkgs)),
        false
      )
    return this.tracked
  }

  async comment(
    o: PackageOutcome,
    issue: IssueRef,
    runUrl: string,
    failure: number
  ): Promise<boolean> {
    const done = await this.act(o, `comment on #${issue.number}`, async () => {
      await comment(this.env.api, issue.number, stillRedComment(runUrl, failure))
      return true
    })
    if (done) this.env.log.info(`commented on #${issue.number} (failure ${failure})`)
    if (done)
      this.report.commented.push({
        package: o.package,
        issue: issue.number,
        url: issue.url,
        failure
      })
    return done === true
  }

  async recover(
    o: PackageOutcome,
    issue: IssueRef,
    date: string,
    sha: string | undefined
  ): Promise<boolean> {
    const done = await this.act(
      o,
      `post the recovery on #${issue.number} and remove \`${this.env.api.label}\``,
      async () => {
        await recover(this.env.api, issue.number, recoveryComment(date, sha, this.env.api.label))
        return true
      }
    )
    if (done) {
      this.env.log.info(`posted the recovery on #${issue.number}`)
      this.report.recovered.push({ package: o.package, issue: issue.number, url: issue.url })
    }
    return done === true
  }

  /** Reuses an open issue carrying the package's marker, else opens one. */
  async open(
    o: PackageOutcome,
    state: SmokeState,
    failures: number,
    all: string[]
  ): Promise<IssueRef | undefined> {
    const env = this.env
    const tracked = await this.existing(o, all)
    // Without the listing a new issue could duplicate one: open nothing, the next red retries.
    if (!tracked) return undefined
    const found = tracked.get(o.package)
    if (found) {
      o.notes.push(`reused open issue #${found.number} (found by its marker)`)
      env.log.debug(`#${found.number} is open and carries the ${o.package} marker: reused`)
      await this.comment(o, found, env.runUrl, failures)
      return found
    }
    const owners = env.packages.get(o.package)?.owners
    const users = owners?.users ?? []
    const teams = owners?.teams ?? []
    if (!env.packages.has(o.package))
      o.notes.push(`no folder \`${o.package}\` in the checkout: no OWNERS to assign`)
    const since = state.red_since ?? day(env.clock.now())
    const title = issueTitle(env.api.label, o.package, since)
    const opened = await this.act(o, `open "${title}"`, () =>
      openIssue(
        env.api,
        title,
        users.slice(0, MAX_ASSIGNEES),
        (rejected) =>
          issueBody({
            package: o.package,
            upstream: env.settings.upstream,
            failures,
            threshold: env.policy.threshold,
            since,
            runUrl: env.runUrl,
            upstreamRef: env.upstreamRef,
            upstreamSha: env.upstreamSha,
            users,
            teams,
            rejected,
            overflow: users.slice(MAX_ASSIGNEES),
            label: env.api.label,
            archiveLabel: env.settings.archive_label,
            archivalDays: env.settings.archival_days
          }),
        LABEL_COLOR,
        LABEL_DESCRIPTION
      )
    )
    if (!opened) return undefined
    if (opened.rejected.length) {
      this.report.rejected.push({ package: o.package, logins: opened.rejected })
      o.notes.push(
        `GitHub rejected assignee(s) ${opened.rejected.map((u) => `@${u}`).join(', ')}: opened without them`
      )
    }
    env.log.info(`opened #${opened.number} ${opened.url}`)
    this.report.opened.push({
      package: o.package,
      issue: opened.number,
      url: opened.url,
      failure: failures
    })
    return opened
  }
}

function settle(o: PackageOutcome, a: Applied, issue?: IssueRef): void {
  o.step = a.transition.kind
  o.failures = a.state.consecutive_failures
  if (issue) o.issue = issue
}

/** Record mode: one package, one leg. Claim in the state (compare-and-swap), then open, then finalize. */
export async function recordOne(env: Env, store: FileStore, sig: PackageSignal): Promise<Report> {
  const report = newReport(env.dryRun)
  const o = outcomeOf(sig)
  report.packages.push(o)
  if (sig.signal !== 'none')
    await env.log.withGroup(`${sig.package}: ${sig.signal}`, () =>
      recordSignal(env, store, sig, report, o)
    )
  return report
}

async function recordSignal(
  env: Env,
  store: FileStore,
  sig: PackageSignal,
  report: Report,
  o: PackageOutcome
): Promise<void> {
  const ev = eventOf(env, sig.signal)
  const key = runKey(env.runId, env.attempt)
  const { result: applied, conflicts } = await store.update(
    sig.package,
    (s) => applyEvent(s, ev, env.policy, env.clock.now()),
    (r) => `smoke-reporter: ${sig.package} ${sig.signal} in run ${key} (${r.transition.kind})`,
    env.dryRun
  )
  report.conflicts += conflicts
  if (applied.changed && !env.dryRun) report.writes++
  const t = applied.transition
  env.log.debug(`${sig.package}: ${t.kind}: ${applied.why}`)
  const fx = new Effects(env, report)
  const issueNumber =
    t.kind === 'comment' || t.kind === 'recover' ? t.issue : applied.state.open_issue_number
  settle(o, applied, issueNumber ? ref(env, issueNumber) : undefined)

  if (t.kind === 'comment') await fx.comment(o, ref(env, t.issue), env.runUrl, t.failures)
  else if (t.kind === 'recover') {
    const issue = t.issue
      ? ref(env, t.issue)
      : (await fx.existing(o, [sig.package]))?.get(sig.package)
    if (issue) {
      o.issue = issue
      await fx.recover(o, issue, day(env.clock.now()), env.sha)
    }
  } else if (t.kind === 'open') {
    const issue = await fx.open(o, applied.state, t.failures, [sig.package])
    if (env.dryRun) return
    if (!issue) {
      // Give the claim back so the next red run tries again at once rather than after the lease.
      await store.update(
        sig.package,
        (s) => {
          if (s.issue_claim?.run !== t.claim.run) return { state: s, changed: false }
          const c = cloneState(s)
          c.issue_claim = undefined
          return { state: c, changed: true }
        },
        () => `smoke-reporter: ${sig.package}: release the issue claim of run ${key}`,
        false
      )
      return
    }
    o.issue = issue
    const { result: fin, conflicts: c2 } = await store.update(
      sig.package,
      (s) => finalizeClaim(s, t.claim.run, issue.number),
      () => `smoke-reporter: ${sig.package}: tracking issue #${issue.number}`,
      false
    )
    report.conflicts += c2
    if (fin.changed) report.writes++
    if (fin.lost) {
      const msg = `${sig.package}: the issue claim of run ${key} was taken over (older than the lease) before #${issue.number} was recorded; check for a duplicate tracking issue`
      report.errors.push(msg)
    }
    for (const p of fin.pending) await fx.comment(o, issue, p.run_url, p.failure)
    if (fin.recovered) {
      await fx.recover(o, issue, fin.recovered.date, fin.recovered.sha)
      o.notes.push('a green run came while the issue was being opened: recovered at once')
    }
    o.failures = fin.state.consecutive_failures
  } else if (t.kind === 'recover-pending') {
    o.notes.push(
      `run ${applied.state.issue_claim?.run} is opening the issue; it posts the recovery`
    )
  }
}

/** Transitions that change nothing on GitHub: logged in one debug line, not a group each. */
const QUIET = new Set<Transition['kind']>(['unchanged', 'duplicate'])

/**
 * One package's effects in aggregate mode (each at most once per run, whatever the round), and
 * the state to commit for it.
 */
async function settleAggregated(
  env: Env,
  fx: Effects,
  o: PackageOutcome,
  a: Applied,
  memo: { issue?: IssueRef; acted: boolean },
  names: string[],
  nowMs: number
): Promise<SmokeState> {
  const t = a.transition
  let state = a.state
  settle(o, a, state.open_issue_number ? ref(env, state.open_issue_number) : undefined)
  if (t.kind === 'open') {
    if (!memo.acted) {
      memo.issue = await fx.open(o, state, t.failures, names)
      memo.acted = true
    }
    if (memo.issue) {
      o.issue = memo.issue
      state = finalizeClaim(state, t.claim.run, memo.issue.number).state
    } else {
      // Not opened (dry run or an error): keep the count, claim nothing; the next red run opens it.
      state = cloneState(state)
      state.issue_claim = undefined
    }
  } else if (t.kind === 'comment' && !memo.acted) {
    memo.acted = true
    await fx.comment(o, ref(env, t.issue), env.runUrl, t.failures)
  } else if (t.kind === 'recover' && !memo.acted) {
    memo.acted = true
    const issue = t.issue ? ref(env, t.issue) : (await fx.existing(o, names))?.get(o.package)
    if (issue) {
      o.issue = issue
      await fx.recover(o, issue, day(nowMs), env.sha)
    }
  }
  o.failures = state.consecutive_failures
  return state
}

/** Aggregate mode: every package of the run, effects once, all state changes in one commit. */
export async function aggregateAll(
  env: Env,
  store: TreeStore,
  signals: PackageSignal[]
): Promise<Report> {
  const report = newReport(env.dryRun)
  const outcomes = new Map(signals.map((s) => [s.package, outcomeOf(s)]))
  report.packages.push(...outcomes.values())
  const live = signals.filter((s) => s.signal !== 'none')
  if (!live.length) return report
  const names = live.map((s) => s.package)
  const fx = new Effects(env, report)
  // What was done on GitHub, by package, so a re-applied round does not do it again.
  const done = new Map<string, { issue?: IssueRef; acted: boolean }>()

  for (let round = 0; round < MAX_ROUNDS; round++) {
    const snap: Snapshot = await store.snapshot(names)
    if (round === 0)
      env.log.info(
        `state: ${snap.fetched} of ${names.length} package file(s) fetched; the rest absent or clean`
      )
    const nowMs = env.clock.now()
    const changes = new Map<string, SmokeState>()
    const applied = new Map<string, Applied>()
    for (const sig of live)
      applied.set(
        sig.package,
        applyEvent(snap.states.get(sig.package)!, eventOf(env, sig.signal), env.policy, nowMs)
      )
    // Packages with nothing to do get one debug line each, written at once; the others a group.
    const quiet = (sig: PackageSignal) => QUIET.has(applied.get(sig.package)!.transition.kind)
    env.log.debug(
      live.filter(quiet).map((sig) => `${sig.package}: ${applied.get(sig.package)!.why}`)
    )
    for (const sig of live) {
      const a = applied.get(sig.package)!
      const memo = done.get(sig.package) ?? { acted: false }
      done.set(sig.package, memo)
      const settleOne = () =>
        settleAggregated(env, fx, outcomes.get(sig.package)!, a, memo, names, nowMs)
      const round2 = round ? `, round ${round + 1}` : ''
      const state = quiet(sig)
        ? await settleOne()
        : await env.log.withGroup(
            `${sig.package}: ${sig.signal} (${a.transition.kind}${round2})`,
            () => {
              env.log.debug(a.why)
              return settleOne()
            }
          )
      if (serializeState(state) !== serializeState(snap.states.get(sig.package)!))
        changes.set(sig.package, state)
    }

    if (!changes.size || env.dryRun) return report
    const key = runKey(env.runId, env.attempt)
    const lines = [...changes.keys()].map(
      (p) =>
        `${p}: ${applied.get(p)!.transition.kind}, ${changes.get(p)!.consecutive_failures} consecutive failure(s)`
    )
    const message = `smoke-reporter: run ${key}\n\n${lines.join('\n')}\n`
    if ((await store.commit(snap, changes, message)) === 'ok') {
      report.writes++
      report.conflicts += round
      return report
    }
    await backoff(round, env.timeScale)
  }
  report.errors.push(
    `gave up committing the state after ${MAX_ROUNDS} conflicting writes; the next run counts this one again`
  )
  return report
}
