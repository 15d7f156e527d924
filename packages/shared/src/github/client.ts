import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import Bottleneck from 'bottleneck/light.js'

export type Octokit = ReturnType<typeof getOctokit>

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
export function mayRetry(method: string, urlTemplate: string): boolean {
  return method.toUpperCase() !== 'POST' || REPEATABLE_POSTS.has(urlTemplate)
}

/**
 * An octokit with retry and throttling. `getOctokit` adds neither by default. Retry covers 5xx
 * and dropped connections for every request that may be repeated (see mayRetry); 409 (a stale
 * sha on a compare-and-swap write) is never retried blindly, because the caller must re-read and
 * re-apply. Rate-limit refusals are retried for every method: GitHub did nothing. Throttling queues writes (1 s apart,
 * 3 s for notifying writes such as issues, comments and pull requests) and honours
 * `retry-after` on secondary rate limits.
 */
export function createClient(options: ClientOptions): Octokit {
  const scale = options.timeScale ?? 1
  const warn = options.warn ?? (() => undefined)
  const maxRetries = options.rateLimitRetries ?? 4
  const baseUrl = options.baseUrl ?? process.env.GITHUB_API_URL ?? 'https://api.github.com'
  // Both limits: say so, and retry until maxRetries (the callback's `true` means "retry").
  const retryWhileAllowed =
    (what: string) =>
    (
      retryAfter: number,
      opts: { method: string; url: string },
      _o: unknown,
      retryCount: number
    ) => {
      warn(
        `${what} on ${opts.method} ${opts.url}; retrying in ${retryAfter} s (attempt ${retryCount + 1})`
      )
      return retryCount < maxRetries
    }
  const octokit = getOctokit(
    options.token,
    {
      baseUrl,
      // The proxy-aware dispatcher of @actions/github is fixed at import for GITHUB_API_URL; plain
      // fetch keeps a baseUrl given here working too.
      request: { fetch: globalThis.fetch },
      retry: {
        doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451],
        retryAfterBaseValue: 1000 * scale
      },
      throttle: {
        retryAfterBaseValue: 1000 * scale,
        fallbackSecondaryRateRetryAfter: 60,
        write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 1000 * scale }),
        notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 3000 * scale }),
        onRateLimit: retryWhileAllowed('rate limit hit'),
        onSecondaryRateLimit: retryWhileAllowed('secondary rate limit')
      }
    },
    retry,
    throttling
  )
  octokit.hook.before('request', (request) => {
    // A per-request `retries` wins over the plugin's default; set only where the caller did not.
    // `request.request` can be the client's own defaults object, shared by every later request:
    // replace it rather than write into it, or one POST would turn retries off for the client.
    const settings = (request.request ?? {}) as { retries?: number }
    if (settings.retries === undefined && !mayRetry(request.method, request.url)) {
      request.request = { ...settings, retries: 0 }
    }
  })
  return octokit
}

/** The HTTP status of an octokit RequestError, or undefined for anything else. */
export function statusOf(e: unknown): number | undefined {
  const s = (e as { status?: unknown })?.status
  return typeof s === 'number' ? s : undefined
}
