/**
 * Carries out one package's pending effects on GitHub, oldest first, as the lease holder. Every
 * create goes through the lease fence (nothing is sent once the lease is gone) and is made once:
 * an effect an earlier run may have carried out is looked up by its marker first, and a create
 * whose answer was lost is looked up before anything is sent again. The first failure stops the
 * package: what is left stays pending for the next run.
 */
import {
  commentOnce,
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
import { apiError, describeApiError } from './clock.js'
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
function fenceFor(w: Worker, pkg: string) {
  const { env, store, me } = w
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
  w: Worker,
  o: PackageOutcome,
  e: OpenEffect,
  fence: ReturnType<typeof fenceFor>
): Promise<number> {
  const { env, report } = w
  const pkg = o.package
  const found = await w.tracked.get(pkg)
  const marker = effectMarker(pkg, e)
  if (found?.body.includes(marker)) {
    o.notes.push(`#${found.number} was opened by an earlier try (found by its marker)`)
    return found.number
  }
  if (found) {
    o.notes.push(`reused open issue #${found.number} (found by its marker)`)
    env.log.debug(`#${found.number} is open and carries the ${pkg} marker: reused`)
    await comment(w, o, found, e, reuseMarker(pkg, e), true, fence)
    return found.number
  }
  const owners = env.packages.get(pkg)?.owners
  const users = owners?.users ?? []
  if (!env.packages.has(pkg))
    o.notes.push(`no folder \`${pkg}\` in the checkout: no OWNERS to assign`)
  const title = issueTitle(env.api.label, pkg, e.since)
  const opened = await openIssue(env.api, {
    title,
    assignees: users.slice(0, MAX_ASSIGNEES),
    body: (rejected) =>
      issueBody({
        package: pkg,
        upstream: env.settings.upstream,
        failures: e.failure,
        threshold: env.policy.threshold,
        since: e.since,
        runUrl: e.run_url,
        upstreamRef: e.upstream_ref,
        upstreamSha: e.upstream_sha,
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
    o.notes.push(
      `GitHub rejected assignee(s) ${opened.rejected.map((u) => `@${u}`).join(', ')}: opened without them`
    )
  }
  if (opened.adopted)
    o.notes.push(`#${opened.number}: its create was answered with an error, found by its marker`)
  env.log.info(`opened #${opened.number} ${opened.url}`)
  w.tracked.set(pkg, opened, marker)
  report.opened.push({ package: pkg, issue: opened.number, url: opened.url, failure: e.failure })
  return opened.number
}

async function comment(
  w: Worker,
  o: PackageOutcome,
  issue: IssueRef,
  e: { failure: number; run_url: string },
  marker: string,
  lookFirst: boolean,
  fence: ReturnType<typeof fenceFor>
): Promise<void> {
  const { env } = w
  const made = await commentOnce({
    octokit: env.api.octokit,
    owner: env.api.owner,
    repo: env.api.repo,
    issue: issue.number,
    body: stillRedComment(e.run_url, e.failure),
    marker,
    lookFirst,
    request: fence.request
  }).catch(rethrow(`could not comment on issue #${issue.number}`))
  if (!made.posted) {
    o.notes.push(`failure #${e.failure} was commented on #${issue.number} already`)
    return
  }
  env.log.info(`commented on #${issue.number} (failure ${e.failure})`)
  w.report.commented.push({
    package: o.package,
    issue: issue.number,
    url: issue.url,
    failure: e.failure
  })
}

async function recover(
  w: Worker,
  o: PackageOutcome,
  e: RecoverEffect,
  lookFirst: boolean,
  fence: ReturnType<typeof fenceFor>
): Promise<void> {
  const { env } = w
  const found = e.issue ? undefined : await w.tracked.get(o.package)
  const issue = e.issue ? ref(env, e.issue) : found
  if (!issue) {
    o.notes.push('no tracking issue was open: nothing to recover')
    return
  }
  o.issue = ref(env, issue.number)
  const made = await commentOnce({
    octokit: env.api.octokit,
    owner: env.api.owner,
    repo: env.api.repo,
    issue: issue.number,
    body: recoveryComment(e.date, e.sha, env.api.label),
    marker: effectMarker(o.package, e),
    lookFirst,
    request: fence.request
  }).catch(rethrow(`could not post the recovery on issue #${issue.number}`))
  await unlabel(env.api, issue.number)
  w.tracked.delete(o.package)
  env.log.info(`posted the recovery on #${issue.number}`)
  if (!made.posted) o.notes.push(`the recovery was posted on #${issue.number} already`)
  w.report.recovered.push({ package: o.package, issue: issue.number, url: o.issue.url })
}

/** The error as one line for the user, keeping GitHub's status as its cause. */
function rethrow(what: string) {
  return (err: unknown): never => {
    throw Object.assign(apiError(what, err, SCOPE), { cause: err })
  }
}

/** A target that is gone for good: the effect can never be carried out, so it is dropped. */
function gone(e: unknown): boolean {
  const status = statusOf(e instanceof Error && e.cause !== undefined ? e.cause : e)
  return status === 404 || status === 410
}

/** The package's pending effects, oldest first, as long as they succeed. */
export async function carryOut(
  w: Worker,
  o: PackageOutcome,
  state: SmokeState,
  added: Effect | undefined
): Promise<Carried> {
  const done: Done[] = []
  let issue = state.open_issue_number ?? undefined
  for (const e of state.pending) {
    const fence = fenceFor(w, o.package)
    const lookFirst = !addedBy(e, w.me, added)
    try {
      if (e.kind === 'open') {
        issue = await open(w, o, e, fence)
        o.issue = ref(w.env, issue)
        done.push({ effect: e, issue })
      } else if (e.kind === 'comment') {
        await commentEffect(w, o, e, e.issue ?? issue, lookFirst, fence)
        done.push({ effect: e })
      } else {
        await recover(w, o, e, lookFirst, fence)
        done.push({ effect: e })
      }
    } catch (err) {
      const stop = failed(w, o, e, fence.refusal() ?? err)
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
  w: Worker,
  o: PackageOutcome,
  e: CommentEffect,
  issue: number | undefined,
  lookFirst: boolean,
  fence: ReturnType<typeof fenceFor>
): Promise<void> {
  if (!issue) {
    o.notes.push(`failure #${e.failure}: no tracking issue to comment on`)
    return
  }
  o.issue = ref(w.env, issue)
  await comment(w, o, o.issue, e, effectMarker(o.package, e), lookFirst, fence)
}

/** Reports a failed effect; undefined when it is dropped (its issue is gone) and the rest goes on. */
function failed(w: Worker, o: PackageOutcome, e: Effect, err: unknown): Carried['stop'] {
  const why = err instanceof UserError ? err.message : describeApiError(err)
  if (err instanceof LeaseLostError) {
    w.report.warnings.push(`${why}; this run sent nothing after that`)
    o.notes.push('lease lost: handed over')
    return 'lost'
  }
  w.report.errors.push(`${o.package}: ${why}`)
  w.env.log.info(`error: ${why}`)
  if (e.kind !== 'open' && gone(err)) {
    o.notes.push(`error: the ${e.kind} was dropped (its issue is gone)`)
    return undefined
  }
  o.notes.push(`error: the ${e.kind} stays pending for the next run`)
  return 'failed'
}
