import { UserError } from '../errors.js'

/**
 * Every failed GitHub call reaches the user as one line: the call (method and path), the status,
 * GitHub's own message, and what to check (the token, the `permissions:` scope the route needs,
 * the rate limit, the repository). The runtime uses it for any request error that ends a step,
 * and actions use `apiError` to put what they were doing in front. It imports nothing from
 * octokit, so actions that never call GitHub can use the runtime without bundling it.
 */

/** The parts of octokit's RequestError read here; errors of any other client have none of them. */
interface RequestFailure {
  status?: unknown
  message?: string
  request?: { method?: string; url?: string }
  response?: { data?: unknown; headers?: Record<string, string | undefined> }
  cause?: unknown
}

/** The HTTP status of an octokit RequestError, or undefined for anything else. */
export function statusOf(error: unknown): number | undefined {
  const s = (error as { status?: unknown })?.status
  return typeof s === 'number' ? s : undefined
}

/** A failed GitHub call (an answer with an error status, a dropped connection, a timeout). */
export function isRequestFailure(error: unknown): boolean {
  const f = error as RequestFailure | undefined
  return typeof f?.status === 'number' && typeof f.request?.method === 'string'
}

/**
 * A request not sent, or a wait not taken, because the step's time budget would be exceeded
 * (see createClient). `call` names the request.
 */
export class TimeBudgetError extends Error {
  constructor(
    readonly call: string,
    reason: string
  ) {
    super(`${call}: ${reason}`)
    this.name = 'TimeBudgetError'
  }
}

/**
 * `what: <the one line>`, for a step that stops on this failure. `permission` names what the
 * action needs for the work at hand when that is more than the failed call needs (a state read
 * before a write: `contents: write`); by default it is taken from the call's route.
 */
export function apiError(what: string, error: unknown, permission?: string): UserError {
  return new UserError(`${what}: ${describeApiError(error, permission)}`)
}

/** The one line for a failed GitHub call: `GET /repos/o/r/...: HTTP 403 <message>; <what to check>`. */
export function describeApiError(error: unknown, permission?: string): string {
  if (error instanceof TimeBudgetError) return error.message
  // Not a GitHub call (a bug, a UserError): its message as it is.
  if (!isRequestFailure(error)) return (error as Error)?.message ?? String(error)
  const f = error as RequestFailure
  const { method, url } = f.request as { method: string; url?: string }
  const prefix = `${callName(method, url ?? '')}: `
  const status = f.status as number
  if (f.response === undefined) {
    // No answer: a dropped connection, a refused one, or our own request timeout.
    return `${prefix}no answer from GitHub (${networkReason(f)}); GitHub or the network failed, a re-run usually passes`
  }
  const message = githubMessage(f)
  const hint = hintFor(status, message, f, permission && `\`${permission}\``)
  return `${prefix}HTTP ${status}${message ? ` ${message}` : ''}${hint ? `; ${hint}` : ''}`
}

/** `GET /repos/acme/contribs/contents/state.json`: the method and the decoded path, no host or query. */
export function callName(method: string, url: string): string {
  return `${method} ${pathOf(url)}`
}

function pathOf(url: string): string {
  let path = url
  try {
    path = new URL(url, 'http://api.invalid').pathname
  } catch {
    // keep the text as it is
  }
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}

function networkReason(failure: RequestFailure): string {
  const cause = failure.cause as { message?: string } | undefined
  return failure.message || cause?.message || 'connection failed'
}

/**
 * GitHub's `message`, with its validation `errors` (422) spelled out; without the documentation
 * link octokit appends. An answer that is not GitHub's JSON (a proxy's HTML page) is cut short.
 */
function githubMessage(failure: RequestFailure): string {
  const data = failure.response?.data
  if (data && typeof data === 'object' && 'message' in data) {
    const { message, errors } = data as { message?: unknown; errors?: unknown }
    const details = Array.isArray(errors) ? errors.map(validationText).filter(Boolean) : []
    const text = String(message ?? '')
      .replace(/\s+/g, ' ')
      .trim()
    return details.length ? `${text}: ${details.join('; ')}` : text
  }
  const text = typeof data === 'string' && data ? data : (failure.message ?? '')
  const oneLine = text.replace(/ - https:\/\/docs\.github\.com\S*$/, '').replace(/\s+/g, ' ')
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine.trim()
}

/** One validation error of a 422: `{resource, field, code, message}` or a plain string. */
function validationText(item: unknown): string {
  if (typeof item === 'string') return item
  if (!item || typeof item !== 'object') return ''
  const { resource, field, code, message } = item as Record<string, unknown>
  const where = [resource, field].filter((p) => typeof p === 'string').join('.')
  const what = typeof message === 'string' ? message : typeof code === 'string' ? code : ''
  return [where, what].filter(Boolean).join(' ')
}

/** What to check for this status: the token, a permission, the rate limit, the repository. */
function hintFor(
  status: number,
  message: string,
  failure: RequestFailure,
  permission: string | undefined
): string {
  const headers = failure.response?.headers ?? {}
  if (status === 401) return 'the token is invalid or expired: check the `token` input'
  if (status === 403 || status === 429) {
    const rateHint = rateLimitHint(message, headers)
    if (rateHint) return rateHint
  }
  if (status === 403) {
    const scope =
      permission ||
      permissionOf(failure.request?.method ?? 'GET', pathOf(failure.request?.url ?? ''))
    if (/not accessible by integration/i.test(message) && scope)
      return `the token lacks ${scope}: grant it in the job's \`permissions:\` (or the GitHub App's repository permissions)`
    return 'the token is not allowed to do this: check its permissions and the repository settings'
  }
  if (status === 404) {
    const repo = /^\/repos\/([^/]+\/[^/]+)/.exec(pathOf(failure.request?.url ?? ''))?.[1]
    return repo
      ? `${repo}, or what the request names in it, does not exist or the token cannot see it: check the \`repository\` input and the token's access to it`
      : 'not found: check the names in the request'
  }
  if (status === 409)
    return 'it changed while this step was writing it; a re-run starts from the new state'
  if (status === 422) return 'GitHub refused the request as invalid'
  if (status >= 500) return 'GitHub failed, a re-run usually passes'
  return ''
}

function rateLimitHint(message: string, headers: Record<string, string | undefined>): string {
  if (/secondary rate limit/i.test(message) || headers['retry-after'] !== undefined) {
    const wait = headers['retry-after'] ? ` (GitHub asks for ${headers['retry-after']} s)` : ''
    return `a secondary rate limit: too many requests in a short time${wait}; re-run later`
  }
  if (headers['x-ratelimit-remaining'] === '0' || /rate limit exceeded/i.test(message)) {
    const reset = Number(headers['x-ratelimit-reset'])
    const until = Number.isFinite(reset) && reset > 0 ? ` until ${utcTime(reset * 1000)}` : ''
    return `the token's API rate limit is used up${until}; re-run after that`
  }
  return ''
}

const utcTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`

/**
 * The `permissions:` entry a repository route needs (GitHub's fine-grained permissions, named as
 * a workflow's `permissions:` block names them). Reads need `read`, everything else `write`.
 */
export function permissionOf(method: string, path: string): string | undefined {
  const m = /^\/repos\/[^/]+\/[^/]+(?:\/([^/]+)(?:\/[^/]+\/([^/]+))?)?/.exec(path)
  if (!m) return undefined
  const level = method.toUpperCase() === 'GET' ? 'read' : 'write'
  const [, area, sub] = m
  const either = `\`issues: ${level}\` (or \`pull-requests: ${level}\` for a pull request)`
  switch (area) {
    case 'contents':
    case 'git':
    case 'branches':
    case 'commits':
    case 'dispatches':
      return `\`contents: ${level}\``
    case 'issues':
      return sub === 'labels' ? either : `\`issues: ${level}\``
    case 'labels':
      return either
    case 'pulls':
      return `\`pull-requests: ${level}\``
    case 'actions':
      return `\`actions: ${level}\``
    default:
      return undefined
  }
}
