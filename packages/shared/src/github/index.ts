// Kept apart from the main entry so actions that never call GitHub do not bundle octokit.
export { createClient } from './client.js'
export type { ClientOptions, Octokit } from './client.js'
export {
  apiError,
  callName,
  describeApiError,
  isRequestFailure,
  permissionOf,
  statusOf,
  TimeBudgetError
} from './api-error.js'
export { REQUEST_TIMEOUT_MS, requestTimeoutFor, STEP_BUDGET_MS } from './time-bounds.js'
export { ServerClock } from './server-clock.js'
export { readJobs } from './jobs.js'
export { createOnce, isAlreadyExists, isTransientFailure } from './create-once.js'
export type { CreateOnce, Created } from './create-once.js'
export { ensureLabel, removeIssueLabel } from './labels.js'
export { BODY_MAX_LENGTH, LABEL_MAX_LENGTH, TITLE_MAX_LENGTH } from './limits.js'
export { issueEvents, listOpenLabelled } from './issues.js'
export type { LabelledIssue, LabelledListing } from './issues.js'
export { commentOnce, findMarkedComment, hiddenMarker, mayBeOurs } from './comment-once.js'
export type { CommentAuthor, CommentOnce, IssueTarget } from './comment-once.js'
export {
  DEFAULT_LEASE_POLICY,
  FENCE_HEADER,
  fencedRequest,
  holderRun,
  leaseCheck,
  leaseFor,
  leaseStatus,
  LeaseLostError,
  mayHold,
  newHolder,
  parseLease
} from './state-lease.js'
export type { Holder, Lease, LeaseAccess, LeasePolicy, LeaseStatus } from './state-lease.js'
export type { LabelSpec } from './labels.js'
export { isDefaultActionsToken, ACTIONS_TOKEN_WARNING } from './token.js'
export { connect } from './connect.js'
export type { Connection } from './connect.js'
export {
  branchHead,
  commitFiles,
  createBranchOnce,
  openPullsFromHere,
  pullsFrom,
  readBase,
  readTextAt,
  writeFileIfUnchanged
} from './git-data.js'
export type { Base, FileChange, FileWrite, ListedPull, PullListItem } from './git-data.js'
export { FileLease } from './file-lease.js'
export type { LeaseFile, TakeResult } from './file-lease.js'
