import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import type { Emulator } from '../src/index.js'
import { client, emulatorWithRepo, failure, type Octokit } from './helpers.js'

let emu: Emulator
let gh: Octokit
let bot: Octokit
const repo = { owner: 'acme', repo: 'contribs' }

beforeAll(async () => {
  emu = await emulatorWithRepo()
  gh = client(emu)
  bot = client(emu, 'actions-token')
  emu.addCollaborator('acme', 'contribs', 'alice')
  emu.addTeam('acme', 'maintainers', ['alice'])
})
afterAll(async () => emu.close())

describe('issues', () => {
  test('create: 201 + Location, labels auto-created ededed, numbers shared with PRs', async () => {
    const created = await bot.rest.issues.create({
      ...repo,
      title: 'Smoke red',
      body: 'x',
      labels: ['smoke-failure']
    })
    expect(created.status).toBe(201)
    expect(created.headers.location).toBe(
      `${emu.url}/repos/acme/contribs/issues/${created.data.number}`
    )
    expect(created.data.user?.login).toBe('github-actions[bot]')
    expect(created.data.labels).toEqual([
      expect.objectContaining({ name: 'smoke-failure', color: 'ededed', description: null })
    ])
    await emu.commit({ ...repo, branch: 'feature', files: { 'f.txt': 'f' } })
    const pr = await gh.rest.pulls.create({ ...repo, title: 'PR', head: 'feature', base: 'main' })
    const next = await gh.rest.issues.create({ ...repo, title: 'after PR' })
    expect([created.data.number, pr.data.number, next.data.number]).toEqual([1, 2, 3])
  })

  test('invalid assignees (unknown, non-collaborator, team slug) are 422 assignees/invalid', async () => {
    for (const who of ['nobody', 'acme/maintainers']) {
      const e = await failure(gh.rest.issues.create({ ...repo, title: 't', assignees: [who] }))
      expect(e.status).toBe(422)
      expect(e.response?.data).toMatchObject({
        errors: [{ value: [who], resource: 'Issue', field: 'assignees', code: 'invalid' }]
      })
    }
    const ok = await gh.rest.issues.create({ ...repo, title: 't', assignees: ['alice'] })
    expect(ok.data.assignees?.map((a) => a.login)).toEqual(['alice'])
  })

  test('labels and assignees are dropped silently for a user without push access', async () => {
    emu.addToken({ token: 'stranger', kind: 'user', login: 'stranger' })
    const { data } = await client(emu, 'stranger').rest.issues.create({
      ...repo,
      title: 's',
      labels: ['x'],
      assignees: ['alice']
    })
    expect(data.labels).toEqual([])
    expect(data.assignees).toEqual([])
  })

  test('body over 65536 characters is 422 body is too long', async () => {
    const e = await failure(
      gh.rest.issues.create({ ...repo, title: 'big', body: 'x'.repeat(65537) })
    )
    expect(e.status).toBe(422)
    expect(e.message).toContain('body is too long (maximum is 65536 characters)')
    const issue = await gh.rest.issues.create({ ...repo, title: 'small' })
    const c = await failure(
      gh.rest.issues.createComment({
        ...repo,
        issue_number: issue.data.number,
        body: 'y'.repeat(65537)
      })
    )
    expect(c.status).toBe(422)
  })

  test('list: state, labels (all must match), creator, sort/direction; PRs included with pull_request', async () => {
    const e = await emulatorWithRepo()
    try {
      const g = client(e)
      const b = client(e, 'actions-token')
      await b.rest.issues.create({ ...repo, title: 'one', labels: ['a', 'b'] })
      e.advance(1000)
      await b.rest.issues.create({ ...repo, title: 'two', labels: ['a'] })
      e.advance(1000)
      const three = await g.rest.issues.create({ ...repo, title: 'three', labels: ['A', 'b'] })
      await g.rest.issues.update({ ...repo, issue_number: three.data.number, state: 'closed' })
      await e.commit({ ...repo, branch: 'feat', files: { 'x.txt': 'x' } })
      e.advance(1000)
      await g.rest.pulls.create({ ...repo, title: 'pr', head: 'feat', base: 'main' })
      const titles = async (q: Record<string, unknown>) =>
        (await g.rest.issues.listForRepo({ ...repo, ...q })).data.map((i) => i.title)
      expect(await titles({})).toEqual(['pr', 'two', 'one'])
      expect(await titles({ state: 'all', labels: 'a,b' })).toEqual(['three', 'one'])
      expect(await titles({ state: 'closed' })).toEqual(['three'])
      expect(await titles({ creator: 'github-actions[bot]', direction: 'asc' })).toEqual([
        'one',
        'two'
      ])
      const pr = (await g.rest.issues.listForRepo(repo)).data[0]
      expect(pr.pull_request?.url).toContain('/pulls/4')
    } finally {
      await e.close()
    }
  })

  test('update: PATCH labels replaces the set, state closes; events record it', async () => {
    const { data } = await gh.rest.issues.create({ ...repo, title: 'u', labels: ['one', 'two'] })
    const n = data.number
    const patched = await gh.rest.issues.update({
      ...repo,
      issue_number: n,
      labels: ['two', 'three'],
      state: 'closed'
    })
    expect(patched.data.labels.map((l) => (typeof l === 'string' ? l : l.name))).toEqual([
      'two',
      'three'
    ])
    expect(patched.data.state).toBe('closed')
    expect(patched.data.closed_at).not.toBeNull()
    const events = (await gh.rest.issues.listEvents({ ...repo, issue_number: n })).data
    expect(events.map((e) => [e.event, 'label' in e ? e.label?.name : undefined])).toEqual([
      ['labeled', 'one'],
      ['labeled', 'two'],
      ['unlabeled', 'one'],
      ['labeled', 'three'],
      ['closed', undefined]
    ])
  })
})

describe('labels', () => {
  test('repo labels: create 201, duplicate 422 already_exists, bad color 422 invalid, get/update/delete', async () => {
    const created = await gh.rest.issues.createLabel({
      ...repo,
      name: 'needs triage/ci',
      color: 'ff0000',
      description: 'd'
    })
    expect(created.status).toBe(201)
    expect(created.data).toMatchObject({ name: 'needs triage/ci', color: 'ff0000', default: false })
    const dup = await failure(gh.rest.issues.createLabel({ ...repo, name: 'Needs Triage/CI' }))
    expect(dup.status).toBe(422)
    expect(dup.message).toContain('{"resource":"Label","code":"already_exists","field":"name"}')
    const color = await failure(gh.rest.issues.createLabel({ ...repo, name: 'c', color: '#zzz' }))
    expect(color.response?.data).toMatchObject({
      errors: [{ resource: 'Label', code: 'invalid', field: 'color' }]
    })
    const got = await gh.rest.issues.getLabel({ ...repo, name: 'needs triage/ci' })
    expect(got.data.description).toBe('d')
    const updated = await gh.rest.issues.updateLabel({
      ...repo,
      name: 'needs triage/ci',
      new_name: 'triage',
      color: '00ff00'
    })
    expect(updated.data).toMatchObject({ name: 'triage', color: '00ff00' })
    expect((await gh.rest.issues.deleteLabel({ ...repo, name: 'triage' })).status).toBe(204)
    expect((await failure(gh.rest.issues.getLabel({ ...repo, name: 'triage' }))).status).toBe(404)
  })

  test('issue labels: POST union 200 full list, PUT replaces, DELETE 200 remaining or 404 Label does not exist', async () => {
    const { data } = await gh.rest.issues.create({ ...repo, title: 'labels' })
    const n = data.number
    await gh.rest.issues.createLabel({ ...repo, name: 'Existing', color: '123456' })
    const added = await gh.rest.issues.addLabels({
      ...repo,
      issue_number: n,
      labels: ['existing', 'fresh label']
    })
    expect(added.status).toBe(200)
    expect(added.data.map((l) => [l.name, l.color])).toEqual([
      ['Existing', '123456'],
      ['fresh label', 'ededed']
    ])
    const again = await gh.rest.issues.addLabels({ ...repo, issue_number: n, labels: ['more'] })
    expect(again.data.map((l) => l.name)).toEqual(['Existing', 'fresh label', 'more'])
    const set = await gh.rest.issues.setLabels({ ...repo, issue_number: n, labels: ['more'] })
    expect(set.data.map((l) => l.name)).toEqual(['more'])
    await gh.rest.issues.addLabels({ ...repo, issue_number: n, labels: ['a/b c'] })
    const removed = await gh.rest.issues.removeLabel({ ...repo, issue_number: n, name: 'a/b c' })
    expect(removed.data.map((l) => l.name)).toEqual(['more'])
    const missing = await failure(
      gh.rest.issues.removeLabel({ ...repo, issue_number: n, name: 'Existing' })
    )
    expect([missing.status, missing.message]).toEqual([
      404,
      expect.stringContaining('Label does not exist')
    ])
    const unknown = await failure(
      gh.rest.issues.removeLabel({ ...repo, issue_number: n, name: 'never-created' })
    )
    expect(unknown.status).toBe(404)
    const cleared = await gh.rest.issues.setLabels({ ...repo, issue_number: n, labels: [] })
    expect(cleared.data).toEqual([])
  })

  test('labels on a pull request need `issues` or `pull_requests`; on an issue, `issues`', async () => {
    emu.addToken({
      token: 'pr-writer',
      kind: 'app',
      login: 'pr-writer[bot]',
      permissions: { contents: 'write', pull_requests: 'write' }
    })
    const prOnly = client(emu, 'pr-writer')
    const main = (await gh.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha
    await gh.rest.git.createRef({ ...repo, ref: 'refs/heads/labelled-pr', sha: main })
    await emu.commit({ ...repo, branch: 'labelled-pr', files: { 'pr.txt': 'x\n' } })
    const pr = await prOnly.rest.pulls.create({
      ...repo,
      title: 'pr',
      head: 'labelled-pr',
      base: 'main'
    })
    const n = pr.data.number
    await prOnly.rest.issues.createLabel({ ...repo, name: 'sync', color: '0e8a16' })
    const added = await prOnly.rest.issues.addLabels({ ...repo, issue_number: n, labels: ['sync'] })
    expect(added.data.map((l) => l.name)).toEqual(['sync'])
    await prOnly.rest.issues.setLabels({ ...repo, issue_number: n, labels: ['sync', 'x'] })
    await prOnly.rest.issues.removeLabel({ ...repo, issue_number: n, name: 'x' })
    expect((await prOnly.rest.issues.listLabelsOnIssue({ ...repo, issue_number: n })).data).toEqual(
      [expect.objectContaining({ name: 'sync' })]
    )
    const issue = await gh.rest.issues.create({ ...repo, title: 'plain issue' })
    const refused = await failure(
      prOnly.rest.issues.addLabels({ ...repo, issue_number: issue.data.number, labels: ['sync'] })
    )
    expect([refused.status, refused.message]).toEqual([
      403,
      expect.stringContaining('Resource not accessible by integration')
    ])
  })
})

describe('comments, events and timeline', () => {
  test('comments: create 201, list oldest first with pagination, update by id', async () => {
    const { data } = await gh.rest.issues.create({ ...repo, title: 'comments' })
    const n = data.number
    for (let i = 0; i < 3; i++) {
      emu.advance(1000)
      const c = await bot.rest.issues.createComment({ ...repo, issue_number: n, body: `c${i}` })
      expect(c.status).toBe(201)
      expect(c.headers.location).toContain(`/issues/comments/${c.data.id}`)
    }
    const all = await gh.paginate(gh.rest.issues.listComments, {
      ...repo,
      issue_number: n,
      per_page: 2
    })
    expect(all.map((c) => c.body)).toEqual(['c0', 'c1', 'c2'])
    const edited = await bot.rest.issues.updateComment({
      ...repo,
      comment_id: all[1].id,
      body: 'edited'
    })
    expect(edited.data.body).toBe('edited')
    expect((await gh.rest.issues.get({ ...repo, issue_number: n })).data.comments).toBe(3)
  })

  test('labeled/unlabeled events carry actor, emulator time and label; timeline adds commented', async () => {
    const { data } = await bot.rest.issues.create({
      ...repo,
      title: 'timeline',
      labels: ['archival-candidate']
    })
    const n = data.number
    const t0 = emu.now()
    emu.advance({ days: 3 })
    await gh.rest.issues.createComment({ ...repo, issue_number: n, body: 'still needed' })
    emu.advance({ days: 1 })
    await gh.rest.issues.removeLabel({ ...repo, issue_number: n, name: 'archival-candidate' })
    const events = (await gh.rest.issues.listEvents({ ...repo, issue_number: n })).data
    expect(events).toEqual([
      expect.objectContaining({
        event: 'labeled',
        actor: expect.objectContaining({ login: 'github-actions[bot]', type: 'Bot' }),
        created_at: t0,
        label: { name: 'archival-candidate', color: 'ededed' }
      }),
      expect.objectContaining({
        event: 'unlabeled',
        actor: expect.objectContaining({ login: 'octocat' })
      })
    ])
    expect(events[0].performed_via_github_app).toBeNull()
    await client(emu, 'app-token').rest.issues.addLabels({
      ...repo,
      issue_number: n,
      labels: ['by-app']
    })
    const byApp = (await gh.rest.issues.listEvents({ ...repo, issue_number: n })).data.at(-1)
    expect(byApp?.performed_via_github_app).toMatchObject({
      slug: 'contribs-bot',
      name: 'contribs-bot'
    })
    await gh.rest.issues.removeLabel({ ...repo, issue_number: n, name: 'by-app' })
    const timeline = (await gh.rest.issues.listEventsForTimeline({ ...repo, issue_number: n })).data
    expect(timeline.map((e) => e.event)).toEqual([
      'labeled',
      'commented',
      'unlabeled',
      'labeled',
      'unlabeled'
    ])
    const paged = await gh.paginate(gh.rest.issues.listEventsForTimeline, {
      ...repo,
      issue_number: n,
      per_page: 2
    })
    expect(paged).toHaveLength(5)
  })
})

describe('search', () => {
  test('repo:, is:, state:, label:"…", quoted phrases, in:title; wrapped result', async () => {
    await bot.rest.issues.create({
      ...repo,
      title: 'Smoke failure: pkg-alpha',
      body: '<!-- pkg-bot:v1 id=pkg-alpha -->',
      labels: ['smoke failure']
    })
    const q = async (query: string) =>
      (await gh.rest.search.issuesAndPullRequests({ q: query })).data
    const hit = await q(
      'repo:acme/contribs is:issue is:open label:"smoke failure" "pkg-bot:v1 id=pkg-alpha"'
    )
    expect(hit).toMatchObject({ total_count: 1, incomplete_results: false, search_type: 'lexical' })
    expect(hit.items[0].title).toBe('Smoke failure: pkg-alpha')
    expect((await q('repo:acme/contribs "pkg-bot:v1" in:title')).total_count).toBe(0)
    expect((await q('repo:acme/contribs is:pr "pkg-alpha"')).total_count).toBe(0)
    expect((await q('repo:acme/contribs state:closed "pkg-alpha"')).total_count).toBe(0)
    expect((await q('repo:acme/other "pkg-alpha"')).total_count).toBe(0)
  })

  test('index lag: new items are invisible to search until the lag passes; GET /issues sees them at once', async () => {
    emu.setSearchLag(60_000)
    try {
      const { data } = await bot.rest.issues.create({ ...repo, title: 'lagging needle' })
      const search = () => gh.rest.search.issuesAndPullRequests({ q: 'repo:acme/contribs needle' })
      expect((await search()).data.total_count).toBe(0)
      const listed = await gh.rest.issues.listForRepo({ ...repo, per_page: 100 })
      expect(listed.data.map((i) => i.number)).toContain(data.number)
      emu.advance(60_000)
      expect((await search()).data.total_count).toBe(1)
    } finally {
      emu.setSearchLag(0)
    }
  })
})

describe('comments', () => {
  test("author_association: the owner, the owning organisation's members, collaborators, anyone else", async () => {
    emu.addTeam('acme', 'docs', ['dana'])
    emu.addCollaborator('acme', 'contribs', 'carol')
    const tokens = { acme: 'owner', dana: 'member', carol: 'collaborator', mallory: 'stranger' }
    for (const [login, token] of Object.entries(tokens))
      emu.addToken({ token: `${token}-token`, kind: 'user', login })
    const { data: issue } = await gh.rest.issues.create({ ...repo, title: 'who wrote this' })
    const association = async (token: string) =>
      (
        await client(emu, token).rest.issues.createComment({
          ...repo,
          issue_number: issue.number,
          body: token
        })
      ).data.author_association
    expect(
      await Promise.all(
        ['owner-token', 'member-token', 'collaborator-token', 'stranger-token'].map(association)
      )
    ).toEqual(['OWNER', 'MEMBER', 'COLLABORATOR', 'NONE'])
  })
})
