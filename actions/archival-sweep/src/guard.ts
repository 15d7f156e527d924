/**
 * The reads just before a step (the Guard seam of apply.ts): the issue as it stands now, and for
 * a tracking issue the package's smoke state on smoke-reporter's state branch, read once per
 * package and run. A failed read fails the step: the sweep never archives on a guess.
 */
import { statePath, UserError } from '@contribs-actions/shared'
import { Connection, readTextAt } from '@contribs-actions/shared/github'
import type { Guard } from './apply.js'
import { issueHold, smokeHold, smokeSaysGreen } from './checks.js'

export interface SmokeStateAt {
  branch: string
  dir: string
}

export function octokitGuard(conn: Connection, state: SmokeStateAt): Guard {
  const { octokit, owner, repo } = conn
  const green = new Map<string, Promise<boolean | undefined>>()
  const readGreen = async (pkg: string): Promise<boolean | undefined> => {
    const path = statePath(state.dir, pkg)
    try {
      // No file, no branch: smoke-reporter has not recorded this package (an issue labelled by hand).
      const text = await readTextAt(conn, path, state.branch)
      return text === undefined ? undefined : smokeSaysGreen(text)
    } catch (e) {
      throw new UserError(
        `could not read the smoke state ${path} on branch ${state.branch} (${(e as Error).message}); ` +
          'nothing posted, so a recovered package is never archived on a guess (the token needs contents: read)'
      )
    }
  }
  return {
    async hold(check) {
      const { data } = await octokit.rest.issues.get({ owner, repo, issue_number: check.issue })
      const labels = data.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? '')))
      const changed = issueHold(check, { open: data.state === 'open', labels })
      if (changed) return { reason: changed, warning: false }
      if (!check.smoke) return undefined
      if (!green.has(check.smoke)) green.set(check.smoke, readGreen(check.smoke))
      const recovered = smokeHold(check, await green.get(check.smoke))
      return recovered ? { reason: recovered, warning: true } : undefined
    }
  }
}
