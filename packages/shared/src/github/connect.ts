import { UserError } from '../errors.js'
import type { Inputs } from '../action/inputs.js'
import type { RunContext } from '../action/event.js'
import type { Logger } from '../action/log.js'
import { splitRepository } from '../action/event.js'
import { createClient, Octokit } from './client.js'
import { ServerClock } from './server-clock.js'
import { isDefaultActionsToken } from './token.js'

export interface Connection {
  octokit: Octokit
  owner: string
  repo: string
  /** True when `token` is the workflow's default GITHUB_TOKEN (see token.ts). */
  actionsToken: boolean
  /** GitHub's clock, read from every answer of `octokit`. */
  clock: ServerClock
}

/**
 * Builds the GitHub client of an action that writes, from its `token`, `actions-token` and
 * `repository` inputs and the run context (GITHUB_API_URL, GITHUB_REPOSITORY). Waits are scaled
 * by CONTRIBS_ACTIONS_TIME_SCALE, which only the test suite and the demo set. Retries and
 * rate-limit waits are logged as they happen, as `warning: ...` lines. Every request is bounded
 * in time, and so are the step's calls as a whole (time-bounds.ts).
 */
export function connect(inputs: Inputs, ctx: RunContext, log: Logger): Connection {
  const token = inputs.string('token')
  if (!token) throw new UserError('input `token` is required (default: ${{ github.token }})')
  log.mask(token)
  const { owner, repo } = splitRepository(inputs.string('repository') ?? ctx.repository)
  const scaleText = process.env.CONTRIBS_ACTIONS_TIME_SCALE
  const timeScale = scaleText ? Number(scaleText) : 1
  if (!Number.isFinite(timeScale) || timeScale < 0)
    throw new UserError(`CONTRIBS_ACTIONS_TIME_SCALE must be a number >= 0 (got ${scaleText})`)
  const octokit = createClient({
    token,
    baseUrl: ctx.apiUrl,
    warn: (m) => log.info(`warning: ${m}`),
    timeScale
  })
  const clock = new ServerClock()
  clock.attach(octokit)
  return {
    octokit,
    owner,
    repo,
    actionsToken: isDefaultActionsToken(token, inputs.string('actions-token')),
    clock
  }
}
