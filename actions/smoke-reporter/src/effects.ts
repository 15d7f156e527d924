/**
 * Carries out one package's pending effects on GitHub, oldest first, as the lease holder. Every
 * create goes through the lease fence (nothing is sent once the lease is gone) and is made once:
 * an effect an earlier run may have carried out is looked up by its marker first, and a create
 * whose answer was lost is looked up before anything is sent again. The first failure stops the
 * package: what is left stays pending for the next run.
 */
import {
  apiError,
  commentOnce,
  describeApiError,
  fencedRequest,
  Holder,
  leaseCheck,
  leaseFor,
  LeaseLostError,
  LeasePolicy,
  leaseStatus,
  statusOf
} from '@contribs-actions/shared/github'
import { UserError } from '@contribs-actions/shared'
import {
  findTracked,
  IssueRef,
  issueUrl,
  MAX_ASSIGNEES,
  openIssue,
  SCOPE,
  unlabel
} from './issues.js'
import { addedBy, Done } from './lifecycle.js'
import type { Env, PackageOutcome, Report } from './report.js'
import { CommentEffect, Effect, OpenEffect, RecoverEffect, SmokeState } from './state.js'
import type { StateStore } from './store.js'
import {
  effectMarker,
  issueBody,
  issueTitle,
  recoveryComment,
  reuseMarker,
  stillRedComment
} from './texts.js'

const LABEL_COLOR = 'b60205'
const LABEL_DESCRIPTION = 'Smoke test against the upstream is red (smoke-reporter)'

/** Open tracking issues by package: listed once per run, after this run took its leases. */
export class Tracked {
  private map?: Map<string, IssueRef & { body: string }>

  constructor(
    private readonly env: Env,
    private readonly packages: string[]
  ) {}

  async get(pkg: string): Promise<(IssueRef & { body: string }) | undefined> {
    this.map ??= await findTracked(this.env.api, new Set(this.packages))
    return this.map.get(pkg)
  }

  set(pkg: string, issue: IssueRef, body = ''): void {
    this.map?.set(pkg, { ...issue, body })
  }

  delete(pkg: string): void {
    this.map?.delete(pkg)
  }
}

export interface Worker {
  env: Env
  store: StateStore
  me: Holder
  report: Report
  tracked: Tracked
}

/** How one package's turn ended: everything done, stopped by a failure, or the lease lost. */
export interface Carried {
  done: Done[]
  stop?: 'failed' | 'lost'
}

/** Per-request options that send a create only while this run holds the package's lease. */
function fenceFor(worker: Worker, pkg: string) {
  const { env, store, me } = worker
  return fencedRequest(
    env.api.octokit,
    leaseCheck(
      {
        what: `${pkg}'s smoke state`,
        read: async () => (await store.readOne(pkg)).lease,
        now: () => env.clock.now(),
        renew: async () => {
          const { states } = await store.update(
            [pkg],
            (ss) => renewed(ss, pkg, me, env.clock.now(), env.policy.lease),
            () => `smoke-reporter: ${pkg}: renew the lease of run ${me.runId}/${me.attempt}`
          )
          const kept = states.get(pkg)!.lease?.token === me.token
          if (kept) env.log.info(`renewed the lease on ${pkg}'s smoke state before sending`)
          return kept
        }
      },
      me,
      env.policy.lease
    )
  )
}

/** The package's state with `me`'s lease renewed; unchanged when the lease is someone else's. */
function renewed(
  ss: Map<string, SmokeState>,
  pkg: string,
  me: Holder,
  nowMs: number,
  policy: LeasePolicy
) {
  const s = ss.get(pkg)!
  if (leaseStatus(s.lease, me, nowMs, policy).kind !== 'mine') return ss
  return new Map([[pkg, { ...s, lease: leaseFor(me, nowMs) }]])
}

const ref = (env: Env, n: number): IssueRef => ({
  number: n,
  url: issueUrl(env.serverUrl, env.api.owner, env.api.repo, n)
})

/** Opens the tracking issue, or adopts the one carrying the marker. Returns its number. */
async function open(
  worker: Worker,
  outcome: PackageOutcome,
  openEffect: OpenEffect,
  fence: ReturnType<typeof fenceFor>
): Promise<number> {
  const { env, report } = worker
  const pkg = outcome.package
  const found = await worker.tracked.get(pkg)
  const marker = effectMarker(pkg, openEffect)
  if (found?.body.includes(marker)) {
    outcome.notes.push(`#${found.number} was opened by an earlier try (found by its marker)`)
    return found.number
  }
  if (found) {
    outcome.notes.push(`reused open issue #${found.number} (found by its marker)`)
    env.log.debug(`#${found.number} is open and carries the ${pkg} marker: reused`)
    await comment(worker, outcome, found, openEffect, reuseMarker(pkg, openEffect), true, fence)
    return found.number
  }
  const owners = env.packages.get(pkg)?.owners
  const users = owners?.users ?? []
  if (!env.packages.has(pkg))
    outcome.notes.push(`no folder \`${pkg}\` in the checkout: no OWNERS to assign`)
  const title = issueTitle(env.api.label, pkg, openEffect.since)
  const opened = await openIssue(env.api, {
    title,
    assignees: users.slice(0, MAX_ASSIGNEES),
    body: (rejected) =>
      issueBody({
        package: pkg,
        upstream: env.settings.upstream,
        failures: openEffect.failure,
        threshold: env.policy.threshold,
        since: openEffect.since,
        runUrl: openEffect.run_url,
        upstreamRef: openEffect.upstream_ref,
        upstreamSha: openEffect.upstream_sha,
        users,
        teams: owners?.teams ?? [],
        rejected,
        overflow: users.slice(MAX_ASSIGNEES),
        label: env.api.label,
        archiveLabel: env.settings.archive_label,
        archivalDays: env.settings.archival_days,
        marker
      }),
    label: { color: LABEL_COLOR, description: LABEL_DESCRIPTION },
    find: async () => (await findTracked(env.api, new Set([pkg]))).get(pkg),
    request: fence.request
  })
  if (opened.rejected.length) {
    report.rejected.push({ package: pkg, logins: opened.rejected })
    outcome.notes.push(
      `GitHub rejected assignee(s) ${opened.rejected.map((u) => `@${u}`).join(', ')}: opened without them`
    )
  }
  if (opened.adopted)
    outcome.notes.push(
      `#${opened.number}: its create was answered with an error, found by its marker`
    )
  env.log.info(`opened #${opened.number} ${opened.url}`)
  worker.tracked.set(pkg, opened, marker)
  report.opened.push({
    package: pkg,
    issue: opened.number,
    url: opened.url,
    failure: openEffect.failure
  })
  return opened.number
}

async function comment(
  worker: Worker,
  outcome: PackageOutcome,
  issue: IssueRef,
  red: { failure: number; run_url: string },
  marker: string,
  lookFirst: boolean,
  fence: ReturnType<typeof fenceFor>
): Promise<void> {
  const { env } = worker
  const made = await commentOnce({
    octokit: env.api.octokit,
    owner: env.api.owner,
    repo: env.api.repo,
    issue: issue.number,
    body: stillRedComment(red.run_url, red.failure),
    marker,
    lookFirst,
    request: fence.request
  }).catch(rethrow(`could not comment on issue #${issue.number}`))
  if (!made.posted) {
    outcome.notes.push(`failure #${red.failure} was commented on #${issue.number} already`)
    return
  }
  env.log.info(`commented on #${issue.number} (failure ${red.failure})`)
  worker.report.commented.push({
    package: outcome.package,
    issue: issue.number,
    url: issue.url,
    failure: red.failure
  })
}

async function recover(
  worker: Worker,
  outcome: PackageOutcome,
  recoverEffect: RecoverEffect,
  lookFirst: boolean,
  fence: ReturnType<typeof fenceFor>
): Promise<void> {
  const { env } = worker
  const found = recoverEffect.issue ? undefined : await worker.tracked.get(outcome.package)
  const issue = recoverEffect.issue ? ref(env, recoverEffect.issue) : found
  if (!issue) {
    outcome.notes.push('no tracking issue was open: nothing to recover')
    return
  }
  outcome.issue = ref(env, issue.number)
  const made = await commentOnce({
    octokit: env.api.octokit,
    owner: env.api.owner,
    repo: env.api.repo,
    issue: issue.number,
    body: recoveryComment(recoverEffect.date, recoverEffect.sha, env.api.label),
    marker: effectMarker(outcome.package, recoverEffect),
    lookFirst,
    request: fence.request
  }).catch(rethrow(`could not post the recovery on issue #${issue.number}`))
  await unlabel(env.api, issue.number)
  worker.tracked.delete(outcome.package)
  env.log.info(`posted the recovery on #${issue.number}`)
  if (!made.posted) outcome.notes.push(`the recovery was posted on #${issue.number} already`)
  worker.report.recovered.push({
    package: outcome.package,
    issue: issue.number,
    url: outcome.issue.url
  })
}

/** The error as one line for the user, keeping GitHub's status as its cause. */
function rethrow(what: string) {
  return (err: unknown): never => {
    throw Object.assign(apiError(what, err, SCOPE), { cause: err })
  }
}

/** A target that is gone for good: the effect can never be carried out, so it is dropped. */
function gone(error: unknown): boolean {
  const status = statusOf(error instanceof Error && error.cause !== undefined ? error.cause : error)
  return status === 404 || status === 410
}

/** The package's pending effects, oldest first, as long as they succeed. */
export async function carryOut(
  worker: Worker,
  outcome: PackageOutcome,
  state: SmokeState,
  added: Effect | undefined
): Promise<Carried> {
  const done: Done[] = []
  let issue = state.open_issue_number ?? undefined
  for (const e of state.pending) {
    const fence = fenceFor(worker, outcome.package)
    const lookFirst = !addedBy(e, worker.me, added)
    try {
      if (e.kind === 'open') {
        issue = await open(worker, outcome, e, fence)
        outcome.issue = ref(worker.env, issue)
        done.push({ effect: e, issue })
      } else if (e.kind === 'comment') {
        await commentEffect(worker, outcome, e, e.issue ?? issue, lookFirst, fence)
        done.push({ effect: e })
      } else {
        await recover(worker, outcome, e, lookFirst, fence)
        done.push({ effect: e })
      }
    } catch (err) {
      const stop = failed(worker, outcome, e, fence.refusal() ?? err)
      if (!stop) {
        done.push({ effect: e })
        continue
      }
      return { done, stop }
    }
  }
  return { done }
}

async function commentEffect(
  worker: Worker,
  outcome: PackageOutcome,
  planned: CommentEffect,
  issue: number | undefined,
  lookFirst: boolean,
  fence: ReturnType<typeof fenceFor>
): Promise<void> {
  if (!issue) {
    outcome.notes.push(`failure #${planned.failure}: no tracking issue to comment on`)
    return
  }
  outcome.issue = ref(worker.env, issue)
  await comment(
    worker,
    outcome,
    outcome.issue,
    planned,
    effectMarker(outcome.package, planned),
    lookFirst,
    fence
  )
}

/** Reports a failed effect; undefined when it is dropped (its issue is gone) and the rest goes on. */
function failed(
  worker: Worker,
  outcome: PackageOutcome,
  effect: Effect,
  err: unknown
): Carried['stop'] {
  const why = err instanceof UserError ? err.message : describeApiError(err)
  if (err instanceof LeaseLostError) {
    worker.report.warnings.push(`${why}; this run sent nothing after that`)
    outcome.notes.push('lease lost: handed over')
    return 'lost'
  }
  worker.report.errors.push(`${outcome.package}: ${why}`)
  worker.env.log.info(`error: ${why}`)
  if (effect.kind !== 'open' && gone(err)) {
    outcome.notes.push(`error: the ${effect.kind} was dropped (its issue is gone)`)
    return undefined
  }
  outcome.notes.push(`error: the ${effect.kind} stays pending for the next run`)
  return 'failed'
}
