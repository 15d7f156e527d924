// httpFetch against real HTTP servers on this machine: what octokit asks of fetch, answered as
// fetch answers it (redirects, encodings, aborts, dropped connections).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals'
import { HttpAnswer, httpFetch } from '../src/github/http-fetch.js'

interface Seen {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void

/** A server that records what it was sent and answers with the handler for the path. */
async function server(handlers: Record<string, Handler>): Promise<{
  url: string
  seen: Seen[]
  close: () => Promise<void>
}> {
  const seen: Seen[] = []
  const srv: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString()
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body })
      const handler = handlers[new URL(req.url!, 'http://x').pathname]
      if (handler) handler(req, res, body)
      else res.writeHead(404).end()
    })
  })
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const { port } = srv.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        srv.closeAllConnections()
        srv.close(() => resolve())
      })
  }
}

const json = (res: ServerResponse, status: number, data: unknown, headers = {}) =>
  res
    .writeHead(status, { 'content-type': 'application/json', ...headers })
    .end(JSON.stringify(data))

let main: Awaited<ReturnType<typeof server>>
let other: Awaited<ReturnType<typeof server>>

beforeAll(async () => {
  other = await server({
    '/landed': (req, res) => json(res, 200, { auth: req.headers.authorization ?? null })
  })
  main = await server({
    '/repo': (_req, res) => json(res, 200, { name: 'contribs' }, { 'x-ratelimit-remaining': '41' }),
    '/echo': (req, res, body) => json(res, 201, { method: req.method, body }),
    '/empty': (_req, res) => res.writeHead(204).end(),
    '/bytes': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/octet-stream' })
        .end(Buffer.from([0, 255, 1, 254])),
    '/gzip': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
        .end(gzipSync(JSON.stringify({ packed: 'gzip' }))),
    '/br': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br' })
        .end(brotliCompressSync(JSON.stringify({ packed: 'br' }))),
    '/moved': (_req, res) => res.writeHead(301, { location: '/echo' }).end(),
    '/see-other': (_req, res) => res.writeHead(303, { location: '/echo' }).end(),
    '/temporary': (_req, res) => res.writeHead(307, { location: '/echo' }).end(),
    '/away': (_req, res) => res.writeHead(302, { location: `${other.url}/landed` }).end(),
    '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
    '/drop': (req) => req.socket.destroy(),
    '/stall': () => undefined,
    '/stall-body': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"partial":')
    }
  })
})
afterAll(async () => {
  await main.close()
  await other.close()
})
beforeEach(() => {
  main.seen.length = 0
  other.seen.length = 0
})

test('a GET: status, headers by name and in turn, the final url, the body as JSON', async () => {
  const answer = await httpFetch(`${main.url}/repo`, { headers: { Accept: 'application/json' } })
  expect([answer.status, answer.ok, answer.statusText, answer.redirected]).toEqual([
    200,
    true,
    'OK',
    false
  ])
  expect(answer.url).toBe(`${main.url}/repo`)
  expect(answer.headers.get('X-RateLimit-Remaining')).toBe('41')
  expect(answer.headers.has('content-type')).toBe(true)
  expect(Object.fromEntries(answer.headers)).toMatchObject({
    'content-type': 'application/json',
    'x-ratelimit-remaining': '41'
  })
  expect(await answer.json()).toEqual({ name: 'contribs' })
  expect(main.seen[0].headers.accept).toBe('application/json')
  expect(main.seen[0].headers['accept-encoding']).toBe('gzip, deflate, br')
})

test('a body of text or bytes is sent whole, with its length', async () => {
  const text = await httpFetch(`${main.url}/echo`, { method: 'post', body: '{"title":"ü"}' })
  expect(await text.json()).toEqual({ method: 'POST', body: '{"title":"ü"}' })
  expect(main.seen[0].headers['content-length']).toBe(String(Buffer.byteLength('{"title":"ü"}')))
  const bytes = new TextEncoder().encode('xyz-bytes').subarray(4)
  const sent = await httpFetch(`${main.url}/echo`, { method: 'PUT', body: bytes })
  expect(await sent.json()).toEqual({ method: 'PUT', body: 'bytes' })
})

test('a 204 has an empty body; bytes come back as they were sent', async () => {
  expect(await (await httpFetch(`${main.url}/empty`)).text()).toBe('')
  const bytes = new Uint8Array(await (await httpFetch(`${main.url}/bytes`)).arrayBuffer())
  expect([...bytes]).toEqual([0, 255, 1, 254])
})

test('gzip and br answers are decoded', async () => {
  expect(await (await httpFetch(`${main.url}/gzip`)).json()).toEqual({ packed: 'gzip' })
  expect(await (await httpFetch(`${main.url}/br`)).json()).toEqual({ packed: 'br' })
})

test('redirects are followed as fetch follows them', async () => {
  // 301 after a POST: the next request is a GET without the body.
  const moved = await httpFetch(`${main.url}/moved`, { method: 'POST', body: 'payload' })
  expect(await moved.json()).toEqual({ method: 'GET', body: '' })
  expect([moved.redirected, moved.url]).toEqual([true, `${main.url}/echo`])
  // 303 after a PATCH: GET too.
  const seeOther = await httpFetch(`${main.url}/see-other`, { method: 'PATCH', body: 'x' })
  expect(await seeOther.json()).toEqual({ method: 'GET', body: '' })
  // 307 keeps the method and the body.
  const temporary = await httpFetch(`${main.url}/temporary`, { method: 'POST', body: 'kept' })
  expect(await temporary.json()).toEqual({ method: 'POST', body: 'kept' })
})

test('the token is not sent to another origin a redirect leads to', async () => {
  const landed = await httpFetch(`${main.url}/away`, { headers: { authorization: 'token t' } })
  expect(await landed.json()).toEqual({ auth: null })
  expect(main.seen[0].headers.authorization).toBe('token t')
})

test("redirect: 'manual' answers the redirect itself; 'error' and endless redirects reject", async () => {
  const manual = await httpFetch(`${main.url}/moved`, { redirect: 'manual' })
  expect([manual.status, manual.headers.get('location')]).toEqual([301, '/echo'])
  await expect(httpFetch(`${main.url}/moved`, { redirect: 'error' })).rejects.toThrow(
    'fetch failed'
  )
  const endless = httpFetch(`${main.url}/loop`)
  await expect(endless).rejects.toMatchObject({
    name: 'TypeError',
    cause: { message: 'redirect count exceeded' }
  })
  expect(main.seen).toHaveLength(1 + 1 + 21)
})

test('a dropped connection or a refused one rejects as fetch does, with the socket error as cause', async () => {
  await expect(httpFetch(`${main.url}/drop`)).rejects.toMatchObject({
    name: 'TypeError',
    message: 'fetch failed',
    cause: { code: 'ECONNRESET' }
  })
  const closed = await server({})
  const url = closed.url
  await closed.close()
  await expect(httpFetch(`${url}/x`)).rejects.toMatchObject({
    message: 'fetch failed',
    cause: { code: 'ECONNREFUSED' }
  })
})

test("an aborted signal ends the request, or the body's reading, with the signal's reason", async () => {
  const before = AbortSignal.abort()
  await expect(httpFetch(`${main.url}/repo`, { signal: before })).rejects.toBe(before.reason)
  expect(main.seen).toHaveLength(0)

  const waiting = AbortSignal.timeout(50)
  await expect(httpFetch(`${main.url}/stall`, { signal: waiting })).rejects.toMatchObject({
    name: 'TimeoutError'
  })

  const reading = AbortSignal.timeout(200)
  const answer = await httpFetch(`${main.url}/stall-body`, { signal: reading })
  expect(answer.status).toBe(200)
  await expect(answer.text()).rejects.toMatchObject({ name: 'TimeoutError' })
})

test('a body of another kind is refused before anything is sent', async () => {
  const stream = new ReadableStream()
  await expect(
    httpFetch(`${main.url}/echo`, { method: 'POST', body: stream as unknown as string })
  ).rejects.toThrow('text or bytes')
  expect(main.seen).toHaveLength(0)
})

test('HttpAnswer.of: an answer made without a request reads like a received one', async () => {
  const made = HttpAnswer.of(
    412,
    'Precondition Failed',
    { 'Content-Type': 'application/json' },
    '{"a":1}'
  )
  expect([made.status, made.ok, made.headers.get('content-type')]).toEqual([
    412,
    false,
    'application/json'
  ])
  expect(await made.json()).toEqual({ a: 1 })
})
