import type { Octokit as Core, OctokitOptions } from '@octokit/core'
import { RequestError } from '@octokit/request-error'
import { callName, TimeBudgetError } from './api-error.js'

/**
 * How long a step may wait on GitHub. Without bounds one stalled connection held a step for
 * about 20 minutes (undici's 300 s headers timeout, repeated by the retries), and a rate-limit
 * refusal could be waited out for an hour.
 *
 * - Each attempt of a request gets REQUEST_TIMEOUT_MS. GitHub ends a REST request that takes
 *   longer than 10 s to process, so a healthy answer, even a failed one, arrives well within
 *   30 s; three times that leaves room for a slow network and a large tree. A timed-out attempt
 *   is a transient failure: GETs and the other repeatable requests are retried (3 times, as for a
 *   5xx), so a stalled GET ends the step after about 2 minutes (4 × 30 s plus backoff), and a
 *   create is not repeated blindly (createOnce looks it up).
 * - The whole step gets STEP_BUDGET_MS of GitHub calls, counted from when the client is made. No
 *   attempt starts after it is spent, and a rate-limit wait that would end past it is not taken:
 *   the step stops with a message saying so instead. 10 minutes fits the largest runs we know
 *   (a bump of 40 packages at 3 s per notifying write takes about 8) and ends before the 15-minute
 *   `timeout-minutes` of the sweep and smoke jobs kills the step without a word. A request that
 *   started before the budget ran out may finish after it, so a step's calls end within
 *   STEP_BUDGET_MS + REQUEST_TIMEOUT_MS; a lease that must outlive a holder's calls (a claim)
 *   must be longer than that.
 */
export const REQUEST_TIMEOUT_MS = 30_000
export const STEP_BUDGET_MS = 10 * 60_000

/**
 * Tests and the demo shrink every wait with CONTRIBS_ACTIONS_TIME_SCALE; the request timeout is
 * scaled too, but never below this. The emulator serializes a repository's writes, and twenty
 * test runners writing at once on a busy two-core machine can queue one for seconds: a shorter
 * timeout would turn that queue into spurious failures.
 */
const MIN_SCALED_TIMEOUT_MS = 5_000

/** The per-attempt timeout for a time scale (1 in production). */
export function requestTimeoutFor(timeScale: number): number {
  if (timeScale >= 1) return REQUEST_TIMEOUT_MS
  return Math.max(MIN_SCALED_TIMEOUT_MS, Math.round(REQUEST_TIMEOUT_MS * timeScale))
}

/** The step's time budget: a deadline on the monotonic clock. */
export class StepBudget {
  private readonly deadline: number

  constructor(
    readonly budgetMs: number,
    private readonly now: () => number = () => performance.now()
  ) {
    this.deadline = now() + budgetMs
  }

  remainingMs(): number {
    return this.deadline - this.now()
  }

  /** `10 min`, `90 s`: the budget as a message shows it. */
  describe(): string {
    return this.budgetMs > 0 && this.budgetMs % 60_000 === 0
      ? `${this.budgetMs / 60_000} min`
      : seconds(this.budgetMs)
  }
}

export const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`

/** What createClient hands the plugin, under the `bounds` option. */
export interface Bounds {
  timeoutMs: number
  budget: StepBudget
}

/**
 * An octokit plugin that bounds every attempt of a request. It is registered before
 * plugin-retry and plugin-throttling, so its hook runs inside theirs: once per attempt, each
 * with a fresh timeout, and not at all once the budget is spent.
 */
export function boundedAttempts(octokit: Core, options: OctokitOptions): void {
  const bounds = options.bounds as Bounds | undefined
  if (!bounds) return
  octokit.hook.wrap('request', async (request, opts) => {
    const parsed = () => octokit.request.endpoint.parse(opts)
    if (bounds.budget.remainingMs() <= 0) {
      const { method, url } = parsed()
      throw new TimeBudgetError(
        callName(method, url),
        `not sent: this step's time budget for GitHub calls (${bounds.budget.describe()}) is used up; re-run the job`
      )
    }
    const signal = AbortSignal.timeout(bounds.timeoutMs)
    const settings = (opts.request ??= {}) as { signal?: AbortSignal }
    settings.signal = signal
    try {
      const response = await request(opts)
      // An answer whose body stalled reads as empty once aborted: that is a timeout too.
      if (signal.aborted) throw timedOut(parsed(), bounds.timeoutMs, signal.reason)
      return response
    } catch (e) {
      if (signal.aborted && !(e as { response?: unknown }).response)
        throw timedOut(parsed(), bounds.timeoutMs, e)
      throw e
    }
  })
}

/** A timeout as octokit reports a network failure (status 500, no response), so retries apply. */
function timedOut(
  request: ConstructorParameters<typeof RequestError>[2]['request'],
  timeoutMs: number,
  cause: unknown
): RequestError {
  return new RequestError(`timed out after ${seconds(timeoutMs)}`, 500, {
    request,
    cause
  })
}
