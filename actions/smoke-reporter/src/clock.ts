// GitHub's clock and the one-line description of a failed call are shared by every action.
export { apiError, describeApiError, ServerClock } from '@contribs-actions/shared/github'

/** Waits before retrying a lost compare-and-swap: exponential, capped, with jitter so racing legs spread out. */
export async function backoff(attempt: number, timeScale: number): Promise<void> {
  const ms = Math.min(5000, 200 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random()) * timeScale
  await new Promise((ok) => setTimeout(ok, ms))
}
