import type { IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http'
import type { Readable } from 'node:stream'

/**
 * The `fetch` octokit is given: GitHub's REST calls over node:http and node:https.
 *
 * Not the global fetch: its first call loads undici, which on Node 20 (where the tests run the
 * bundles, hundreds of times) also compiles undici's HTTP parser from WebAssembly, about 120 ms
 * of CPU per step, more than such a step spends on everything else. On Node 24, which runs the
 * actions, the first fetch still costs about 15 ms more than node:http, which parses with the
 * runtime's own parser. node-fetch would cost as little, but it closes the connection after
 * every request unless given an agent, and spells the URL into every network error. octokit
 * asks little of fetch, and this is that little:
 *
 * - a method, headers, a body of text or bytes, `redirect` and `signal`;
 * - redirects followed as fetch follows them (at most 20; 303, and 301/302 after a POST, become
 *   GET without a body; the `authorization` header is not sent to another origin);
 * - gzip, deflate and br answers decoded, as fetch decodes them;
 * - an aborted signal ends the request, or the reading of its body, with the signal's reason;
 * - a failure to connect or a dropped connection rejects with `TypeError('fetch failed')` whose
 *   `cause` is the socket's error, as undici does, so octokit reports the socket's own words;
 * - the answer has `status`, `statusText`, `url`, `redirected`, `ok`, `headers` (`get`, `has`,
 *   iteration) and `text()`, `json()`, `arrayBuffer()`. There is no streaming `body`: nothing here
 *   asks octokit for an unparsed body.
 *
 * Connections are kept alive by node's global agents, as undici keeps them.
 */
export type HttpFetch = (input: string | URL, init?: HttpFetchInit) => Promise<HttpAnswer>

export interface HttpFetchInit {
  method?: string
  headers?: Record<string, string>
  body?: string | Uint8Array | ArrayBuffer | null
  redirect?: 'follow' | 'manual' | 'error'
  signal?: AbortSignal | null
}

const MAX_REDIRECTS = 20
const REDIRECTS = new Set([301, 302, 303, 307, 308])

/** Answer headers, read as fetch's Headers are read: by lower-case name, or all in turn. */
class AnswerHeaders {
  private readonly byName = new Map<string, string>()

  constructor(headers: Record<string, string | string[] | undefined> = {}) {
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined)
        this.byName.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value)
    }
  }

  get(name: string): string | null {
    return this.byName.get(name.toLowerCase()) ?? null
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase())
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.byName.entries()
  }

  entries(): IterableIterator<[string, string]> {
    return this.byName.entries()
  }
}

/** What httpFetch resolves to: the status and headers, and the body once it is all read. */
export class HttpAnswer {
  readonly ok: boolean

  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: AnswerHeaders,
    private readonly bytes: Promise<Buffer>,
    readonly url = '',
    /** Whether a redirect was followed to get here. */
    readonly redirected = false
  ) {
    this.ok = status >= 200 && status < 300
    // A body nobody reads (a 204, a redirect followed) must not end as an unhandled rejection.
    bytes.catch(() => undefined)
  }

  /** An answer made here rather than received (a request refused before it was sent). */
  static of(status: number, statusText: string, headers: Record<string, string>, text: string) {
    return new HttpAnswer(
      status,
      statusText,
      new AnswerHeaders(headers),
      Promise.resolve(Buffer.from(text))
    )
  }

  async text(): Promise<string> {
    return (await this.bytes).toString('utf8')
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text())
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes
    return new Uint8Array(bytes).buffer
  }
}

/** See HttpFetch. */
export const httpFetch: HttpFetch = async (input, init = {}) => {
  const signal = init.signal ?? undefined
  let url = new URL(String(input))
  let method = (init.method ?? 'GET').toUpperCase()
  let body = bodyBytes(init.body)
  const headers = { ...(init.headers ?? {}) }
  for (let redirects = 0; ; redirects++) {
    const answer = await send(url, method, headers, body, signal, redirects > 0)
    const location = answer.headers.get('location')
    if (!REDIRECTS.has(answer.status) || location === null || init.redirect === 'manual')
      return answer
    if (init.redirect === 'error')
      throw new TypeError('fetch failed', { cause: redirectError(url) })
    if (redirects === MAX_REDIRECTS)
      throw new TypeError('fetch failed', { cause: new Error('redirect count exceeded') })
    const next = new URL(location, url)
    if (answer.status === 303 ? method !== 'HEAD' : method === 'POST' && answer.status <= 302) {
      method = 'GET'
      body = undefined
      dropHeader(headers, 'content-type')
      dropHeader(headers, 'content-length')
    }
    if (next.origin !== url.origin) dropHeader(headers, 'authorization')
    url = next
  }
}

function redirectError(url: URL): Error {
  return new Error(`unexpected redirect from ${url.href}`)
}

function dropHeader(headers: Record<string, string>, name: string): void {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) delete headers[key]
}

function bodyBytes(body: HttpFetchInit['body']): Buffer | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body === 'string') return Buffer.from(body)
  if (body instanceof ArrayBuffer) return Buffer.from(body)
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  throw new TypeError('httpFetch sends a body of text or bytes only')
}

/** One request and its answer, the body still arriving. */
async function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  signal: AbortSignal | undefined,
  redirected: boolean
): Promise<HttpAnswer> {
  signal?.throwIfAborted()
  const transport =
    url.protocol === 'https:' ? await import('node:https') : await import('node:http')
  const options: RequestOptions = { method, headers: requestHeaders(headers, body) }
  return new Promise((resolve, reject) => {
    const request = transport.request(url, options)
    const onAbort = () => {
      request.destroy()
      reject(signal!.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    request.on('error', (error) => {
      signal?.removeEventListener('abort', onAbort)
      reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }))
    })
    request.on('response', (response) => {
      signal?.removeEventListener('abort', onAbort)
      resolve(
        new HttpAnswer(
          response.statusCode ?? 0,
          response.statusMessage ?? '',
          new AnswerHeaders(response.headers),
          readBody(response, signal),
          url.href,
          redirected
        )
      )
    })
    request.end(body)
  })
}

function requestHeaders(
  headers: Record<string, string>,
  body: Buffer | undefined
): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {}
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value
  out['accept-encoding'] ??= 'gzip, deflate, br'
  if (body !== undefined) out['content-length'] = String(body.length)
  return out
}

/** The whole body, decoded as its `content-encoding` says; the signal's reason if it aborts first. */
async function readBody(
  response: IncomingMessage,
  signal: AbortSignal | undefined
): Promise<Buffer> {
  const onAbort = () => response.destroy(signal!.reason as Error)
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    const chunks: Buffer[] = []
    for await (const chunk of await decoded(response)) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
  } catch (e) {
    throw signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: e })
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}

async function decoded(response: IncomingMessage): Promise<Readable> {
  const encoding = (response.headers['content-encoding'] ?? '').trim().toLowerCase()
  if (!['gzip', 'x-gzip', 'deflate', 'br'].includes(encoding)) return response
  const zlib = await import('node:zlib')
  const decoder =
    encoding === 'br'
      ? zlib.createBrotliDecompress()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : zlib.createGunzip()
  response.on('error', (e) => decoder.destroy(e))
  return response.pipe(decoder)
}
