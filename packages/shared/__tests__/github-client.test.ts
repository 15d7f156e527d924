// The shared client against the GitHub emulator over HTTP: what it retries and what it must not.
import { startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import { createClient, ensureLabel, removeIssueLabel, statusOf } from '../src/github/index.js'

let emu: Emulator
const owner = 'acme'
const repo = 'contribs'

beforeAll(async () => {
  emu = await startEmulator()
  await emu.seedRepo({ owner, repo, files: { 'state.json': '{"n":1}\n' } })
})
afterAll(() => emu.close())
beforeEach(() => {
  emu.clearFaults()
  emu.clearRequests()
})

const client = () => createClient({ token: 'app-token', baseUrl: emu.url, timeScale: 0.001 })
const hits = (route: string) => emu.requests().filter((r) => r.route === route).length

test('a stale sha on a compare-and-swap write is not retried: the caller must re-read', async () => {
  const octokit = client()
  const put = octokit.rest.repos.createOrUpdateFileContents({
    owner,
    repo,
    path: 'state.json',
    message: 'stale write',
    content: Buffer.from('{"n":2}\n').toString('base64'),
    sha: '0'.repeat(40)
  })
  await expect(put).rejects.toMatchObject({ status: 409 })
  expect(hits('PUT /repos/{owner}/{repo}/contents/{path}')).toBe(1)
})

test('server errors and dropped connections are retried until they pass', async () => {
  emu.addFault({
    method: 'GET',
    route: 'GET /repos/{owner}/{repo}',
    kind: 'status',
    status: 502,
    count: 1
  })
  emu.addFault({ method: 'GET', route: 'GET /repos/{owner}/{repo}', kind: 'drop', count: 1 })
  const { data } = await client().rest.repos.get({ owner, repo })
  expect(data.default_branch).toBe('main')
  expect(hits('GET /repos/{owner}/{repo}')).toBeGreaterThanOrEqual(2)
})

test('a secondary rate limit is waited out (retry-after) and the write goes through', async () => {
  emu.addFault({
    method: 'POST',
    route: 'POST /repos/{owner}/{repo}/labels',
    kind: 'secondary',
    status: 403,
    count: 1,
    retryAfter: 1
  })
  const warnings: string[] = []
  const octokit = createClient({
    token: 'app-token',
    baseUrl: emu.url,
    timeScale: 0.001,
    warn: (m) => warnings.push(m)
  })
  await expect(
    ensureLabel(octokit, owner, repo, { name: 'contribs-broken', color: 'b60205' })
  ).resolves.toBe(true)
  expect(warnings.join('\n')).toContain('secondary rate limit')
})

test('label helpers are idempotent: existing label and already-removed label are not errors', async () => {
  const octokit = client()
  await ensureLabel(octokit, owner, repo, { name: 'archived', color: '555555' })
  await expect(
    ensureLabel(octokit, owner, repo, { name: 'archived', color: '555555' })
  ).resolves.toBe(false)
  const { data: issue } = await octokit.rest.issues.create({
    owner,
    repo,
    title: 't',
    labels: ['archived']
  })
  await expect(removeIssueLabel(octokit, owner, repo, issue.number, 'archived')).resolves.toBe(true)
  await expect(removeIssueLabel(octokit, owner, repo, issue.number, 'archived')).resolves.toBe(
    false
  )
})

test('a 401 is not retried and surfaces with its status', async () => {
  const bad = createClient({ token: 'no-such-token', baseUrl: emu.url, timeScale: 0.001 })
  const e = await bad.rest.repos.get({ owner, repo }).catch((x: unknown) => x)
  expect(statusOf(e)).toBe(401)
  // Refused before routing, so the log has the one request and no retry.
  expect(emu.requests()).toHaveLength(1)
})
