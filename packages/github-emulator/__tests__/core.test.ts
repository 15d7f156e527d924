import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync } from 'node:fs'
import type { Emulator } from '../src/index.js'
import { client, emulatorWithRepo, failure, NOW, type Octokit } from './helpers.js'

let emu: Emulator
let gh: Octokit
const repo = { owner: 'acme', repo: 'contribs' }

beforeAll(async () => {
  emu = await emulatorWithRepo()
  gh = client(emu)
})
afterAll(async () => emu.close())

describe('server core', () => {
  test('serves on 127.0.0.1 and GET /repos gives default_branch', async () => {
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const { data, headers } = await gh.rest.repos.get(repo)
    expect(data.default_branch).toBe('main')
    expect(data.full_name).toBe('acme/contribs')
    expect(headers['content-type']).toBe('application/json; charset=utf-8')
  })

  test('accepts token and Bearer; missing or unknown token is 401 Bad credentials', async () => {
    const get = (authorization?: string) =>
      fetch(`${emu.url}/repos/acme/contribs`, { headers: authorization ? { authorization } : {} })
    expect((await get('token user-token')).status).toBe(200)
    expect((await get('Bearer app-token')).status).toBe(200)
    const missing = await get()
    expect(missing.status).toBe(401)
    expect(await missing.json()).toEqual({
      message: 'Bad credentials',
      documentation_url: 'https://docs.github.com/rest',
      status: '401'
    })
    expect(missing.headers.get('x-ratelimit-limit')).toBe('60')
    expect((await get('token nope')).status).toBe(401)
    const e = await failure(client(emu, 'wrong').rest.repos.get(repo))
    expect(e.status).toBe(401)
  })

  test('unknown route and unknown repo are 404 with the error shape', async () => {
    const res = await fetch(`${emu.url}/repos/acme/missing`, {
      headers: { authorization: 'token user-token' }
    })
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ message: 'Not Found', status: '404' })
    expect(
      (await fetch(`${emu.url}/nothing/here`, { headers: { authorization: 'token user-token' } }))
        .status
    ).toBe(404)
  })

  test('GET branches/{b}: 200 with the head commit, 404 Branch not found', async () => {
    const { data } = await gh.rest.repos.getBranch({ ...repo, branch: 'main' })
    expect(data.commit.sha).toMatch(/^[0-9a-f]{40}$/)
    const e = await failure(gh.rest.repos.getBranch({ ...repo, branch: 'nope' }))
    expect(e.status).toBe(404)
    expect(e.message).toContain('Branch not found')
  })

  test('rate-limit headers on every response; core and search counted separately', async () => {
    const first = await gh.rest.repos.get(repo)
    const second = await gh.rest.repos.get(repo)
    expect(first.headers['x-ratelimit-resource']).toBe('core')
    expect(first.headers['x-ratelimit-limit']).toBe('5000')
    expect(Number(second.headers['x-ratelimit-used'])).toBe(
      Number(first.headers['x-ratelimit-used']) + 1
    )
    expect(Number(first.headers['x-ratelimit-reset'])).toBe(Date.parse(NOW) / 1000 + 3600)
    const search = await gh.rest.search.issuesAndPullRequests({ q: 'repo:acme/contribs' })
    expect(search.headers['x-ratelimit-resource']).toBe('search')
    expect(search.headers['x-ratelimit-limit']).toBe('30')
    expect(search.headers['x-ratelimit-used']).toBe('1')
    const actions = await client(emu, 'actions-token').rest.repos.get(repo)
    expect(actions.headers['x-ratelimit-limit']).toBe('1000')
  })

  test('/rate_limit does not consume and reports both buckets', async () => {
    const a = await gh.rest.rateLimit.get()
    const b = await gh.rest.rateLimit.get()
    expect(b.data.resources.core.used).toBe(a.data.resources.core.used)
    expect(a.data.resources.search.limit).toBe(30)
    expect(a.data.rate).toEqual(a.data.resources.core)
  })

  test('ETag on GET; If-None-Match gives 304 without consuming', async () => {
    const first = await gh.rest.repos.get(repo)
    const etag = first.headers.etag!
    expect(etag).toMatch(/^W\/"/)
    const e = await failure(gh.rest.repos.get({ ...repo, headers: { 'if-none-match': etag } }))
    expect(e.status).toBe(304)
    const after = await gh.rest.repos.get(repo)
    expect(Number(after.headers['x-ratelimit-used'])).toBe(
      Number(first.headers['x-ratelimit-used']) + 1
    )
  })

  test('injectable clock drives timestamps and the Date header; advance by days', async () => {
    const issue = await gh.rest.issues.create({ ...repo, title: 'clock' })
    expect(issue.data.created_at).toBe(NOW)
    emu.advance({ days: 2 })
    const later = await gh.rest.issues.create({ ...repo, title: 'clock 2' })
    expect(later.data.created_at).toBe('2026-03-03T12:00:00Z')
    expect(new Date(later.headers.date!).toISOString()).toBe('2026-03-03T12:00:00.000Z')
    emu.setNow(NOW)
    expect(emu.now()).toBe(NOW)
  })

  test('request log records route template, actor and token kind', async () => {
    emu.clearRequests()
    await client(emu, 'actions-token').rest.repos.getContent({
      ...repo,
      path: 'pkgs/a/pyproject.toml'
    })
    const [r] = emu.requests()
    expect(r).toMatchObject({
      method: 'GET',
      route: 'GET /repos/{owner}/{repo}/contents/{path}',
      path: '/repos/acme/contribs/contents/pkgs%2Fa%2Fpyproject.toml',
      status: 200,
      tokenKind: 'actions',
      actor: 'github-actions[bot]',
      write: false
    })
  })

  test('invalid JSON body is 400 Problems parsing JSON', async () => {
    const res = await fetch(`${emu.url}/repos/acme/contribs/issues`, {
      method: 'POST',
      headers: { authorization: 'token user-token', 'content-type': 'application/json' },
      body: '{oops'
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { message: string }).message).toBe('Problems parsing JSON')
  })

  test('GET /user gives the user token login; installation tokens get 403', async () => {
    expect((await gh.rest.users.getAuthenticated()).data.login).toBe('octocat')
    expect((await failure(client(emu, 'app-token').rest.users.getAuthenticated())).status).toBe(403)
  })
})

describe('pagination', () => {
  test('per_page default 30, capped at 100, absolute Link headers, paginate collects all', async () => {
    const emu2 = await emulatorWithRepo()
    try {
      const gh2 = client(emu2)
      for (let i = 0; i < 105; i++) await gh2.rest.issues.createLabel({ ...repo, name: `l${i}` })
      const first = await gh2.rest.issues.listLabelsForRepo(repo)
      expect(first.data).toHaveLength(30)
      expect(first.headers.link).toContain(
        `<${emu2.url}/repos/acme/contribs/labels?per_page=30&page=2>; rel="next"`
      )
      expect(first.headers.link).toContain('page=4>; rel="last"')
      expect(first.headers.link).not.toContain('rel="prev"')
      const middle = await gh2.rest.issues.listLabelsForRepo({ ...repo, page: 2 })
      expect(middle.headers.link).toMatch(/rel="prev".*rel="next".*rel="last".*rel="first"/)
      const capped = await gh2.rest.issues.listLabelsForRepo({ ...repo, per_page: 500 })
      expect(capped.data).toHaveLength(100)
      const last = await gh2.rest.issues.listLabelsForRepo({ ...repo, per_page: 100, page: 2 })
      expect(last.data).toHaveLength(5)
      expect(last.headers.link).not.toContain('rel="next"')
      const all = await gh2.paginate(gh2.rest.issues.listLabelsForRepo, { ...repo, per_page: 40 })
      expect(all.map((l) => l.name)).toEqual(Array.from({ length: 105 }, (_, i) => `l${i}`))
    } finally {
      await emu2.close()
    }
  })
})

describe('determinism', () => {
  test('the same scenario gives the same ids, node ids and commit shas', async () => {
    const run = async () => {
      const e = await emulatorWithRepo()
      try {
        const g = client(e)
        const issue = await g.rest.issues.create({ ...repo, title: 't', labels: ['x'] })
        const comment = await g.rest.issues.createComment({ ...repo, issue_number: 1, body: 'c' })
        const put = await g.rest.repos.createOrUpdateFileContents({
          ...repo,
          path: 'f',
          message: 'm',
          content: 'Zg=='
        })
        const events = await g.rest.issues.listEvents({ ...repo, issue_number: 1 })
        const all = [
          issue.data.id,
          issue.data.node_id,
          issue.data.labels,
          comment.data.id,
          put.data.commit.sha,
          events.data
        ]
        // Only the port differs between two emulators.
        return JSON.parse(JSON.stringify(all).split(e.url).join('URL')) as unknown[]
      } finally {
        await e.close()
      }
    }
    const [a, b] = [await run(), await run()]
    expect(a).toEqual(b)
    expect(a[4]).toMatch(/^[0-9a-f]{40}$/)
  })
})

describe('control API', () => {
  test('seeds repos, tokens, clock and reads state and requests over HTTP', async () => {
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${emu.url}/_emulator/${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body)
      })
      return { status: res.status, body: res.status === 204 ? undefined : await res.json() }
    }
    expect(
      (await call('POST', 'repos', { owner: 'acme', repo: 'other', files: { 'a.txt': 'a' } }))
        .status
    ).toBe(201)
    expect(
      (await call('POST', 'tokens', { token: 'pat-2', kind: 'user', login: 'hubot' })).status
    ).toBe(204)
    expect((await call('POST', 'clock', { advance: { days: 1 } })).body).toEqual({
      now: '2026-03-02T12:00:00Z'
    })
    await call('POST', 'clock', { now: NOW })
    await call('POST', 'repos/acme/other/collaborators', { login: 'hubot' })
    const created = await client(emu, 'pat-2').rest.issues.create({
      owner: 'acme',
      repo: 'other',
      title: 'hi',
      labels: ['x']
    })
    expect(created.data.labels).toHaveLength(1)
    const state = (await call('GET', 'state')).body as {
      repo: string
      issues: { title: string }[]
    }[]
    expect(state.find((r) => r.repo === 'other')?.issues.map((i) => i.title)).toEqual(['hi'])
    const requests = (await call('GET', 'requests')).body as { route: string }[]
    expect(requests.at(-1)?.route).toBe('POST /repos/{owner}/{repo}/issues')
    expect((await call('GET', 'nothing')).status).toBe(404)
  })

  test('reset drops repos, extra tokens and the log but keeps the default tokens', async () => {
    const e = await emulatorWithRepo()
    try {
      e.addToken({ token: 'extra', kind: 'user', login: 'x' })
      const gitDir = e.state.repo('acme', 'contribs').gitDir
      await fetch(`${e.url}/_emulator/reset`, { method: 'POST' })
      expect(e.state.repos()).toEqual([])
      expect(e.requests()).toEqual([])
      expect(existsSync(gitDir)).toBe(false)
      expect((await failure(client(e, 'extra').rest.rateLimit.get())).status).toBe(401)
      expect((await failure(client(e).rest.repos.get(repo))).status).toBe(404)
    } finally {
      await e.close()
    }
  })
})
