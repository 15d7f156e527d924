// Kept apart from the main entry so actions that never call GitHub do not bundle octokit.
export { createClient, mayRetry, statusOf } from './client.js'
export { createOnce, isAlreadyExists, isTransientFailure } from './create-once.js'
export type { CreateOnce, Created } from './create-once.js'
export { commentOnce, findMarkedComment, hiddenMarker } from './comment-once.js'
export type { CommentOnce, IssueTarget } from './comment-once.js'
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
export type { ClientOptions, Octokit } from './client.js'
export { ensureLabel, removeIssueLabel, LABEL_MAX_LENGTH } from './labels.js'
export type { LabelSpec } from './labels.js'
export { isDefaultActionsToken, ACTIONS_TOKEN_WARNING } from './token.js'
export { connect } from './connect.js'
export type { Connection } from './connect.js'
