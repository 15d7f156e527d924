import type { TokenKind } from './model/types.js'

export interface RequestRecord {
  seq: number
  /** Emulator-clock time of the request (ISO). */
  at: string
  method: string
  /** Octokit route template, or null when no route matched. */
  route: string | null
  path: string
  query: string
  status: number
  tokenKind: TokenKind | null
  actor: string | null
  /** Non-GET requests that reached a handler (writes), successful or not. */
  write: boolean
  /** Webhook-style events the write caused, e.g. `issues.opened`, `push`, `pull_request.closed`. */
  events: string[]
  /** The first of `events` (the one a workflow `on:` would name), or null for no event. */
  event: string | null
  /** Would GitHub start workflow runs for these events? False for GITHUB_TOKEN (actions kind). */
  wouldTriggerWorkflows: boolean
  /** A pull_request run that would wait for approval (opened/synchronized by GITHUB_TOKEN). */
  requiresApproval: boolean
  /** Set on the merge of a pull request: the `pull_request closed` event had `merged: true`. */
  merged?: boolean
  fault?: string
  requestBody?: unknown
  /** Only with `logBodies: true`: the JSON response (used by the OpenAPI conformance test). */
  responseBody?: unknown
  responseContentType?: string
}

/** Events a GITHUB_TOKEN may cause that still start workflow runs. */
const ACTIONS_TRIGGERING = new Set(['workflow_dispatch', 'repository_dispatch'])
/** pull_request activity from GITHUB_TOKEN that creates runs needing approval. */
const APPROVAL_EVENTS = new Set([
  'pull_request.opened',
  'pull_request.synchronize',
  'pull_request.reopened'
])

export function triggerFlags(
  kind: TokenKind,
  events: string[]
): { wouldTriggerWorkflows: boolean; requiresApproval: boolean } {
  if (events.length === 0) return { wouldTriggerWorkflows: false, requiresApproval: false }
  if (kind !== 'actions') return { wouldTriggerWorkflows: true, requiresApproval: false }
  return {
    wouldTriggerWorkflows: events.some((e) => ACTIONS_TRIGGERING.has(e.split('.')[0])),
    requiresApproval: events.some((e) => APPROVAL_EVENTS.has(e))
  }
}
