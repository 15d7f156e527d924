import { ApiError, validationFailed } from '../http/errors.js'
import type { Ctx } from './types.js'

/** The JSON body as an object; GitHub answers 400 for a body that is not a JSON object. */
export function bodyObject(ctx: Ctx): Record<string, unknown> {
  const b = ctx.body
  if (b === undefined || b === null) return {}
  if (typeof b !== 'object' || Array.isArray(b)) throw new ApiError(400, 'Problems parsing JSON')
  return b as Record<string, unknown>
}

export function optString(
  body: Record<string, unknown>,
  key: string,
  resource: string
): string | undefined {
  const v = body[key]
  if (v === undefined) return undefined
  if (typeof v !== 'string') throw invalidType(key, resource, 'string', v)
  return v
}

export function reqString(body: Record<string, unknown>, key: string, resource: string): string {
  const v = optString(body, key, resource)
  if (v === undefined) throw validationFailed({ resource, code: 'missing_field', field: key })
  return v
}

export function optStringArray(
  body: Record<string, unknown>,
  key: string,
  resource: string
): string[] | undefined {
  const v = body[key]
  if (v === undefined || v === null) return undefined
  if (!Array.isArray(v)) throw invalidType(key, resource, 'array', v)
  return v.map((item) => {
    if (typeof item === 'string') return item
    // Labels may also be given as {name}
    if (item && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string') {
      return (item as { name: string }).name
    }
    throw invalidType(key, resource, 'string', item)
  })
}

function invalidType(key: string, _resource: string, type: string, value: unknown): ApiError {
  const shown = value === null ? 'nil' : JSON.stringify(value)
  return new ApiError(
    422,
    `Invalid request.\n\nFor 'properties/${key}', ${shown} is not a ${type}.`
  )
}

export function issueNumber(ctx: Ctx, key = 'issue_number'): number {
  const raw = ctx.params[key]
  if (!/^\d+$/.test(raw)) throw new ApiError(404, 'Not Found')
  return Number.parseInt(raw, 10)
}

const BODY_LIMIT = 65536

export function checkBodyLength(body: string | null | undefined, resource: string): void {
  if (body && body.length > BODY_LIMIT) {
    throw validationFailed({
      resource,
      code: 'custom',
      field: 'body',
      message: `body is too long (maximum is ${BODY_LIMIT} characters)`
    })
  }
}

/** `.` or `..` as a component: git would resolve it (against the data directory, for `..`). */
export function hasDotComponent(path: string): boolean {
  return path.split('/').some((part) => part === '.' || part === '..')
}

/**
 * A tree entry path GitHub refuses with 422: a leading slash, or a component that is empty (a
 * doubled slash), `.`, `..` or `.git`.
 */
export function checkTreePath(path: string): void {
  if (path.startsWith('/')) throw new ApiError(422, 'tree.path cannot start with a slash')
  const parts = path.split('/')
  if (hasDotComponent(path) || parts.some((p) => p === '' || p.toLowerCase() === '.git'))
    throw new ApiError(422, 'tree.path contains a malformed path component')
}
