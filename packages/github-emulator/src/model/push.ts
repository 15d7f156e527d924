import type { Core } from '../core.js'
import type { RepoState } from './types.js'

/**
 * Events a branch update causes: `push`, plus `pull_request.synchronize` when the branch is the
 * head of an open pull request (a GITHUB_TOKEN push there needs approval before CI runs).
 */
export function pushEvents(core: Core, repo: RepoState, branch: string): string[] {
  repo.pushedAt = core.now()
  const events = ['push']
  for (const i of repo.issues.values()) {
    if (i.pull && i.state === 'open' && !i.pull.headRepo && i.pull.head === branch) {
      events.push('pull_request.synchronize')
      break
    }
  }
  return events
}
