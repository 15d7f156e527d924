import { UserError } from '@contribs-actions/shared'
import type { Options } from './options.js'

/** Why everything runs without looking at a diff. */
export interface RunAllVerdict {
  code: 'new-branch' | 'force-push' | 'no-base' | 'base-not-found' | 'head-not-found'
  detail: string
}

/** What to compare, decided from the event alone (no git yet). */
export interface RangePlan {
  /** Set when the event says to run everything; no git is needed then. */
  runAll?: RunAllVerdict
  base?: {
    rev: string
    /**
     * `merge-base`: diff from the merge-base of rev and head (pull requests);
     * `ancestor`: rev must be an ancestor of head, else it was a force push (push events);
     * `direct`: diff the two trees as they are (merge queue, explicit `base` input).
     */
    mode: 'merge-base' | 'ancestor' | 'direct'
    /** Where the base came from, in words, for the reason and the summary. */
    label: string
  }
  head: {
    rev: string
    /** Refs to fetch when the head commit is not in the clone (pull_request_target). */
    fetch: string[]
  }
  /** The pull request's base branch, for the stacked-PR rule. */
  pullRequestBase?: string
  /** The repository's default branch as the event payload states it. */
  payloadDefaultBranch?: string
}

const ZEROS = /^0+$/
const PR_EVENTS = new Set(['pull_request', 'pull_request_target'])

function field(payload: Record<string, unknown>, dotted: string): unknown {
  let cur: unknown = payload
  for (const k of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[k]
  }
  return cur
}

function str(payload: Record<string, unknown>, dotted: string): string | undefined {
  const v = field(payload, dotted)
  return typeof v === 'string' && v !== '' ? v : undefined
}

/** Commits from the payload go to git as arguments: accept only object names. */
function sha(event: string, payload: Record<string, unknown>, dotted: string): string | undefined {
  const v = str(payload, dotted)
  if (v !== undefined && !/^[0-9a-fA-F]{4,64}$/.test(v))
    throw new UserError(
      `the ${event} event payload's ${dotted} is not a commit sha (got ${JSON.stringify(v)})`
    )
  return v
}

function required(event: string, payload: Record<string, unknown>, dotted: string): string {
  const v = sha(event, payload, dotted)
  if (!v)
    throw new UserError(
      `the ${event} event payload has no ${dotted}; discover needs it to find the base commit ` +
        '(or give the `base` input)'
    )
  return v
}

const short = (sha: string) => (/^[0-9a-f]{40,64}$/.test(sha) ? sha.slice(0, 7) : sha)

/**
 * The base and head to compare for an event. pull_request(_target) diffs from the merge-base of
 * the PR base and the head; merge_group from `merge_group.base_sha` (every PR queued ahead is
 * part of the head, so several queued PRs are all found); push from `before`, unless the branch
 * is new or the push was forced; other events run everything. `base`/`head` inputs override.
 */
export function planRange(
  eventName: string,
  payload: Record<string, unknown>,
  options: Pick<Options, 'base' | 'head'>
): RangePlan {
  const plan: RangePlan = {
    head: { rev: options.head ?? 'HEAD', fetch: [] },
    payloadDefaultBranch: str(payload, 'repository.default_branch')
  }
  if (PR_EVENTS.has(eventName)) {
    plan.pullRequestBase = str(payload, 'pull_request.base.ref')
    // pull_request_target checks out the base branch by default, so HEAD is not the PR: diff
    // the PR head commit instead (fetched as an object only; nothing of it is checked out or run).
    const prHead = sha(eventName, payload, 'pull_request.head.sha')
    if (eventName === 'pull_request_target' && !options.head) {
      if (!prHead) required(eventName, payload, 'pull_request.head.sha')
      const number = field(payload, 'pull_request.number')
      plan.head = {
        rev: prHead!,
        fetch: [prHead!, ...(typeof number === 'number' ? [`refs/pull/${number}/head`] : [])]
      }
    }
  }
  if (options.base) {
    plan.base = { rev: options.base, mode: 'direct', label: `the \`base\` input (${options.base})` }
    return plan
  }
  if (PR_EVENTS.has(eventName)) {
    const sha = required(eventName, payload, 'pull_request.base.sha')
    plan.base = {
      rev: sha,
      mode: 'merge-base',
      label: `the merge-base of the PR base ${short(sha)} and the head`
    }
  } else if (eventName === 'merge_group') {
    const sha = required(eventName, payload, 'merge_group.base_sha')
    plan.base = { rev: sha, mode: 'direct', label: `the merge queue base ${short(sha)}` }
  } else if (eventName === 'push') {
    const before = sha(eventName, payload, 'before')
    const ref = str(payload, 'ref') ?? 'the branch'
    if (!before) {
      plan.runAll = { code: 'no-base', detail: 'the push payload has no `before` commit' }
    } else if (ZEROS.test(before)) {
      plan.runAll = {
        code: 'new-branch',
        detail: `push created ${ref} (before is all zeros), so there is nothing to compare with`
      }
    } else if (field(payload, 'forced') === true) {
      plan.runAll = {
        code: 'force-push',
        detail: `force push to ${ref}: the previous tip ${short(before)} is not part of the new history`
      }
    } else plan.base = { rev: before, mode: 'ancestor', label: `the previous tip ${short(before)}` }
  } else {
    plan.runAll = {
      code: 'no-base',
      detail: `a ${eventName || 'local'} run has no base commit to compare with`
    }
  }
  return plan
}
