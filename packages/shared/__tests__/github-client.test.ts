// The shared client against the GitHub emulator over HTTP: what it retries and what it must not.
import { startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import {
  createClient,
  createOnce,
  ensureLabel,
  isAlreadyExists,
  removeIssueLabel,
  statusOf
} from '../src/github/index.js'

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

describe('creates happen once', () => {
  const issues = 'POST /repos/{owner}/{repo}/issues'
  const titled = async (title: string) =>
    (await client().rest.issues.listForRepo({ owner, repo, state: 'all' })).data.filter(
      (i) => i.title === title
    )

  test('a POST that creates is not retried blindly after GitHub created it and answered 502', async () => {
    emu.addFault({ method: 'POST', route: issues, kind: 'status', when: 'after' })
    const create = client().rest.issues.create({ owner, repo, title: 'sent once' })
    await expect(create).rejects.toMatchObject({ status: 502 })
    expect(hits(issues)).toBe(1)
    expect(await titled('sent once')).toHaveLength(1)
  })

  test("a POST sent once leaves the retries of the same client's later requests alone", async () => {
    const octokit = client()
    await octokit.rest.issues.create({ owner, repo, title: 'sent first' })
    const route = 'GET /repos/{owner}/{repo}'
    emu.addFault({ method: 'GET', route, kind: 'status' })
    await octokit.rest.repos.get({ owner, repo })
    expect(hits(route)).toBe(2)
  })

  test('a repeatable POST (adding a label) keeps its retries', async () => {
    const { data } = await client().rest.issues.create({ owner, repo, title: 'labelled' })
    const route = 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels'
    emu.addFault({ method: 'POST', route, kind: 'status' })
    await client().rest.issues.addLabels({ owner, repo, issue_number: data.number, labels: ['x'] })
    expect(hits(route)).toBe(2)
  })

  test('createOnce adopts what a lost answer created instead of creating it again', async () => {
    emu.addFault({ method: 'POST', route: issues, kind: 'drop', when: 'after' })
    const octokit = client()
    const created = await createOnce({
      what: 'issue "adopt me"',
      create: async () =>
        (await octokit.rest.issues.create({ owner, repo, title: 'adopt me' })).data.number,
      find: async () => (await titled('adopt me'))[0]?.number
    })
    expect(created.adopted).toBe(true)
    expect(await titled('adopt me')).toEqual([expect.objectContaining({ number: created.value })])
  })

  test('createOnce tries again when the failed create left nothing, and gives up after its attempts', async () => {
    emu.addFault({ method: 'POST', route: issues, kind: 'status', count: 1 })
    const octokit = client()
    const make = (title: string) => ({
      what: title,
      create: async () => (await octokit.rest.issues.create({ owner, repo, title })).data.number,
      find: async () => (await titled(title))[0]?.number
    })
    expect(await createOnce(make('second try'))).toMatchObject({ adopted: false })
    expect(await titled('second try')).toHaveLength(1)
    emu.addFault({ method: 'POST', route: issues, kind: 'status', count: 3 })
    await expect(createOnce(make('never'))).rejects.toMatchObject({ status: 502 })
    expect(await titled('never')).toHaveLength(0)
  })

  test('createOnce surfaces "already exists" when the lookup finds nothing to adopt', async () => {
    const octokit = client()
    const main = (await octokit.rest.git.getRef({ owner, repo, ref: 'heads/main' })).data.object.sha
    const branch = {
      what: 'branch taken',
      create: async () =>
        (await octokit.rest.git.createRef({ owner, repo, ref: 'refs/heads/taken', sha: main })).data
          .ref,
      find: async () => undefined
    }
    await createOnce(branch)
    const again = createOnce(branch)
    await expect(again).rejects.toMatchObject({ status: 422 })
    expect(isAlreadyExists(await again.catch((e: unknown) => e))).toBe(true)
  })
})
