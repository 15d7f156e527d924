/**
 * Two kinds of failure. A UserError is the repository's or the caller's fault (bad TOML, a
 * version that is not PEP 440, an unknown event): it is reported as one clear line naming the
 * file, the line and the value, with no stack trace. Anything else is a bug in this suite: it is
 * reported as an unexpected error, with its stack when debug logging is on (runtime.ts).
 */
export interface Location {
  /** Path relative to the repository root, with `/` separators. */
  file?: string
  line?: number
  column?: number
}

export class UserError extends Error {
  readonly file?: string
  readonly line?: number
  readonly column?: number

  constructor(message: string, where: Location = {}) {
    super(message)
    this.name = 'UserError'
    this.file = where.file
    this.line = where.line
    this.column = where.column
  }

  /** `file:line:column: message`, the form editors and CI logs turn into links. */
  describe(): string {
    if (!this.file) return this.message
    const pos = [this.file, this.line, this.line !== undefined ? this.column : undefined]
      .filter((p) => p !== undefined)
      .join(':')
    return `${pos}: ${this.message}`
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError
}
