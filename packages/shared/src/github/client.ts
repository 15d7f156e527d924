import { Octokit as Core } from '@octokit/core'
import { paginateRest, type PaginateInterface } from '@octokit/plugin-paginate-rest'
import { restEndpointMethods, type Api } from '@octokit/plugin-rest-endpoint-methods'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import Bottleneck from 'bottleneck/light.js'
import { callName, TimeBudgetError } from './api-error.js'
import { yieldWithoutClamp } from './bottleneck-yield.js'
import { httpFetch } from './http-fetch.js'
import {
  boundedAttempts,
  Bounds,
  requestTimeoutFor,
  seconds,
  StepBudget,
  STEP_BUDGET_MS
} from './time-bounds.js'

/**
 * The client @actions/github builds (core, REST methods, pagination), put together here: importing
 * @actions/github parses GITHUB_EVENT_PATH at module load, so a malformed event file crashed the
 * bundle before runAction could report it. The event is read by readRunContext instead.
 */
const BoundedGitHub = Core.plugin(
  restEndpointMethods,
  paginateRest,
  boundedAttempts,
  retry,
  throttling
)

/** What callers use, as @actions/github types it: REST methods and pagination. */
export type Octokit = Core & Api & { paginate: PaginateInterface }

export interface ClientOptions {
  token: string
  /** Defaults to GITHUB_API_URL, then api.github.com. */
  baseUrl?: string
  /** Where retries and rate-limit waits are reported. */
  warn?: (message: string) => void
  /**
   * Scales every wait (write pacing, retry-after, backoff). 1 in production; the test suite and
   * the demo run against the local emulator with a small factor so a story takes seconds.
   * Read by run() from CONTRIBS_ACTIONS_TIME_SCALE.
   */
  timeScale?: number
  /** How many times a rate-limited request is retried before the error surfaces. */
  rateLimitRetries?: number
  /** Per attempt; default REQUEST_TIMEOUT_MS, scaled by timeScale (see requestTimeoutFor). */
  requestTimeoutMs?: number
  /** The step's time for GitHub calls, from now; default STEP_BUDGET_MS (not scaled). */
  budgetMs?: number
}

/**
 * POSTs that may be repeated without a second effect: adding a label or an assignee or requesting
 * a reviewer twice leaves one; a blob or tree is named by its content; a commit nobody points at
 * is never seen. Every other POST creates something (an issue, a comment, a branch, a pull
 * request) and is sent once: a retry after GitHub carried it out and then answered 5xx would make
 * a second one. Those go through createOnce, which looks the object up before trying again.
 */
const REPEATABLE_POSTS = new Set([
  '/repos/{owner}/{repo}/issues/{issue_number}/labels',
  '/repos/{owner}/{repo}/issues/{issue_number}/assignees',
  '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
  '/repos/{owner}/{repo}/git/blobs',
  '/repos/{owner}/{repo}/git/trees',
  '/repos/{owner}/{repo}/git/commits'
])

/** Whether plugin-retry may repeat this request after a 5xx or a dropped connection. */
function mayRetry(method: string, urlTemplate: string): boolean {
  return method.toUpperCase() !== 'POST' || REPEATABLE_POSTS.has(urlTemplate)
}

/**
 * An octokit with retry, throttling and time bounds. Retry covers 5xx, dropped connections and
 * request timeouts for every request that may be repeated (see mayRetry); 409 (a stale sha on a
 * compare-and-swap write) is never retried blindly, because the caller must re-read and re-apply.
 * Rate-limit refusals are retried for every method (GitHub did nothing), unless the wait would
 * pass the step's time budget. Throttling queues writes (1 s apart, 3 s for notifying writes such
 * as issues, comments and pull requests) and honours `retry-after` on secondary rate limits. The
 * time bounds are explained in time-bounds.ts.
 */
export function createClient(options: ClientOptions): Octokit {
  yieldWithoutClamp()
  const scale = options.timeScale ?? 1
  const bounds: Bounds = {
    timeoutMs: options.requestTimeoutMs ?? requestTimeoutFor(scale),
    budget: new StepBudget(options.budgetMs ?? STEP_BUDGET_MS)
  }
  // Rate-limit waits refused for the budget, by request, for the error that then surfaces.
  const refused = new WeakMap<object, string>()
  const onLimit = rateLimitHandler(options, bounds.budget, refused)
  const octokit = new BoundedGitHub({
    auth: options.token,
    baseUrl: options.baseUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com',
    // No proxy: a baseUrl given here (the emulator) is never sent through one.
    request: { fetch: httpFetch },
    bounds,
    retry: {
      doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451],
      retryAfterBaseValue: 1000 * scale
    },
    throttle: {
      retryAfterBaseValue: 1000 * scale,
      fallbackSecondaryRateRetryAfter: 60,
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 1000 * scale }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 3000 * scale }),
      onRateLimit: onLimit('rate limit hit'),
      onSecondaryRateLimit: onLimit('secondary rate limit')
    }
  })
  octokit.hook.before('request', (request) => {
    // A per-request `retries` wins over the plugin's default; set only where the caller did not.
    // `request.request` can be the client's own defaults object, shared by every later request:
    // replace it rather than write into it, or one POST would turn retries off for the client.
    const settings = (request.request ?? {}) as { retries?: number }
    if (settings.retries === undefined && !mayRetry(request.method, request.url)) {
      request.request = { ...settings, retries: 0 }
    }
  })
  octokit.hook.error('request', (error, request) => {
    const reason = refused.get(request)
    if (reason === undefined) throw error
    const { method, url } = octokit.request.endpoint.parse(request)
    throw new TimeBudgetError(callName(method, url), reason)
  })
  return octokit
}

/**
 * The throttling callbacks: report the wait, and retry (`true`) until `rateLimitRetries`, unless
 * the wait GitHub asks for would end past the step's budget. The wait is compared as GitHub
 * states it, unscaled, so a test sees the decision production would take.
 */
function rateLimitHandler(
  options: ClientOptions,
  budget: StepBudget,
  refused: WeakMap<object, string>
) {
  const warn = options.warn ?? (() => undefined)
  const maxRetries = options.rateLimitRetries ?? 4
  return (what: string) =>
    (
      retryAfter: number,
      opts: { method: string; url: string },
      _o: unknown,
      retryCount: number
    ) => {
      if (retryAfter * 1000 > budget.remainingMs()) {
        refused.set(
          opts,
          `${what}: GitHub asks to wait ${retryAfter} s, past this step's time budget for GitHub calls (${budget.describe()}, ${seconds(Math.max(0, budget.remainingMs()))} left); stopped instead of waiting, re-run the job later`
        )
        return false
      }
      warn(
        `${what} on ${opts.method} ${opts.url}; retrying in ${retryAfter} s (attempt ${retryCount + 1})`
      )
      return retryCount < maxRetries
    }
}
