/** GitHub's error documentation root; real errors link a page per endpoint. */
const DOCS = 'https://docs.github.com/rest'

export type ValidationError =
  string | { resource: string; code: string; field?: string; message?: string; value?: unknown }

/**
 * An error response in GitHub's shape: `{message, documentation_url, status}` plus
 * `errors[]` when given (422 uses objects, or plain strings for some GraphQL-backed checks).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: ValidationError[],
    readonly headers: Record<string, string> = {},
    readonly documentationUrl: string = DOCS
  ) {
    super(message)
    this.name = 'ApiError'
  }

  body(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      message: this.message,
      documentation_url: this.documentationUrl
    }
    if (this.errors) body.errors = this.errors
    body.status = String(this.status)
    return body
  }
}

/** 422 `Validation Failed` with the given `errors[]`. */
export const validationFailed = (...errors: ValidationError[]): ApiError =>
  new ApiError(422, 'Validation Failed', errors)

export const forbidden = (message = 'Resource not accessible by integration'): ApiError =>
  new ApiError(403, message)
