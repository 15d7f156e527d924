import type { Octokit } from '@contribs-actions/shared/github'
import { statusOf } from '@contribs-actions/shared/github'
import { UserError } from '@contribs-actions/shared'

/**
 * GitHub's clock, from the `Date` header of its responses: issue titles, recovery dates and claim
 * leases use the same clock as the timestamps GitHub writes (and archival-sweep reads), not the
 * runner's.
 */
export class ServerClock {
  private offsetMs?: number

  attach(octokit: Octokit): void {
    octokit.hook.after('request', (response) => this.observe(response.headers.date))
    // Error responses carry the header too (a 404 may be the first answer of a run).
    octokit.hook.error('request', (error) => {
      this.observe(
        (error as { response?: { headers?: { date?: string } } }).response?.headers?.date
      )
      throw error
    })
  }

  observe(date: string | undefined): void {
    const t = date ? Date.parse(date) : NaN
    if (Number.isFinite(t)) this.offsetMs = t - Date.now()
  }

  now(): number {
    return Date.now() + (this.offsetMs ?? 0)
  }
}

/** Waits before retrying a lost compare-and-swap: exponential, capped, with jitter so racing legs spread out. */
export async function backoff(attempt: number, timeScale: number): Promise<void> {
  const ms = Math.min(5000, 200 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random()) * timeScale
  await new Promise((ok) => setTimeout(ok, ms))
}

/** One line for a failed request: the status (or "network error") and GitHub's message. */
export function describeRequestError(e: unknown): string {
  const status = statusOf(e)
  const message = (e as Error)?.message ?? String(e)
  return status === undefined ? message : `HTTP ${status}: ${message}`
}

/** Hints for the statuses a misconfigured workflow gets. */
export function permissionHint(e: unknown, scope: string): string {
  const s = statusOf(e)
  if (s === 401) return ' The token is invalid or expired.'
  if (s === 403)
    return ` The token lacks \`${scope}\` permission (add \`permissions: ${scope}\` to the job) or hit a rate limit.`
  return ''
}

export function apiError(what: string, e: unknown, scope: string): UserError {
  return new UserError(`${what}: ${describeRequestError(e)}.${permissionHint(e, scope)}`)
}
