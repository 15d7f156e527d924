import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ASSET_STORAGE_PREFIX, UPLOADS_PREFIX, type Core } from './core.js'
import { PRIMARY_MESSAGE, SECONDARY_MESSAGE, type ActiveFault } from './faults.js'
import { ApiError } from './http/errors.js'
import { Router } from './http/router.js'
import type { PermissionLevel, PermissionScope, RepoState, TokenSpec } from './model/types.js'
import { rateHeaders, type RateBucket, type RateResource } from './rate-limit.js'
import { triggerFlags, type RequestRecord } from './request-log.js'
import { allRoutes } from './routes/index.js'
import { assetBytes } from './routes/releases.js'
import type { Ctx, Reply, RouteDef, RoutePermission } from './routes/types.js'

const JSON_TYPE = 'application/json; charset=utf-8'
const LEVELS: Record<PermissionLevel, number> = { none: 0, read: 1, write: 2 }

/** One API request on its way: what came, its log record, and how to answer it. */
interface Exchange {
  req: IncomingMessage
  res: ServerResponse
  url: URL
  method: string
  raw: Buffer
  record: RequestRecord
  /** The headers every answer carries. */
  headers: Record<string, string>
  send: (status: number, body: unknown, extra?: Record<string, string>) => void
  fail: (e: ApiError, extra?: Record<string, string>) => void
}

/** The rate-limit bucket a request counts against, and its headers. */
interface Meter {
  bucket: RateBucket
  /** Never counted (`GET /rate_limit`). */
  free: boolean
  rate: () => Record<string, string>
}

const UNPARSABLE = Symbol('unparsable')

/** The request's JSON body (logged), or UNPARSABLE once a 400 has answered it. */
function jsonBody(ex: Exchange): unknown {
  if (ex.raw.length === 0 || ex.method === 'GET' || ex.method === 'HEAD') return undefined
  try {
    const body: unknown = JSON.parse(ex.raw.toString('utf8'))
    ex.record.requestBody = body
    return body
  } catch {
    ex.fail(new ApiError(400, 'Problems parsing JSON'))
    return UNPARSABLE
  }
}

export type ControlHandler = (
  req: IncomingMessage,
  url: URL,
  body: unknown
) => Promise<{ status: number; body?: unknown }>

/**
 * The GitHub-shaped request pipeline: auth, routing, fault injection, permissions, per-repo
 * write serialization, the handler, ETag/304, rate-limit headers and the request log.
 */
export class ApiServer {
  readonly router = new Router<RouteDef>()

  constructor(
    private readonly core: Core,
    private readonly control: ControlHandler
  ) {
    for (const r of allRoutes()) this.router.add(r)
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.core.baseUrl)
    const method = (req.method ?? 'GET').toUpperCase()
    let raw: Buffer
    try {
      raw = await readBody(req)
    } catch {
      res.destroy()
      return
    }
    if (url.pathname === '/_emulator' || url.pathname.startsWith('/_emulator/')) {
      await this.handleControl(req, res, url, raw)
      return
    }
    if (url.pathname.startsWith(`${ASSET_STORAGE_PREFIX}/`)) {
      this.serveAssetBytes(res, url, method)
      return
    }
    // The upload host: its routes see the path without the prefix, and only they are served there.
    const onUploadHost = url.pathname.startsWith(`${UPLOADS_PREFIX}/`)
    const routePath = onUploadHost ? url.pathname.slice(UPLOADS_PREFIX.length) : url.pathname
    const ex = this.exchange(req, res, url, method, raw)
    // An upload's body is the file, never JSON, on either host (the API host then answers 404).
    const rawUpload = onUploadHost || this.router.match(method, routePath)?.route.host === 'uploads'
    const body = rawUpload ? undefined : jsonBody(ex)
    if (body === UNPARSABLE) return

    const token = this.authenticate(req)
    if (!token) {
      // Failed logins count against the unauthenticated bucket (60/h), as on GitHub.
      const anon = this.core.rate.anonymous(this.core.clock.now())
      this.core.rate.consume(anon)
      ex.fail(new ApiError(401, 'Bad credentials'), rateHeaders(anon, 'core'))
      return
    }
    ex.record.tokenKind = token.kind
    ex.record.actor = token.login

    const found = this.router.match(method, routePath)
    const match = found && (found.route.host === 'uploads') === onUploadHost ? found : undefined
    if (!match) {
      const b = this.core.rate.bucket(token, 'core', this.core.clock.now())
      this.core.rate.consume(b)
      ex.fail(new ApiError(404, 'Not Found'), rateHeaders(b, 'core'))
      return
    }
    await this.serveRoute(ex, match, token, body)
  }

  /** The request's log record, logged now, and the ways to answer it. */
  private exchange(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
    raw: Buffer
  ): Exchange {
    const record: RequestRecord = {
      seq: this.core.ids.next('request'),
      at: this.core.now(),
      method,
      route: null,
      path: url.pathname,
      query: url.search,
      status: 0,
      tokenKind: null,
      actor: null,
      write: false,
      events: [],
      event: null,
      wouldTriggerWorkflows: false,
      requiresApproval: false
    }
    this.core.log.push(record)
    const headers: Record<string, string> = {
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': `EMU:${record.seq}`,
      date: new Date(this.core.clock.now()).toUTCString()
    }
    const send = (status: number, body: unknown, extra: Record<string, string> = {}): void => {
      record.status = status
      const all = { ...headers, ...extra }
      if (body === undefined || status === 204 || status === 304) {
        res.writeHead(status, all)
        res.end()
        return
      }
      if (this.core.options.logBodies) {
        record.responseBody = body
        record.responseContentType = JSON_TYPE
      }
      res.writeHead(status, { ...all, 'content-type': JSON_TYPE })
      res.end(JSON.stringify(body))
    }
    const fail = (e: ApiError, extra: Record<string, string> = {}): void =>
      send(e.status, e.body(), { ...e.headers, ...extra })
    return { req, res, url, method, raw, record, headers, send, fail }
  }

  /**
   * A matched route: faults armed for it, the primary rate limit, then the handler (see
   * runHandler) and its reply, or an injected fault in place of the reply after the effect.
   */
  private async serveRoute(
    ex: Exchange,
    match: { route: RouteDef; params: Record<string, string> },
    token: TokenSpec,
    body: unknown
  ): Promise<void> {
    const def = match.route
    ex.record.route = `${ex.method} ${def.template}`
    const resource: RateResource = def.resource === 'search' ? 'search' : 'core'
    const bucket = this.core.rate.bucket(token, resource, this.core.clock.now())
    const meter: Meter = {
      bucket,
      // /rate_limit carries the core bucket's headers but never consumes.
      free: def.resource === 'none',
      rate: () => rateHeaders(bucket, resource)
    }
    const { owner, repo: name } = match.params
    const fault = this.core.faults.take(
      ex.method,
      def.template,
      owner && name ? `${owner}/${name}` : undefined
    )
    if (fault && fault.when === 'before') {
      this.answerWithFault(fault, ex.record, ex.req, ex.fail, bucket, meter.rate)
      return
    }
    if (!meter.free && this.core.options.enforceRateLimits && bucket.used >= bucket.limit) {
      ex.fail(new ApiError(403, PRIMARY_MESSAGE), meter.rate())
      return
    }
    const reply = await this.runHandler(ex, match, token, body, meter)
    if (!reply) return
    const events = reply.events ?? []
    ex.record.events = events
    if (fault) {
      // The effect happened (events are real: a created issue notifies); only the answer is lost.
      this.answerWithFault(fault, ex.record, ex.req, ex.fail, bucket, meter.rate)
      return
    }
    ex.record.event = events[0] ?? null
    Object.assign(ex.record, triggerFlags(token.kind, events))
    if (reply.merged) ex.record.merged = true
    this.sendReply(ex, reply, meter)
  }

  /**
   * The repository, the permission the route needs, then the handler (a write under the
   * repository's lock). An ApiError is answered here (it counts against the rate limit);
   * undefined then.
   */
  private async runHandler(
    ex: Exchange,
    match: { route: RouteDef; params: Record<string, string> },
    token: TokenSpec,
    body: unknown,
    meter: Meter
  ): Promise<Reply | undefined> {
    const def = match.route
    const write = ex.method !== 'GET' && ex.method !== 'HEAD'
    try {
      let repo: RepoState | undefined
      if (def.template.startsWith('/repos/{owner}/{repo}')) {
        repo = this.core.repo(match.params.owner, match.params.repo)
        if (!repo) throw new ApiError(404, 'Not Found')
      }
      const needed =
        def.permission === undefined ? defaultPermission(def.template, write) : def.permission
      if (needed && !permitted(token, needed, repo, match.params)) {
        throw new ApiError(403, 'Resource not accessible by integration')
      }
      const ctx: Ctx = {
        core: this.core,
        method: ex.method,
        url: ex.url,
        query: ex.url.searchParams,
        params: match.params,
        body,
        rawBody: ex.raw,
        token,
        headers: ex.req.headers,
        repo: repo as RepoState
      }
      ex.record.write = write
      return write && repo
        ? await this.core.mutex.run(repo.fullName.toLowerCase(), async () => def.handler(ctx))
        : await def.handler(ctx)
    } catch (e) {
      if (e instanceof ApiError) {
        if (!meter.free) this.core.rate.consume(meter.bucket)
        ex.fail(e, meter.rate())
        return undefined
      }
      console.error('github-emulator: handler error', e)
      ex.fail(new ApiError(500, `Emulator error: ${(e as Error).message}`))
      return undefined
    }
  }

  /** A handler's reply: raw bytes, a 304 for a GET whose ETag the client has, or JSON. */
  private sendReply(ex: Exchange, reply: Reply, meter: Meter): void {
    const extra: Record<string, string> = { ...reply.headers }
    if (reply.raw) {
      if (!meter.free) this.core.rate.consume(meter.bucket)
      ex.record.status = reply.status
      ex.res.writeHead(reply.status, {
        ...ex.headers,
        ...extra,
        ...meter.rate(),
        'content-type': reply.raw.contentType
      })
      ex.res.end(reply.raw.data)
      return
    }
    if (ex.method === 'GET' && reply.status === 200 && reply.body !== undefined) {
      const etag = `W/"${createHash('sha256').update(JSON.stringify(reply.body)).digest('hex').slice(0, 32)}"`
      extra.etag = etag
      const inm = ex.req.headers['if-none-match']
      if (inm && inm.split(/\s*,\s*/).some((t) => t === etag || t === '*' || `W/${t}` === etag)) {
        // Conditional hits are free: they do not count against the primary rate limit.
        ex.send(304, undefined, { ...extra, ...meter.rate() })
        return
      }
    }
    if (!meter.free) this.core.rate.consume(meter.bucket)
    ex.send(reply.status, reply.body, { ...extra, ...meter.rate() })
  }

  /** Answers a request with an injected fault instead of the handler's reply. */
  private answerWithFault(
    fault: ActiveFault,
    record: RequestRecord,
    req: IncomingMessage,
    fail: (e: ApiError, extra?: Record<string, string>) => void,
    bucket: RateBucket,
    rate: () => Record<string, string>
  ): void {
    record.fault = fault.kind
    if (fault.kind === 'drop') {
      record.status = 0
      req.socket.destroy()
      return
    }
    if (fault.kind === 'stall') {
      // Never answered; the socket closes when the client gives up or the emulator closes
      // every connection on shutdown.
      record.status = 0
      return
    }
    if (fault.kind === 'status') {
      const message = fault.status === 503 ? 'Service Unavailable' : 'Server Error'
      fail(new ApiError(fault.status ?? 502, message), rate())
      return
    }
    const status = fault.status ?? 403
    if (fault.kind === 'primary') {
      const reset = Math.floor(this.core.clock.now() / 1000) + fault.resetIn
      fail(new ApiError(status, PRIMARY_MESSAGE), {
        ...rate(),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': String(bucket.limit),
        'x-ratelimit-reset': String(reset)
      })
      return
    }
    fail(new ApiError(status, SECONDARY_MESSAGE), {
      ...rate(),
      'retry-after': String(fault.retryAfter)
    })
  }

  /** An asset's bytes at the storage address GET asset redirects to (signed, so no token). */
  private serveAssetBytes(res: ServerResponse, url: URL, method: string): void {
    const [owner, name, id] = url.pathname.slice(ASSET_STORAGE_PREFIX.length + 1).split('/')
    const repo =
      owner && name
        ? this.core.repo(decodeURIComponent(owner), decodeURIComponent(name))
        : undefined
    const asset =
      repo && /^\d+$/.test(id ?? '') ? assetBytes(repo.releases.values(), Number(id)) : undefined
    if (method !== 'GET' || !asset) {
      res.writeHead(404, { 'content-type': 'text/plain' })
      res.end('Not Found')
      return
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(asset.data.length),
      'content-disposition': `attachment; filename=${asset.name}`
    })
    res.end(asset.data)
  }

  private authenticate(req: IncomingMessage): TokenSpec | undefined {
    const header = req.headers.authorization
    if (!header) return undefined
    const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header)
    if (!m) return undefined
    return this.core.tokens.get(m[1])
  }

  private async handleControl(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    raw: Buffer
  ): Promise<void> {
    let status: number
    let body: unknown
    try {
      const parsed = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined
      ;({ status, body } = await this.control(req, url, parsed))
    } catch (e) {
      status = e instanceof ApiError ? e.status : 400
      body = { message: (e as Error).message }
    }
    if (body === undefined) {
      res.writeHead(status)
      res.end()
      return
    }
    res.writeHead(status, { 'content-type': JSON_TYPE })
    res.end(JSON.stringify(body))
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** Which permission scope a route needs, from its path (GitHub's fine-grained permission map). */
function defaultPermission(
  template: string,
  write: boolean
): { scope: PermissionScope; level: PermissionLevel } | null {
  const level: PermissionLevel = write ? 'write' : 'read'
  const rest = template.replace(/^\/repos\/\{owner\}\/\{repo\}/, '')
  if (rest === template) return null
  if (rest === '') return { scope: 'metadata', level: 'read' }
  if (/^\/(contents|git|branches|releases)\b/.test(rest)) return { scope: 'contents', level }
  if (/^\/(issues|labels)\b/.test(rest)) return { scope: 'issues', level }
  if (/^\/pulls\b/.test(rest)) return { scope: 'pull_requests', level }
  if (/^\/actions\b/.test(rest)) return { scope: 'actions', level }
  return { scope: 'metadata', level: 'read' }
}

/** Whether the token holds the route's permission, or the pull-request alternative it accepts. */
function permitted(
  token: TokenSpec,
  needed: RoutePermission,
  repo: RepoState | undefined,
  params: Record<string, string>
): boolean {
  if (allowed(token, needed.scope, needed.level)) return true
  if (!needed.orPullRequests || !allowed(token, 'pull_requests', needed.level)) return false
  if (needed.orPullRequests === 'always') return true
  const issue = repo?.issues.get(Number(params.issue_number))
  return issue?.pull !== undefined
}

function allowed(token: TokenSpec, scope: PermissionScope, level: PermissionLevel): boolean {
  if (!token.permissions) return true
  if (scope === 'metadata') return true
  const granted = token.permissions[scope] ?? 'none'
  return LEVELS[granted] >= LEVELS[level]
}
