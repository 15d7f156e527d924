// The shared client against the GitHub emulator over HTTP: what it retries and what it must not.
import { startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import {
  createClient,
  createOnce,
  describeApiError,
  ensureLabel,
  findMarkedComment,
  isAlreadyExists,
  isTransientFailure,
  listOpenLabelled,
  openPullsFromHere,
  removeIssueLabel,
  statusOf,
  TimeBudgetError,
  writeFileIfUnchanged
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

  test('"already exists" is also the validation code already_exists (labels, releases, assets)', async () => {
    const octokit = client()
    const label = () => octokit.rest.issues.createLabel({ owner, repo, name: 'twice' })
    await label()
    const error = await label().catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 422 })
    expect(JSON.stringify((error as { response: { data: unknown } }).response.data)).toContain(
      'already_exists'
    )
    expect(isAlreadyExists(error)).toBe(true)
  })
})

describe('bounded waits', () => {
  const contents = 'GET /repos/{owner}/{repo}/contents/{path}'
  // A short timeout keeps the stalls quick; the emulator answers everything else at once.
  const impatient = (extra: Record<string, unknown> = {}) =>
    createClient({
      token: 'app-token',
      baseUrl: emu.url,
      timeScale: 0.001,
      requestTimeoutMs: 300,
      ...extra
    })
  const read = (octokit = impatient()) =>
    octokit.rest.repos.getContent({ owner, repo, path: 'state.json' })

  test('a stalled GET times out and is retried like a dropped connection', async () => {
    emu.addFault({ method: 'GET', route: contents, kind: 'stall', count: 1 })
    expect((await read()).status).toBe(200)
    expect(hits(contents)).toBe(2)
  })

  test('a GET that stalls every time ends after its retries, with a line naming the call', async () => {
    emu.addFault({ method: 'GET', route: contents, kind: 'stall', count: 10 })
    const e = await read().catch((x: unknown) => x)
    expect(hits(contents)).toBe(4) // the first try and 3 retries, then it stops
    expect(describeApiError(e)).toBe(
      'GET /repos/acme/contribs/contents/state.json: no answer from GitHub (timed out after 0.3 s); GitHub or the network failed, a re-run usually passes'
    )
  })

  test('a create whose answer stalls is sent once, and createOnce adopts what it made', async () => {
    const issues = 'POST /repos/{owner}/{repo}/issues'
    emu.addFault({ method: 'POST', route: issues, kind: 'stall', when: 'after' })
    const octokit = impatient()
    const find = async () =>
      (await octokit.rest.issues.listForRepo({ owner, repo, state: 'all' })).data.find(
        (i) => i.title === 'stalled create'
      )?.number
    const created = await createOnce({
      create: async () =>
        (await octokit.rest.issues.create({ owner, repo, title: 'stalled create' })).data.number,
      find
    })
    expect(created.adopted).toBe(true)
    expect(hits(issues)).toBe(1)
  })

  test('a rate-limit wait past the time budget is not taken: the call stops with why', async () => {
    const labels = 'POST /repos/{owner}/{repo}/labels'
    emu.addFault({ method: 'POST', route: labels, kind: 'secondary', retryAfter: 3600 })
    const warnings: string[] = []
    const octokit = impatient({ warn: (m: string) => warnings.push(m) })
    const e = await ensureLabel(octokit, owner, repo, { name: 'later', color: '555555' }).catch(
      (x: unknown) => x
    )
    expect(e).toBeInstanceOf(TimeBudgetError)
    expect(describeApiError(e)).toMatch(
      /^POST \/repos\/acme\/contribs\/labels: secondary rate limit: GitHub asks to wait 3600 s, past this step's time budget for GitHub calls \(10 min, .* left\); stopped instead of waiting/
    )
    expect(hits(labels)).toBe(1)
    expect(warnings).toEqual([])
  })

  test('once the budget is spent no request is sent', async () => {
    const e = await read(impatient({ budgetMs: 0 })).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(TimeBudgetError)
    expect(describeApiError(e)).toBe(
      "GET /repos/acme/contribs/contents/state.json: not sent: this step's time budget for GitHub calls (0 s) is used up; re-run the job"
    )
    expect(emu.requests()).toEqual([])
    expect(isTransientFailure(e)).toBe(false) // createOnce does not look up what was never sent
  })
})

describe("a failed call is one line: the call, the status, GitHub's message, what to check", () => {
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the call to fail')
      },
      (e: unknown) => describeApiError(e)
    )

  test('401: the token', async () => {
    const bad = createClient({ token: 'no-such-token', baseUrl: emu.url, timeScale: 0.001 })
    expect(await failure(bad.rest.repos.get({ owner, repo }))).toBe(
      'GET /repos/acme/contribs: HTTP 401 Bad credentials; the token is invalid or expired: check the `token` input'
    )
  })

  test('403 not accessible: the permission the route needs', async () => {
    emu.addToken({
      token: 'reader',
      kind: 'app',
      login: 'reader[bot]',
      permissions: { contents: 'read' }
    })
    const reader = createClient({ token: 'reader', baseUrl: emu.url, timeScale: 0.001 })
    expect(await failure(reader.rest.issues.create({ owner, repo, title: 'x' }))).toBe(
      "POST /repos/acme/contribs/issues: HTTP 403 Resource not accessible by integration; the token lacks `issues: write`: grant it in the job's `permissions:` (or the GitHub App's repository permissions)"
    )
    expect(
      await failure(reader.rest.issues.addLabels({ owner, repo, issue_number: 1, labels: ['x'] }))
    ).toContain('the token lacks `issues: write` (or `pull-requests: write` for a pull request)')
    expect(
      await failure(reader.rest.actions.listJobsForWorkflowRun({ owner, repo, run_id: 1 }))
    ).toContain('the token lacks `actions: read`')
  })

  test('a rate limit says so, with the time it resets', async () => {
    emu.addFault({
      method: 'GET',
      route: 'GET /repos/{owner}/{repo}',
      kind: 'primary',
      resetIn: 60
    })
    const once = createClient({
      token: 'app-token',
      baseUrl: emu.url,
      timeScale: 0.001,
      rateLimitRetries: 0
    })
    expect(await failure(once.rest.repos.get({ owner, repo }))).toMatch(
      /^GET \/repos\/acme\/contribs: HTTP 403 API rate limit exceeded for installation ID 1\.; the token's API rate limit is used up until \d{4}-\d\d-\d\d \d\d:\d\d UTC; re-run after that$/
    )
  })

  test("404 on a repository route: the repository or the token's access", async () => {
    expect(await failure(client().rest.repos.get({ owner, repo: 'nope' }))).toBe(
      "GET /repos/acme/nope: HTTP 404 Not Found; acme/nope, or what the request names in it, does not exist or the token cannot see it: check the `repository` input and the token's access to it"
    )
  })

  test('anything that is not a GitHub call is its message as it is', () => {
    expect(describeApiError(new TypeError('x is undefined'))).toBe('x is undefined')
  })

  test("422: GitHub's validation errors", async () => {
    expect(
      await failure(client().rest.issues.createLabel({ owner, repo, name: 'bad', color: 'nope' }))
    ).toBe(
      'POST /repos/acme/contribs/labels: HTTP 422 Validation Failed: Label.color invalid; GitHub refused the request as invalid'
    )
  })
})

describe('labels, labelled issues and marked comments', () => {
  const labels = 'POST /repos/{owner}/{repo}/labels'

  test('ensureLabel: a create whose answer was lost is found by name, not refused or made twice', async () => {
    for (const kind of ['status', 'drop'] as const) {
      const name = `lost-${kind}`
      emu.addFault({ method: 'POST', route: labels, kind, when: 'after' })
      await expect(ensureLabel(client(), owner, repo, { name, color: 'ededed' })).resolves.toBe(
        false
      )
      expect(hits(labels)).toBe(1)
      emu.clearRequests()
      const all = (await client().rest.issues.listLabelsForRepo({ owner, repo })).data
      expect(all.filter((l) => l.name === name)).toHaveLength(1)
    }
    // Refused before anything happened: looked up, not there, tried again.
    emu.addFault({ method: 'POST', route: labels, kind: 'status' })
    await expect(
      ensureLabel(client(), owner, repo, { name: 'second-try', color: 'ededed' })
    ).resolves.toBe(true)
    expect(hits(labels)).toBe(2)
  })

  test('listOpenLabelled: the open issues with the label, oldest first', async () => {
    const octokit = client()
    const make = async (title: string, label: string) =>
      (await octokit.rest.issues.create({ owner, repo, title, body: title, labels: [label] })).data
        .number
    const first = await make('listed 1', 'listed')
    await make('other label', 'unlisted')
    const closed = await make('closed', 'listed')
    await octokit.rest.issues.update({ owner, repo, issue_number: closed, state: 'closed' })
    const second = await make('listed 2', 'listed')
    const listing = await listOpenLabelled(octokit, owner, repo, 'listed')
    expect(listing.issues.map((i) => [i.number, i.title, i.body, i.labels])).toEqual([
      [first, 'listed 1', 'listed 1', ['listed']],
      [second, 'listed 2', 'listed 2', ['listed']]
    ])
  })

  test("findMarkedComment: a marker counts in a bot's, a collaborator's or a member's comment, never a stranger's", async () => {
    emu.addToken({ token: 'stranger-token', kind: 'user', login: 'mallory' })
    emu.addToken({ token: 'member-token', kind: 'user', login: 'dana' })
    emu.addTeam(owner, 'maintainers', ['dana'])
    const { data: issue } = await client().rest.issues.create({ owner, repo, title: 'copied' })
    const post = async (token: string, body: string) =>
      (
        await createClient({ token, baseUrl: emu.url, timeScale: 0.001 }).rest.issues.createComment(
          { owner, repo, issue_number: issue.number, body }
        )
      ).data.id
    await post('stranger-token', 'copied\n<!-- m:a -->\n<!-- m:b -->')
    const collaborator = await post('user-token', 'a maintainer\n<!-- m:b -->')
    const bot = await post('actions-token', 'the workflow\n<!-- m:c -->')
    const member = await post('member-token', 'a member\n<!-- m:d -->')
    const find = async (marker: string) =>
      (await findMarkedComment({ octokit: client(), owner, repo, issue: issue.number }, marker))?.id
    expect([
      await find('<!-- m:a -->'),
      await find('<!-- m:b -->'),
      await find('<!-- m:c -->'),
      await find('<!-- m:d -->')
    ]).toEqual([undefined, collaborator, bot, member])
  })

  test('findMarkedComment: the first comment carrying the marker, on any page', async () => {
    const octokit = client()
    const { data: issue } = await octokit.rest.issues.create({ owner, repo, title: 'marked' })
    const post = (body: string) =>
      octokit.rest.issues.createComment({ owner, repo, issue_number: issue.number, body })
    for (let i = 0; i < 101; i++) await post(`filler ${i}`)
    const { data: marked } = await post('done\n<!-- m:1 -->')
    await expect(
      findMarkedComment({ octokit, owner, repo, issue: issue.number }, '<!-- m:1 -->')
    ).resolves.toEqual({ id: marked.id, url: marked.html_url })
    await expect(
      findMarkedComment({ octokit, owner, repo, issue: issue.number }, '<!-- m:2 -->')
    ).resolves.toBeUndefined()
  })
})

describe('writeFileIfUnchanged: a compare-and-swap write of one file', () => {
  const conn = () => ({ octokit: client(), owner, repo })
  const file = (path: string, branch = 'main') => ({ branch, path, message: 'write', text: 'v1\n' })
  const blobSha = async (path: string, ref = 'main') => {
    const { data } = await client().rest.repos.getContent({ owner, repo, path, ref })
    return (data as { sha: string }).sha
  }
  const noBranch = async () => {
    throw new Error('no branch should be made')
  }

  test('a new file, then a write over the sha read, are written; a stale or missing sha is a conflict', async () => {
    expect(await writeFileIfUnchanged(conn(), file('cas/a.txt'), noBranch)).toBe('ok')
    const sha = await blobSha('cas/a.txt')
    // Written by someone else since it was read: the file exists, so no sha is a conflict.
    expect(await writeFileIfUnchanged(conn(), file('cas/a.txt'), noBranch)).toBe('conflict')
    const second = { ...file('cas/a.txt'), text: 'v2\n', sha }
    expect(await writeFileIfUnchanged(conn(), second, noBranch)).toBe('ok')
    expect(await writeFileIfUnchanged(conn(), { ...second, text: 'v3\n' }, noBranch)).toBe(
      'conflict'
    )
  })

  test('a missing branch is made once and the write tried again', async () => {
    let made = 0
    const makeBranch = async () => {
      made++
      const { data } = await client().rest.git.getRef({ owner, repo, ref: 'heads/main' })
      await client().rest.git.createRef({
        owner,
        repo,
        ref: 'refs/heads/cas-state',
        sha: data.object.sha
      })
    }
    expect(await writeFileIfUnchanged(conn(), file('s.json', 'cas-state'), makeBranch)).toBe('ok')
    expect(made).toBe(1)
    expect(await blobSha('s.json', 'cas-state')).toMatch(/^[0-9a-f]{40}$/)
  })

  test('a branch that is still missing after making it, or any other refusal, is thrown as it came', async () => {
    const nothing = async () => undefined
    await expect(
      writeFileIfUnchanged(conn(), file('x.json', 'never-made'), nothing)
    ).rejects.toMatchObject({ status: 404 })
    emu.addFault({
      method: 'PUT',
      route: 'PUT /repos/{owner}/{repo}/contents/{path}',
      kind: 'status',
      status: 502,
      count: 10
    })
    await expect(writeFileIfUnchanged(conn(), file('cas/b.txt'), noBranch)).rejects.toMatchObject({
      status: 502
    })
  })
})

test("openPullsFromHere: every page of this repository's open pull requests into a branch, never a fork's", async () => {
  const gitDir = emu.state.repo(owner, repo).gitDir
  await emu.seedRepo({ owner: 'forker', repo, source: gitDir })
  const open = async (head: string, base = 'main') => {
    const [at, branch] = head.includes(':') ? head.split(':') : [owner, head]
    await emu.commit({ owner: at, repo, branch, from: base, files: { [`${branch}.txt`]: head } })
    const { data } = await client().rest.pulls.create({ owner, repo, title: head, head, base })
    return data.number
  }
  // More than one page (100) of ours, a fork's from a branch named like one of ours, and one of
  // ours into another base.
  const ours: number[] = []
  for (let k = 0; k < 101; k++) ours.push(await open(`archive/p${k}`))
  await open('forker:archive/p0')
  await emu.commit({ owner, repo, branch: 'release', files: {} })
  await open('elsewhere', 'release')
  const found = await openPullsFromHere({ octokit: client(), owner, repo }, 'main')
  expect(found.map((p) => p.number).sort((a, b) => a - b)).toEqual(ours)
  expect(new Set(found.map((p) => p.head.repo?.full_name))).toEqual(new Set([`${owner}/${repo}`]))
})
