import { statusOf, TimeBudgetError } from './api-error.js'

/**
 * A create that must happen exactly once (an issue, a comment, a branch, a pull request). GitHub
 * sometimes carries out a POST and then answers 5xx or drops the connection, so a blind retry
 * makes a second object; a retry that meets "already exists" (422) does not prove the first
 * attempt finished either. Every such failure is therefore followed by a lookup of the object by
 * what identifies it (a marker in its body, its branch, its title), and the object found is
 * adopted instead of created again.
 */
export interface CreateOnce<T> {
  /** The POST itself. The client sends POSTs once (see createClient), so this is one attempt. */
  create: () => Promise<T>
  /**
   * Looks the object up (a list endpoint, not search, whose index lags). Undefined when there is
   * none. The caller completes what an adopted object may lack (labels, reviewers).
   */
  find: () => Promise<T | undefined>
  /** Creates tried before giving up on transient failures. Default 3. */
  attempts?: number
  /** Waits between attempts; receives the attempt number (1 after the first failure). */
  wait?: (attempt: number) => Promise<void>
}

export interface Created<T> {
  value: T
  /** True when the object was found after a failed or refused create (made by an earlier try). */
  adopted: boolean
}

/**
 * A failure after which the POST may or may not have happened: 5xx, a dropped or timed-out
 * connection. A call the time budget stopped was not sent (or GitHub refused it for a rate
 * limit): nothing happened, and looking it up would be stopped too.
 */
export function isTransientFailure(error: unknown): boolean {
  if (error instanceof TimeBudgetError) return false
  const status = statusOf(error)
  return status === undefined || status === 0 || status >= 500
}

/**
 * GitHub's answer to a create whose object exists already: "Reference already exists" (a
 * branch, a tag), "A pull request already exists", or the validation code `already_exists` (a
 * label, a release of the tag, a release asset of the name).
 */
export function isAlreadyExists(error: unknown): boolean {
  if (statusOf(error) !== 422) return false
  const text = JSON.stringify((error as { response?: { data?: unknown } }).response?.data ?? '')
  return /already[ _]exists/i.test(`${(error as Error).message ?? ''} ${text}`)
}

export async function createOnce<T>(spec: CreateOnce<T>): Promise<Created<T>> {
  const attempts = spec.attempts ?? 3
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await spec.create(), adopted: false }
    } catch (error) {
      const exists = isAlreadyExists(error)
      if (!exists && !isTransientFailure(error)) throw error
      const found = await spec.find()
      if (found !== undefined) return { value: found, adopted: true }
      // "Already exists" with nothing to find is not ours to adopt: the caller must see it.
      if (exists || attempt >= attempts) throw error
      await (spec.wait ?? noWait)(attempt)
    }
  }
}

const noWait = async (): Promise<void> => undefined
