import type { Core } from '../core.js'
import type { Signature } from '../git/bare-repo.js'
import { ApiError } from '../http/errors.js'
import type { TokenSpec } from './types.js'

/** The token's own identity, as GitHub writes it into commits made through the API. */
export function tokenSignature(core: Core, token: TokenSpec): Signature {
  const id = core.user(token.login).id
  return {
    name: token.login,
    email: `${id}+${token.login}@users.noreply.github.com`,
    date: core.now()
  }
}

/** An `author`/`committer` body field; `date` defaults to the emulator clock. */
export function parseSignature(value: unknown, field: string, fallback: Signature): Signature {
  if (value === undefined || value === null) return fallback
  if (typeof value !== 'object')
    throw new ApiError(
      422,
      `Invalid request.\n\nFor 'properties/${field}', ${JSON.stringify(value)} is not an object.`
    )
  const v = value as { name?: unknown; email?: unknown; date?: unknown }
  if (typeof v.name !== 'string' || typeof v.email !== 'string') {
    throw new ApiError(422, `Invalid request.\n\n"name" and "email" weren't supplied in ${field}.`)
  }
  const date =
    typeof v.date === 'string' && !Number.isNaN(Date.parse(v.date))
      ? new Date(v.date).toISOString().replace('.000Z', 'Z')
      : fallback.date
  return { name: v.name, email: v.email, date }
}
