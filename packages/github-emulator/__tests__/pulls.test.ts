import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import type { Emulator } from '../src/index.js'
import { client, emulatorWithRepo, failure, git, type Octokit } from './helpers.js'

let emu: Emulator
let gh: Octokit
let app: Octokit
let actions: Octokit
const repo = { owner: 'acme', repo: 'contribs' }

beforeAll(async () => {
  emu = await emulatorWithRepo()
  gh = client(emu)
  app = client(emu, 'app-token')
  actions = client(emu, 'actions-token')
  emu.addCollaborator('acme', 'contribs', 'alice')
  emu.addTeam('acme', 'maintainers', ['alice'])
})
afterAll(async () => emu.close())

describe('pull requests', () => {
  test('create errors: no commits between, missing head, duplicate open PR', async () => {
    await emu.commit({ ...repo, branch: 'same', files: {} })
    const git0 = emu.state.repo('acme', 'contribs').gitDir
    await gh.rest.git.createRef({
      ...repo,
      ref: 'refs/heads/empty',
      sha: git(git0, 'rev-parse', 'main')
    })
    const none = await failure(
      gh.rest.pulls.create({ ...repo, title: 't', head: 'empty', base: 'main' })
    )
    expect(none.status).toBe(422)
    expect(none.message).toContain('No commits between main and empty')
    const head = await failure(
      gh.rest.pulls.create({ ...repo, title: 't', head: 'ghost', base: 'main' })
    )
    expect(head.response?.data).toMatchObject({
      errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]
    })
    await emu.commit({ ...repo, branch: 'bump/a', files: { 'a.txt': 'a' } })
    const first = await app.rest.pulls.create({
      ...repo,
      title: 'Bump a',
      head: 'acme:bump/a',
      base: 'main'
    })
    expect(first.status).toBe(201)
    expect(first.headers.location).toContain(`/pulls/${first.data.number}`)
    expect(first.data).toMatchObject({
      state: 'open',
      merged: false,
      head: { ref: 'bump/a' },
      base: { ref: 'main' }
    })
    const dup = await failure(
      app.rest.pulls.create({ ...repo, title: 'again', head: 'bump/a', base: 'main' })
    )
    expect(dup.message).toContain('A pull request already exists for acme:bump/a.')
  })

  test('actions token is 403 unless the repo allows Actions to create PRs; writes are logged with trigger flags', async () => {
    await emu.commit({ ...repo, branch: 'bot/x', files: { 'x.txt': 'x' } })
    const denied = await failure(
      actions.rest.pulls.create({ ...repo, title: 'x', head: 'bot/x', base: 'main' })
    )
    expect(denied.status).toBe(403)
    expect(denied.message).toContain(
      'GitHub Actions is not permitted to create or approve pull requests.'
    )
    emu.setRepoSettings('acme', 'contribs', { actionsCanCreatePullRequests: true })
    emu.clearRequests()
    await actions.rest.pulls.create({ ...repo, title: 'x', head: 'bot/x', base: 'main' })
    await emu.commit({ ...repo, branch: 'app/y', files: { 'y.txt': 'y' } })
    await app.rest.pulls.create({ ...repo, title: 'y', head: 'app/y', base: 'main' })
    const writes = emu.requests().filter((r) => r.write)
    expect(
      writes.map((w) => [w.tokenKind, w.events, w.wouldTriggerWorkflows, w.requiresApproval])
    ).toEqual([
      ['actions', ['pull_request.opened'], false, true],
      ['app', ['pull_request.opened'], true, false]
    ])
  })

  test('list filters by state, head=owner:branch and base', async () => {
    const byHead = await gh.rest.pulls.list({ ...repo, head: 'acme:bump/a', state: 'open' })
    expect(byHead.data.map((p) => p.title)).toEqual(['Bump a'])
    expect((await gh.rest.pulls.list({ ...repo, head: 'acme:nothing' })).data).toEqual([])
    expect((await gh.rest.pulls.list({ ...repo, base: 'other' })).data).toEqual([])
    expect((await gh.rest.pulls.list({ ...repo, state: 'closed' })).data).toEqual([])
  })

  test('requested reviewers: 201, non-collaborator, author, team with actions token', async () => {
    const pr = (await gh.rest.pulls.list({ ...repo, head: 'acme:bump/a' })).data[0]
    const ok = await app.rest.pulls.requestReviewers({
      ...repo,
      pull_number: pr.number,
      reviewers: ['alice'],
      team_reviewers: ['maintainers']
    })
    expect(ok.status).toBe(201)
    expect(ok.data.requested_reviewers?.map((u) => u.login)).toEqual(['alice'])
    expect(ok.data.requested_teams?.map((t) => t.slug)).toEqual(['maintainers'])
    const listed = await gh.rest.pulls.listRequestedReviewers({ ...repo, pull_number: pr.number })
    expect(listed.data.users.map((u) => u.login)).toEqual(['alice'])
    const outsider = await failure(
      app.rest.pulls.requestReviewers({ ...repo, pull_number: pr.number, reviewers: ['mallory'] })
    )
    expect(outsider.status).toBe(422)
    expect(outsider.message).toContain(
      'Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the acme/contribs repository.'
    )
    const author = await failure(
      app.rest.pulls.requestReviewers({
        ...repo,
        pull_number: pr.number,
        reviewers: ['contribs-bot[bot]']
      })
    )
    expect(author.message).toContain('Review cannot be requested from pull request author.')
    const team = await failure(
      actions.rest.pulls.requestReviewers({
        ...repo,
        pull_number: pr.number,
        team_reviewers: ['maintainers']
      })
    )
    expect(team.status).toBe(422)
    const errors = (team.response?.data as { errors: unknown[] }).errors
    expect(typeof errors[0]).toBe('string')
    expect(errors[0]).toMatch(/^Could not resolve to a node with the global id of 'T_/)
  })

  test('merge: real merge commit on the base branch, PR merged/closed, merged record in the log', async () => {
    const gitDir = emu.state.repo('acme', 'contribs').gitDir
    await emu.commit({ ...repo, files: { 'main-only.txt': 'm' } })
    const baseBefore = git(gitDir, 'rev-parse', 'main')
    const pr = (await gh.rest.pulls.list({ ...repo, head: 'acme:bump/a' })).data[0]
    emu.clearRequests()
    const merged = await gh.rest.pulls.merge({ ...repo, pull_number: pr.number })
    expect(merged.data).toMatchObject({ merged: true, message: 'Pull Request successfully merged' })
    expect(git(gitDir, 'rev-parse', 'main')).toBe(merged.data.sha)
    expect(git(gitDir, 'rev-list', '--parents', '-n', '1', 'main').split(' ')).toEqual([
      merged.data.sha,
      baseBefore,
      pr.head.sha
    ])
    expect(git(gitDir, 'ls-tree', '--name-only', 'main').split('\n')).toEqual(
      expect.arrayContaining(['a.txt', 'main-only.txt'])
    )
    const after = await gh.rest.pulls.get({ ...repo, pull_number: pr.number })
    expect(after.data).toMatchObject({
      merged: true,
      state: 'closed',
      merge_commit_sha: merged.data.sha
    })
    expect(after.data.merged_at).toBe(emu.now())
    const [record] = emu.requests()
    expect(record).toMatchObject({
      route: 'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge',
      merged: true
    })
    expect(record.events).toContain('pull_request.closed')
    expect((await failure(gh.rest.pulls.merge({ ...repo, pull_number: pr.number }))).status).toBe(
      405
    )
    expect((await gh.rest.pulls.checkIfMerged({ ...repo, pull_number: pr.number })).status).toBe(
      204
    )
  })

  test('squash merge and conflicts', async () => {
    await emu.commit({ ...repo, branch: 'sq', files: { 'sq.txt': '1' } })
    await emu.commit({ ...repo, branch: 'sq', files: { 'sq.txt': '2' } })
    const pr = await gh.rest.pulls.create({ ...repo, title: 'Squash me', head: 'sq', base: 'main' })
    const res = await gh.rest.pulls.merge({
      ...repo,
      pull_number: pr.data.number,
      merge_method: 'squash'
    })
    const gitDir = emu.state.repo('acme', 'contribs').gitDir
    expect(git(gitDir, 'log', '-1', '--format=%P|%s', res.data.sha).split('|')[1]).toBe(
      `Squash me (#${pr.data.number})`
    )
    expect(git(gitDir, 'log', '-1', '--format=%P', res.data.sha).split(' ')).toHaveLength(1)
    await emu.commit({ ...repo, branch: 'c1', files: { 'conflict.txt': 'left' } })
    await emu.commit({ ...repo, files: { 'conflict.txt': 'right' } })
    const c = await gh.rest.pulls.create({ ...repo, title: 'conflict', head: 'c1', base: 'main' })
    expect(c.data.mergeable).toBe(false)
    expect(
      (await failure(gh.rest.pulls.merge({ ...repo, pull_number: c.data.number }))).status
    ).toBe(405)
    const closed = await gh.rest.pulls.update({
      ...repo,
      pull_number: c.data.number,
      state: 'closed'
    })
    expect(closed.data).toMatchObject({ state: 'closed', merged: false })
  })
})

describe('collaborators and teams', () => {
  test('collaborator check 204/404 and list', async () => {
    expect((await gh.rest.repos.checkCollaborator({ ...repo, username: 'alice' })).status).toBe(204)
    expect(
      (await failure(gh.rest.repos.checkCollaborator({ ...repo, username: 'mallory' }))).status
    ).toBe(404)
    const list = await gh.rest.repos.listCollaborators(repo)
    expect(list.data.map((c) => c.login)).toEqual(['octocat', 'alice'])
  })

  test('team members for app tokens; GITHUB_TOKEN cannot read the org', async () => {
    const members = await app.rest.teams.listMembersInOrg({ org: 'acme', team_slug: 'maintainers' })
    expect(members.data.map((m) => m.login)).toEqual(['alice'])
    expect(
      (await failure(actions.rest.teams.getByName({ org: 'acme', team_slug: 'maintainers' })))
        .status
    ).toBe(403)
    expect(
      (await failure(app.rest.teams.getByName({ org: 'acme', team_slug: 'ghosts' }))).status
    ).toBe(404)
  })
})

describe('workflow runs and jobs', () => {
  beforeAll(() => {
    emu.seedRun('acme', 'contribs', {
      id: 42,
      jobs: [
        { name: 'test (ubuntu-latest, 3.12)', conclusion: 'failure' },
        { name: 'lint', conclusion: 'success' }
      ]
    })
    emu.seedRun('acme', 'contribs', {
      id: 42,
      attempt: 2,
      jobs: [
        { name: 'test (ubuntu-latest, 3.12)', conclusion: 'success' },
        { name: 'gate', status: 'in_progress', conclusion: null }
      ]
    })
  })

  test('jobs: latest attempt by default, all on request, wrapper and matrix names', async () => {
    const latest = await gh.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: 42 })
    expect(latest.data.total_count).toBe(2)
    expect(latest.data.jobs.map((j) => [j.name, j.status, j.conclusion, j.run_attempt])).toEqual([
      ['test (ubuntu-latest, 3.12)', 'completed', 'success', 2],
      ['gate', 'in_progress', null, 2]
    ])
    const all = await gh.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: 42, filter: 'all' })
    expect(all.data.total_count).toBe(4)
    const attempt1 = await gh.rest.actions.listJobsForWorkflowRunAttempt({
      ...repo,
      run_id: 42,
      attempt_number: 1
    })
    expect(attempt1.data.jobs.map((j) => j.conclusion)).toEqual(['failure', 'success'])
    const paged = await gh.paginate(gh.rest.actions.listJobsForWorkflowRun, {
      ...repo,
      run_id: 42,
      filter: 'all',
      per_page: 1
    })
    expect(paged).toHaveLength(4)
    const run = await gh.rest.actions.getWorkflowRun({ ...repo, run_id: 42 })
    expect(run.data).toMatchObject({
      id: 42,
      run_attempt: 2,
      status: 'in_progress',
      conclusion: null
    })
    expect(
      (await failure(gh.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: 7 }))).status
    ).toBe(404)
  })
})

describe('deleting a branch', () => {
  test('deleting the head branch closes its open pull request, keeping its head commit', async () => {
    await emu.commit({ ...repo, branch: 'gone/a', files: { 'gone.txt': 'a' } })
    const { data: pr } = await app.rest.pulls.create({
      ...repo,
      title: 'Gone',
      head: 'gone/a',
      base: 'main'
    })
    await app.rest.git.deleteRef({ ...repo, ref: 'heads/gone/a' })
    const { data: after } = await gh.rest.pulls.get({ ...repo, pull_number: pr.number })
    expect(after).toMatchObject({ state: 'closed', merged: false, head: { sha: pr.head.sha } })
    const { data: open } = await gh.rest.pulls.list({ ...repo, state: 'open' })
    expect(open.map((p) => p.number)).not.toContain(pr.number)
    // Closing it again is no change.
    const { data: again } = await app.rest.pulls.update({
      ...repo,
      pull_number: pr.number,
      state: 'closed'
    })
    expect(again.state).toBe('closed')
  })
})

describe('pull requests from a fork', () => {
  test('head `owner:branch` names a fork; its commits come in as refs/pull/<n>/head', async () => {
    const base = emu.state.repo('acme', 'contribs').gitDir
    await emu.seedRepo({ owner: 'forker', repo: 'contribs', source: base })
    // The fork's branch has the name one of acme's own branches has too.
    await emu.commit({ ...repo, branch: 'shared/name', files: { 'ours.txt': 'ours' } })
    await emu.commit({
      owner: 'forker',
      repo: 'contribs',
      branch: 'shared/name',
      files: { 'theirs.txt': 'theirs' }
    })
    const forkHead = git(emu.state.repo('forker', 'contribs').gitDir, 'rev-parse', 'shared/name')
    const { data: theirs } = await gh.rest.pulls.create({
      ...repo,
      title: 'From a fork',
      head: 'forker:shared/name',
      base: 'main'
    })
    expect(theirs).toMatchObject({
      head: {
        label: 'forker:shared/name',
        ref: 'shared/name',
        sha: forkHead,
        user: { login: 'forker' },
        repo: { full_name: 'forker/contribs' }
      },
      base: { repo: { full_name: 'acme/contribs' } },
      commits: 1,
      changed_files: 1
    })
    expect(git(base, 'rev-parse', `refs/pull/${theirs.number}/head`)).toBe(forkHead)
    // Our branch of the same name is another head: its pull request is not a duplicate.
    const { data: ours } = await app.rest.pulls.create({
      ...repo,
      title: 'Ours',
      head: 'shared/name',
      base: 'main'
    })
    expect(ours.head.repo?.full_name).toBe('acme/contribs')
    const dup = await failure(
      gh.rest.pulls.create({ ...repo, title: 'again', head: 'forker:shared/name', base: 'main' })
    )
    expect(dup.message).toContain('A pull request already exists for forker:shared/name.')
    const listed = async (head: string) =>
      (await gh.rest.pulls.list({ ...repo, head, state: 'open' })).data.map((p) => p.number)
    expect(await listed('forker:shared/name')).toEqual([theirs.number])
    expect(await listed('acme:shared/name')).toEqual([ours.number])
    expect(await listed('nobody:shared/name')).toEqual([])
    const unknown = await failure(
      gh.rest.pulls.create({ ...repo, title: 'x', head: 'nobody:shared/name', base: 'main' })
    )
    expect(unknown.status).toBe(422)

    // A push to the fork moves the pull request's head.
    await emu.commit({
      owner: 'forker',
      repo: 'contribs',
      branch: 'shared/name',
      files: { 'more.txt': 'more' }
    })
    // Several reads at once each see the move (each may fetch the fork's commits).
    const reads = await Promise.all(
      [1, 2, 3, 4].map(() => gh.rest.pulls.get({ ...repo, pull_number: theirs.number }))
    )
    const moved = reads[0].data
    expect(new Set(reads.map((r) => r.data.head.sha)).size).toBe(1)
    expect(moved.commits).toBe(2)
    expect(moved.head.sha).toBe(
      git(emu.state.repo('forker', 'contribs').gitDir, 'rev-parse', 'shared/name')
    )
    // Deleting acme's branch of that name closes acme's pull request only.
    await app.rest.git.deleteRef({ ...repo, ref: 'heads/shared/name' })
    const state = async (n: number) =>
      (await gh.rest.pulls.get({ ...repo, pull_number: n })).data.state
    expect([await state(ours.number), await state(theirs.number)]).toEqual(['closed', 'open'])
    const { data: merged } = await gh.rest.pulls.merge({ ...repo, pull_number: theirs.number })
    expect(merged.merged).toBe(true)
    expect(git(base, 'log', '-1', '--format=%s', 'main')).toBe(
      `Merge pull request #${theirs.number} from forker/shared/name`
    )
    expect(git(base, 'show', 'main:theirs.txt')).toBe('theirs')
  })
})
