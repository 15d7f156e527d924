import { readFileSync } from 'node:fs'
import { UserError } from '../errors.js'

/** The parts of the runner's environment our actions read, taken from `process.env` once in run(). */
export interface RunContext {
  eventName: string
  event: Record<string, unknown>
  /** `owner/repo`. */
  repository?: string
  workspace: string
  serverUrl: string
  apiUrl: string
  runId?: string
  runAttempt?: string
  sha?: string
  ref?: string
}

export function readRunContext(env: NodeJS.ProcessEnv): RunContext {
  let event: Record<string, unknown> = {}
  const eventPath = env.GITHUB_EVENT_PATH
  if (eventPath) {
    let text: string
    try {
      text = readFileSync(eventPath, 'utf8')
    } catch {
      throw new UserError(`GITHUB_EVENT_PATH points at a missing file`, { file: eventPath })
    }
    event = parseEvent(text, eventPath)
  }
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    event,
    repository: env.GITHUB_REPOSITORY || undefined,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    runId: env.GITHUB_RUN_ID || undefined,
    runAttempt: env.GITHUB_RUN_ATTEMPT || undefined,
    sha: env.GITHUB_SHA || undefined,
    ref: env.GITHUB_REF || undefined
  }
}

/**
 * The event payload: a JSON object. GitHub always writes one, but the file is read before
 * anything else, so whatever is there (a truncated file, `null`, a list) must end the step with a
 * message, not a crash in whichever action reads a field first.
 */
function parseEvent(text: string, eventPath: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    throw new UserError(`event payload is not valid JSON: ${(e as Error).message}`, {
      file: eventPath
    })
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new UserError(
      `event payload is not a JSON object (got ${parsed === null ? 'null' : Array.isArray(parsed) ? 'a list' : typeof parsed})`,
      { file: eventPath }
    )
  return parsed as Record<string, unknown>
}

export function splitRepository(repository: string | undefined): { owner: string; repo: string } {
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(repository ?? '')
  if (!m)
    throw new UserError(`repository must be "owner/name" (got ${JSON.stringify(repository ?? '')})`)
  return { owner: m[1], repo: m[2] }
}
