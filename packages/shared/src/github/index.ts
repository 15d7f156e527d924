// Kept apart from the main entry so actions that never call GitHub do not bundle octokit.
export { createClient, statusOf } from './client.js'
export type { ClientOptions, Octokit } from './client.js'
export { ensureLabel, removeIssueLabel, LABEL_MAX_LENGTH } from './labels.js'
export type { LabelSpec } from './labels.js'
export { isDefaultActionsToken, ACTIONS_TOKEN_WARNING } from './token.js'
export { connect } from './connect.js'
export type { Connection } from './connect.js'
