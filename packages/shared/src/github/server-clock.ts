import type { Octokit } from './client.js'

/**
 * GitHub's clock, from the `Date` header of its responses. Issue titles, recovery dates, claim
 * leases and the ages archival-sweep measures use the clock of the timestamps GitHub writes, not
 * the runner's, which may be off by minutes.
 */
export class ServerClock {
  private offsetMs?: number

  /** Reads the header of every answer of this client, failed ones included. */
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

  /** Whether an answer has set the clock yet; before that, now() is the runner's clock. */
  get synced(): boolean {
    return this.offsetMs !== undefined
  }

  now(): number {
    return Date.now() + (this.offsetMs ?? 0)
  }
}
