/**
 * One run of the reporter, in either mode: count the run and record what GitHub must see, in
 * one compare-and-swap write that also takes the lease on that work; then, as the lease holder,
 * carry the work out and take it out of the state again. Record mode writes one package's file,
 * aggregate mode every package in one commit; the steps are the same (README "Exactly once").
 */
import {
  Logger,
  type PackageSignal,
  Settings,
  type Signal,
  Subpackage,
  UserError
} from '@contribs-actions/shared'
import { Holder, leaseStatus, newHolder, ServerClock } from '@contribs-actions/shared/github'
import { carryOut, Carried, Tracked, Worker } from './effects.js'
import { findTracked, IssueApi, IssueRef, issueUrl } from './issues.js'
import {
  Applied,
  applyEvent,
  claimWork,
  completeWork,
  Policy,
  runKey,
  SmokeEvent,
  Transition
} from './lifecycle.js'
import { Effect, SmokeState } from './state.js'
import { MAX_ROUNDS, StateStore, TreeStore } from './store.js'
import { issueTitle } from './texts.js'

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
  /** Nothing lost, but worth a look (work handed over to another run). */
  warnings: string[]
  /** State commits (aggregate) or file writes (record) made. */
  writes: number
  conflicts: number
  dryRun: boolean
}

/** The run that reports: what each of its events says besides green or red. */
type ReportingRun = Omit<SmokeEvent, 'outcome'>

export interface Env extends ReportingRun {
  api: IssueApi
  serverUrl: string
  clock: ServerClock
  settings: Settings
  policy: Policy
  /** The checkout's subpackages, for OWNERS. */
  packages: Map<string, Subpackage>
  dryRun: boolean
  timeScale: number
  log: Logger
}

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
    warnings: [],
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
    sha: env.sha,
    upstreamRef: env.upstreamRef,
    upstreamSha: env.upstreamSha
  }
}

function holds(state: SmokeState, me: Holder, env: Env): boolean {
  return (
    state.pending.length > 0 &&
    leaseStatus(state.lease, me, env.clock.now(), env.policy.lease).kind === 'mine'
  )
}

/** Counts this run for every package and takes the lease on the work it leaves, in one write. */
async function count(
  env: Env,
  store: StateStore,
  live: PackageSignal[],
  me: Holder,
  report: Report
): Promise<{ states: Map<string, SmokeState>; applied: Map<string, Applied> }> {
  const applied = new Map<string, Applied>()
  const names = live.map((s) => s.package)
  const key = runKey(env.runId, env.attempt)
  const first = await store.update(
    names,
    (states) => {
      const nowMs = env.clock.now()
      const next = new Map<string, SmokeState>()
      for (const sig of live) {
        const a = applyEvent(states.get(sig.package)!, eventOf(env, sig.signal), env.policy, nowMs)
        applied.set(sig.package, a)
        next.set(sig.package, claimWork(a.state, me, nowMs, env.policy.lease).state)
      }
      return next
    },
    (changed) =>
      `smoke-reporter: run ${key}\n\n${changed.map((p) => `${p}: ${applied.get(p)!.transition.kind}, ${applied.get(p)!.state.consecutive_failures} consecutive failure(s)`).join('\n')}\n`,
    env.dryRun
  )
  if (first.wrote) report.writes++
  report.conflicts += first.conflicts
  return { states: first.states, applied }
}

/** Carries out the work this run holds, and records what it finished, until none is left. */
async function work(
  worker: Worker,
  outcomes: Map<string, PackageOutcome>,
  states: Map<string, SmokeState>,
  applied: Map<string, Applied>
): Promise<void> {
  const { env, store, me, report } = worker
  let held = [...states.keys()].filter((p) => holds(states.get(p)!, me, env))
  for (let round = 0; held.length && round < MAX_ROUNDS; round++) {
    const carried = new Map<string, Carried>()
    for (const pkg of held) {
      const o = outcomes.get(pkg)!
      const added = round === 0 ? applied.get(pkg)?.added : undefined
      const title = `${pkg}: ${o.signal} (${o.step}${round ? `, round ${round + 1}` : ''})`
      carried.set(
        pkg,
        await env.log.withGroup(title, () => {
          const todo = states
            .get(pkg)!
            .pending.map((e) => e.kind)
            .join(', ')
          const why = round === 0 ? `${applied.get(pkg)!.why}; ` : ''
          env.log.debug(`${why}this run holds the lease and carries out: ${todo}`)
          return carryOut(worker, o, states.get(pkg)!, added)
        })
      )
    }
    const lost: string[] = []
    try {
      const next = await store.update(
        held,
        (ss) => {
          const nowMs = env.clock.now()
          const out = new Map<string, SmokeState>()
          for (const pkg of held) {
            const c = carried.get(pkg)!
            const r = completeWork(ss.get(pkg)!, me, c.done, !!c.stop, nowMs, env.policy.lease)
            if (r.lost) lost.push(pkg)
            out.set(pkg, r.state)
          }
          return out
        },
        (changed) =>
          `smoke-reporter: run ${runKey(env.runId, env.attempt)} carried out the pending work of ${changed.join(', ')}`
      )
      if (next.wrote) report.writes++
      report.conflicts += next.conflicts
      for (const [pkg, s] of next.states) {
        states.set(pkg, s)
        outcomes.get(pkg)!.failures = s.consecutive_failures
      }
    } catch (e) {
      if (!(e instanceof UserError)) throw e
      report.errors.push(`${e.message}; what was done is found by its markers on the next run`)
      return
    }
    for (const pkg of lost)
      report.warnings.push(
        `${pkg}: the lease passed to another run before this run recorded its work; that run finds what was done by its markers`
      )
    held = held.filter((p) => !carried.get(p)!.stop && holds(states.get(p)!, me, env))
  }
}

/** The dry run's account of the work this run would carry out. */
async function describeWork(
  env: Env,
  outcomes: Map<string, PackageOutcome>,
  states: Map<string, SmokeState>,
  me: Holder
): Promise<void> {
  let tracked: Map<string, IssueRef> | undefined
  for (const [pkg, s] of states) {
    if (!holds(s, me, env)) continue
    const o = outcomes.get(pkg)!
    for (const e of s.pending) o.notes.push(`dry run: would ${wouldDo(env, pkg, e, s)}`)
    if (s.pending.some((e) => e.kind === 'open'))
      tracked ??= await findTracked(env.api, new Set(states.keys()))
    const found = tracked?.get(pkg)
    if (found) o.notes.push(`dry run: open issue #${found.number} carries the marker: reused`)
  }
}

function wouldDo(env: Env, pkg: string, effect: Effect, state: SmokeState): string {
  const issue = (effect.kind !== 'open' && effect.issue) || state.open_issue_number
  if (effect.kind === 'open') return `open "${issueTitle(env.api.label, pkg, effect.since)}"`
  if (effect.kind === 'comment')
    return `comment on #${issue ?? '(new issue)'} (failure #${effect.failure})`
  return `post the recovery${issue ? ` on #${issue}` : ''} and remove \`${env.api.label}\``
}

function settle(outcome: PackageOutcome, applied: Applied, env: Env): void {
  outcome.step = applied.transition.kind
  outcome.failures = applied.state.consecutive_failures
  const n = applied.state.open_issue_number
  if (n) outcome.issue = { number: n, url: issueUrl(env.serverUrl, env.api.owner, env.api.repo, n) }
}

/** Both modes: count, take the lease on the work, carry it out, record it. */
export async function reportRun(
  env: Env,
  store: StateStore,
  signals: PackageSignal[]
): Promise<Report> {
  const report = newReport(env.dryRun)
  const outcomes = new Map(signals.map((s) => [s.package, outcomeOf(s)]))
  report.packages.push(...outcomes.values())
  const live = signals.filter((s) => s.signal !== 'none')
  if (!live.length) return report
  const me = newHolder(env.runId, env.attempt)
  const { states, applied } = await count(env, store, live, me, report)
  if (store instanceof TreeStore)
    env.log.info(
      `state: ${store.firstFetched ?? 0} of ${live.length} package file(s) fetched; the rest absent or clean`
    )
  for (const sig of live) {
    const a = applied.get(sig.package)!
    const o = outcomes.get(sig.package)!
    settle(o, a, env)
    const s = states.get(sig.package)!
    if (s.pending.length && !holds(s, me, env))
      o.notes.push(`run ${s.lease?.run} holds the lease and carries out the pending work`)
  }
  // Packages this run carries no work for get one debug line each; the others a group (work()).
  const quiet = live.filter((sig) => !holds(states.get(sig.package)!, me, env))
  env.log.debug(() =>
    quiet.map((sig) => {
      const a = applied.get(sig.package)!
      return `${sig.package}: ${a.why}`
    })
  )
  if (env.dryRun) await describeWork(env, outcomes, states, me)
  else
    await work(
      { env, store, me, report, tracked: new Tracked(env, [...states.keys()]) },
      outcomes,
      states,
      applied
    )
  return report
}
