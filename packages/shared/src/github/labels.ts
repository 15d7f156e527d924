import type { Octokit } from './client.js'
import { statusOf } from './api-error.js'

export interface LabelSpec {
  name: string
  color: string
  description?: string
}

/** GitHub caps label names at 50 characters; check before any write. */
export const LABEL_MAX_LENGTH = 50

/**
 * Creates a repository label unless it exists. GitHub answers a duplicate with 422
 * `already_exists`, which is the idempotent outcome, not an error. Returns whether it was created.
 */
export async function ensureLabel(
  octokit: Octokit,
  owner: string,
  repo: string,
  label: LabelSpec
): Promise<boolean> {
  try {
    await octokit.rest.issues.createLabel({
      owner,
      repo,
      name: label.name,
      color: label.color,
      description: label.description
    })
    return true
  } catch (e) {
    const errors = (e as { response?: { data?: { errors?: { code?: string }[] } } }).response?.data
      ?.errors
    if (statusOf(e) === 422 && errors?.some((x) => x?.code === 'already_exists')) return false
    throw e
  }
}

/** Removes a label from an issue; already gone (404 `Label does not exist`) is fine. Returns whether it was removed. */
export async function removeIssueLabel(
  octokit: Octokit,
  owner: string,
  repo: string,
  issue: number,
  name: string
): Promise<boolean> {
  try {
    await octokit.rest.issues.removeLabel({ owner, repo, issue_number: issue, name })
    return true
  } catch (e) {
    if (statusOf(e) === 404) return false
    throw e
  }
}
