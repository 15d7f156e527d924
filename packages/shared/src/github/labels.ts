import type { Octokit } from './client.js'
import { statusOf } from './api-error.js'
import { createOnce } from './create-once.js'

export interface LabelSpec {
  name: string
  color: string
  description?: string
}

/**
 * Creates a repository label unless it exists. GitHub answers a duplicate with 422
 * `already_exists`, which is the idempotent outcome, not an error. A create whose answer is lost
 * (5xx, dropped connection) is looked up by name before it is tried again (createOnce). Returns
 * whether this call created it (false when it was there, or a lost attempt made it).
 */
export async function ensureLabel(
  octokit: Octokit,
  owner: string,
  repo: string,
  label: LabelSpec
): Promise<boolean> {
  const created = await createOnce({
    create: async () => {
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
        if (isDuplicateLabel(e)) return false
        throw e
      }
    },
    find: async () => ((await labelExists(octokit, owner, repo, label.name)) ? false : undefined)
  })
  return created.value
}

function isDuplicateLabel(error: unknown): boolean {
  const errors = (error as { response?: { data?: { errors?: { code?: string }[] } } }).response
    ?.data?.errors
  return statusOf(error) === 422 && errors?.some((x) => x?.code === 'already_exists') === true
}

async function labelExists(
  octokit: Octokit,
  owner: string,
  repo: string,
  name: string
): Promise<boolean> {
  try {
    await octokit.rest.issues.getLabel({ owner, repo, name })
    return true
  } catch (e) {
    if (statusOf(e) === 404) return false
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
