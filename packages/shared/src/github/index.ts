// Kept apart from the main entry so actions that never call GitHub do not bundle octokit.
export { createClient, statusOf } from './client.js'
export type { ClientOptions, Octokit } from './client.js'
