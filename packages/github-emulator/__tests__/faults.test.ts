import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { PRIMARY_MESSAGE, SECONDARY_MESSAGE, startEmulator, type Emulator } from '../src/index.js'
import { client, failure, type Octokit } from './helpers.js'

let emu: Emulator
const repo = { owner: 'acme', repo: 'contribs' }
const contentsRoute = 'GET /repos/{owner}/{repo}/contents/{path}'

/** A client with both plugins, fast base delays so the suite stays quick. */
function resilient(seen: { rate: number[]; secondary: number[] }): Octokit {
  return getOctokit(
    'app-token',
    {
      baseUrl: emu.url,
      request: { fetch: globalThis.fetch },
      retry: { retryAfterBaseValue: 5 },
      throttle: {
        retryAfterBaseValue: 5,
        onRateLimit: (after: number) => {
          seen.rate.push(after)
          return true
        },
        onSecondaryRateLimit: (after: number) => {
          seen.secondary.push(after)
          return true
        }
      }
    },
    retry,
    throttling
  )
}

beforeAll(async () => {
  // The clock starts at the real now: plugin-throttling waits until x-ratelimit-reset by
  // Date.now(), so a reset set from this clock is at most a second or two away. The assertions
  // compare the emulator's headers with the emulator's clock only.
  emu = await startEmulator()
  await emu.seedRepo({ owner: 'acme', repo: 'contribs', files: { 'a.txt': 'a' } })
})
afterAll(async () => emu.close())

describe('fault injection', () => {
  test('5xx for count requests, then normal; plugin-retry retries through it', async () => {
    emu.addFault({ method: 'GET', route: contentsRoute, kind: 'status', status: 503, count: 2 })
    const plain = await failure(client(emu).rest.repos.getContent({ ...repo, path: 'a.txt' }))
    expect(plain.status).toBe(503)
    emu.clearRequests()
    const seen = { rate: [], secondary: [] }
    const { status } = await resilient(seen).rest.repos.getContent({ ...repo, path: 'a.txt' })
    expect(status).toBe(200)
    expect(emu.requests().map((r) => r.status)).toEqual([503, 200])
  })

  test('a fault scoped to a repository is met only by requests about it; clearing it leaves the rest', async () => {
    await emu.seedRepo({ owner: 'acme', repo: 'other', files: { 'a.txt': 'b' } })
    const status = (name: string) =>
      client(emu)
        .rest.repos.getContent({ owner: 'acme', repo: name, path: 'a.txt' })
        .then(
          (r) => r.status,
          (e: { status: number }) => e.status
        )
    emu.clearRequests()
    emu.addFault({ method: 'GET', route: contentsRoute, kind: 'status', repo: 'ACME/Other' })
    expect(await status('contribs')).toBe(200)
    expect(await status('other')).toBe(502)
    emu.addFault({ method: 'GET', route: contentsRoute, kind: 'status', repo: 'acme/contribs' })
    emu.addFault({ method: 'GET', route: contentsRoute, kind: 'status', repo: 'acme/other' })
    emu.clearFaults('acme/contribs')
    expect(await status('contribs')).toBe(200)
    expect(await status('other')).toBe(502)
    expect(
      emu
        .requests()
        .filter((r) => r.fault)
        .map((r) => r.path)
    ).toEqual(['/repos/acme/other/contents/a.txt', '/repos/acme/other/contents/a.txt'])
  })

  test('drop destroys the connection; plugin-retry retries the network error', async () => {
    emu.addFault({
      method: 'PUT',
      route: 'PUT /repos/{owner}/{repo}/contents/{path}',
      kind: 'drop',
      count: 1
    })
    emu.clearRequests()
    const seen = { rate: [], secondary: [] }
    const res = await resilient(seen).rest.repos.createOrUpdateFileContents({
      ...repo,
      path: 'dropped.txt',
      message: 'm',
      content: Buffer.from('d').toString('base64')
    })
    expect(res.status).toBe(201)
    expect(emu.requests().map((r) => [r.fault ?? null, r.status])).toEqual([
      ['drop', 0],
      [null, 201]
    ])
  })

  test('secondary: 403 with retry-after and the exact message; throttling retries', async () => {
    emu.addFault({
      method: 'GET',
      route: contentsRoute,
      kind: 'secondary',
      status: 429,
      retryAfter: 2
    })
    const raw = await fetch(`${emu.url}/repos/acme/contribs/contents/a.txt`, {
      headers: { authorization: 'token app-token' }
    })
    expect(raw.status).toBe(429)
    expect(raw.headers.get('retry-after')).toBe('2')
    expect(((await raw.json()) as { message: string }).message).toBe(SECONDARY_MESSAGE)
    // 403, because plugin-retry (inside throttling) would retry a 429 before throttling saw it.
    emu.addFault({ method: 'GET', route: contentsRoute, kind: 'secondary', retryAfter: 3 })
    const seen = { rate: [] as number[], secondary: [] as number[] }
    expect((await resilient(seen).rest.repos.getContent({ ...repo, path: 'a.txt' })).status).toBe(
      200
    )
    expect(seen.secondary).toEqual([3])
  })

  test('primary: remaining 0 and reset header; throttling waits for the reset and retries', async () => {
    emu.addFault({ method: 'GET', route: contentsRoute, kind: 'primary', status: 429, resetIn: 1 })
    const raw = await fetch(`${emu.url}/repos/acme/contribs/contents/a.txt`, {
      headers: { authorization: 'token app-token' }
    })
    expect(raw.status).toBe(429)
    expect(raw.headers.get('x-ratelimit-remaining')).toBe('0')
    // resetIn seconds after the emulator clock's now.
    expect(Number(raw.headers.get('x-ratelimit-reset'))).toBe(Date.parse(emu.now()) / 1000 + 1)
    expect(((await raw.json()) as { message: string }).message).toBe(PRIMARY_MESSAGE)
    emu.addFault({ method: 'GET', route: contentsRoute, kind: 'primary' })
    const seen = { rate: [] as number[], secondary: [] as number[] }
    expect((await resilient(seen).rest.repos.getContent({ ...repo, path: 'a.txt' })).status).toBe(
      200
    )
    expect(seen.rate).toHaveLength(1)
  })

  test('skip lets the first matching requests through, then the fault starts', async () => {
    emu.addFault({ method: 'GET', route: contentsRoute, kind: 'status', status: 503, skip: 2 })
    emu.clearRequests()
    const plain = client(emu)
    for (let i = 0; i < 2; i++) await plain.rest.repos.getContent({ ...repo, path: 'a.txt' })
    expect((await failure(plain.rest.repos.getContent({ ...repo, path: 'a.txt' }))).status).toBe(
      503
    )
    await plain.rest.repos.getContent({ ...repo, path: 'a.txt' })
    expect(emu.requests().map((r) => r.status)).toEqual([200, 200, 503, 200])
  })

  test('faults match method and route only', async () => {
    emu.addFault({
      method: 'POST',
      route: 'POST /repos/{owner}/{repo}/issues',
      kind: 'status',
      count: 1
    })
    expect((await client(emu).rest.repos.getContent({ ...repo, path: 'a.txt' })).status).toBe(200)
    expect((await failure(client(emu).rest.issues.create({ ...repo, title: 'x' }))).status).toBe(
      502
    )
    expect((await client(emu).rest.issues.create({ ...repo, title: 'x' })).status).toBe(201)
  })

  test('when: after keeps the effect and loses the answer (created, then 502 or a drop)', async () => {
    const issues = 'POST /repos/{owner}/{repo}/issues'
    const before = (await client(emu).rest.issues.listForRepo({ ...repo, state: 'all' })).data
    emu.addFault({ method: 'POST', route: issues, kind: 'status', when: 'after' })
    expect(
      (await failure(client(emu).rest.issues.create({ ...repo, title: 'lost 502' }))).status
    ).toBe(502)
    emu.addFault({ method: 'POST', route: issues, kind: 'drop', when: 'after' })
    await expect(client(emu).rest.issues.create({ ...repo, title: 'lost drop' })).rejects.toThrow()
    const after = (await client(emu).rest.issues.listForRepo({ ...repo, state: 'all' })).data
    expect(
      after
        .map((i) => i.title)
        .slice(0, after.length - before.length)
        .sort()
    ).toEqual(['lost 502', 'lost drop'])
    expect(() =>
      emu.addFault({ method: 'POST', route: issues, kind: 'secondary', when: 'after' })
    ).toThrow(/before/)
  })

  test('stall holds the connection open until the client gives up', async () => {
    emu.addFault({ method: 'GET', route: contentsRoute, kind: 'stall' })
    const stalled = client(emu).rest.repos.getContent({
      ...repo,
      path: 'a.txt',
      request: { signal: AbortSignal.timeout(200) }
    })
    await expect(stalled).rejects.toThrow()
    expect(emu.requests().at(-1)).toMatchObject({ status: 0, fault: 'stall' })
    expect((await client(emu).rest.repos.getContent({ ...repo, path: 'a.txt' })).status).toBe(200)
  })

  test('enforced primary limit refuses with 403 once the bucket is empty', async () => {
    const strict = await startEmulator({ enforceRateLimits: true })
    try {
      await strict.seedRepo({ owner: 'acme', repo: 'contribs' })
      strict.addToken({ token: 'gh', kind: 'actions', login: 'github-actions[bot]', rateLimit: 5 })
      const gh = client(strict, 'gh')
      const limit = 5
      for (let i = 0; i < limit; i++)
        await fetch(`${strict.url}/repos/acme/contribs`, { headers: { authorization: 'token gh' } })
      const e = await failure(gh.rest.repos.get(repo))
      expect([e.status, e.response?.headers['x-ratelimit-remaining']]).toEqual([403, '0'])
      strict.advance({ hours: 1 })
      expect((await gh.rest.repos.get(repo)).status).toBe(200)
    } finally {
      await strict.close()
    }
  })
})

describe('token model', () => {
  test('permissions map: missing scope is 403 Resource not accessible by integration', async () => {
    emu.addToken({
      token: 'ro',
      kind: 'app',
      login: 'reader[bot]',
      permissions: { contents: 'read' }
    })
    const ro = client(emu, 'ro')
    expect((await ro.rest.repos.getContent({ ...repo, path: 'a.txt' })).status).toBe(200)
    const put = await failure(
      ro.rest.repos.createOrUpdateFileContents({
        ...repo,
        path: 'b.txt',
        message: 'm',
        content: 'Yg=='
      })
    )
    expect([put.status, put.message]).toEqual([
      403,
      expect.stringContaining('Resource not accessible by integration')
    ])
    expect((await failure(ro.rest.issues.create({ ...repo, title: 't' }))).status).toBe(403)
  })

  test('writes log actor, token kind and whether workflows would run', async () => {
    emu.clearRequests()
    const content = Buffer.from('x').toString('base64')
    await client(emu, 'actions-token').rest.repos.createOrUpdateFileContents({
      ...repo,
      path: 'x1',
      message: 'm',
      content
    })
    await client(emu, 'app-token').rest.repos.createOrUpdateFileContents({
      ...repo,
      path: 'x2',
      message: 'm',
      content
    })
    await client(emu, 'user-token').rest.issues.create({ ...repo, title: 'pat' })
    await client(emu, 'actions-token').rest.repos.createDispatchEvent({
      ...repo,
      event_type: 'release'
    })
    await client(emu, 'actions-token').rest.actions.createWorkflowDispatch({
      ...repo,
      workflow_id: 'ci.yml',
      ref: 'main'
    })
    expect(
      emu
        .requests()
        .map((r) => [
          r.actor,
          r.tokenKind,
          r.events.join(','),
          r.wouldTriggerWorkflows,
          r.requiresApproval
        ])
    ).toEqual([
      ['github-actions[bot]', 'actions', 'push', false, false],
      ['contribs-bot[bot]', 'app', 'push', true, false],
      ['octocat', 'user', 'issues.opened', true, false],
      ['github-actions[bot]', 'actions', 'repository_dispatch', true, false],
      ['github-actions[bot]', 'actions', 'workflow_dispatch', true, false]
    ])
    expect(emu.requests().every((r) => r.write)).toBe(true)
    expect(emu.requests()[0].event).toBe('push')
  })
})
