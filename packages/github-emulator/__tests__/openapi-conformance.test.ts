import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import type { Emulator } from '../src/index.js'
import { b64, client, emulatorWithRepo, git, type Octokit } from './helpers.js'
import { OpenApiValidator, type Finding } from './openapi-validator.js'

/**
 * Every emulator response recorded during a scenario that calls every operation is validated
 * against the OpenAPI subset cut from GitHub's own description.
 *
 * Allow-list of known drift, where the emulator follows what github.com really sends (each
 * entry says what was observed) rather than the description:
 */
const ALLOWED: { operation: string; status: number; why: string }[] = [
  // The description lists no 404 for these, but GitHub answers 404 for a missing object.
  {
    operation: 'GET /repos/{owner}/{repo}/git/blobs/{file_sha}',
    status: 404,
    why: 'undocumented 404'
  },
  {
    operation: 'GET /repos/{owner}/{repo}/git/commits/{commit_sha}',
    status: 404,
    why: 'undocumented 404'
  },
  {
    operation: 'POST /repos/{owner}/{repo}/git/refs',
    status: 422,
    why: 'documented only as 201/409'
  },
  {
    operation: 'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}',
    status: 404,
    why: 'Label does not exist'
  },
  {
    operation: 'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
    status: 422,
    why: 'string errors[] for teams with GITHUB_TOKEN'
  },
  {
    operation: 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs',
    status: 404,
    why: 'unknown run'
  },
  { operation: 'GET /user', status: 403, why: 'installation tokens' },

  // oneOf [basic-error, repository-rule-violation-error]: any basic error matches both branches.
  { operation: 'PUT /repos/{owner}/{repo}/contents/{path}', status: 409, why: 'ambiguous oneOf' }
]

let emu: Emulator
let gh: Octokit
let app: Octokit
let actions: Octokit
const repo = { owner: 'acme', repo: 'contribs' }

/** Calls that are expected to fail still produce recorded responses to validate. */
async function attempt(promise: Promise<unknown>): Promise<void> {
  await promise.catch(() => undefined)
}

async function scenario(): Promise<void> {
  const gitDir = emu.state.repo('acme', 'contribs').gitDir
  emu.addCollaborator('acme', 'contribs', 'alice')
  emu.addTeam('acme', 'maintainers', ['alice'])
  await gh.rest.repos.get(repo)
  await gh.rest.repos.listBranches(repo)
  await gh.rest.repos.getBranch({ ...repo, branch: 'main' })
  await attempt(gh.rest.repos.getBranch({ ...repo, branch: 'nope' }))
  // contents
  await gh.rest.repos.getContent({ ...repo, path: 'README.md' })
  await gh.rest.repos.getContent({ ...repo, path: 'pkgs' })
  await attempt(gh.rest.repos.getContent({ ...repo, path: 'missing' }))
  const put = await gh.rest.repos.createOrUpdateFileContents({
    ...repo,
    path: 's.json',
    message: 'm',
    content: b64('1')
  })
  await gh.rest.repos.createOrUpdateFileContents({
    ...repo,
    path: 's.json',
    message: 'm',
    content: b64('2'),
    sha: put.data.content!.sha!
  })
  await attempt(
    gh.rest.repos.createOrUpdateFileContents({
      ...repo,
      path: 's.json',
      message: 'm',
      content: b64('3')
    })
  )
  await attempt(
    gh.rest.repos.createOrUpdateFileContents({
      ...repo,
      path: 's.json',
      message: 'm',
      content: b64('3'),
      sha: 'f'.repeat(40)
    })
  )
  const cur = await gh.rest.repos.getContent({ ...repo, path: 's.json' })
  await gh.rest.repos.deleteFile({
    ...repo,
    path: 's.json',
    message: 'rm',
    sha: (cur.data as { sha: string }).sha
  })
  // refs and git data
  const main = git(gitDir, 'rev-parse', 'main')
  await gh.rest.git.createRef({ ...repo, ref: 'refs/heads/work', sha: main })
  await attempt(gh.rest.git.createRef({ ...repo, ref: 'refs/heads/work', sha: main }))
  await gh.rest.git.getRef({ ...repo, ref: 'heads/work' })
  await attempt(gh.rest.git.getRef({ ...repo, ref: 'heads/none' }))
  await gh.rest.git.listMatchingRefs({ ...repo, ref: 'heads/' })
  const blob = await gh.rest.git.createBlob({ ...repo, content: 'hello' })
  await gh.rest.git.getBlob({ ...repo, file_sha: blob.data.sha })
  const commit0 = await gh.rest.git.getCommit({ ...repo, commit_sha: main })
  const tree = await gh.rest.git.createTree({
    ...repo,
    base_tree: commit0.data.tree.sha,
    tree: [{ path: 'work.txt', mode: '100644', type: 'blob', sha: blob.data.sha }]
  })
  await gh.rest.git.getTree({ ...repo, tree_sha: tree.data.sha, recursive: 'true' })
  const commit = await gh.rest.git.createCommit({
    ...repo,
    message: 'work',
    tree: tree.data.sha,
    parents: [main]
  })
  await gh.rest.git.updateRef({ ...repo, ref: 'heads/work', sha: commit.data.sha })
  await attempt(gh.rest.git.updateRef({ ...repo, ref: 'heads/work', sha: main }))
  await gh.rest.git.createRef({ ...repo, ref: 'refs/heads/tmp', sha: main })
  await gh.rest.git.deleteRef({ ...repo, ref: 'heads/tmp' })
  // releases and their assets (uploads go to the release's upload_url, another host on GitHub)
  await gh.rest.git.createRef({ ...repo, ref: 'refs/tags/v0.1.0', sha: main })
  const rel = await gh.rest.repos.createRelease({ ...repo, tag_name: 'v1.0.0', name: 'v1.0.0' })
  await attempt(gh.rest.repos.createRelease({ ...repo, tag_name: 'v1.0.0' }))
  await gh.rest.repos.getReleaseByTag({ ...repo, tag: 'v1.0.0' })
  await attempt(gh.rest.repos.getReleaseByTag({ ...repo, tag: 'v9' }))
  await gh.rest.repos.getRelease({ ...repo, release_id: rel.data.id })
  await gh.rest.repos.updateRelease({ ...repo, release_id: rel.data.id, body: 'notes' })
  await attempt(gh.rest.repos.updateRelease({ ...repo, release_id: 1, body: 'x' }))
  await gh.rest.repos.listReleases(repo)
  const upload = (name: string): Promise<unknown> =>
    gh.request({
      method: 'POST',
      url: rel.data.upload_url,
      name,
      data: Buffer.from('wheel bytes'),
      headers: { 'content-type': 'application/octet-stream' }
    })
  const asset = (await upload('a-1.0.0-py3-none-any.whl')) as { data: { id: number } }
  await attempt(upload('a-1.0.0-py3-none-any.whl'))
  await gh.rest.repos.listReleaseAssets({ ...repo, release_id: rel.data.id })
  await gh.rest.repos.getReleaseAsset({ ...repo, asset_id: asset.data.id })
  await attempt(gh.rest.repos.getReleaseAsset({ ...repo, asset_id: 1 }))
  await gh.rest.repos.deleteReleaseAsset({ ...repo, asset_id: asset.data.id })
  await attempt(gh.rest.repos.deleteReleaseAsset({ ...repo, asset_id: asset.data.id }))
  const draft = await gh.rest.repos.createRelease({ ...repo, tag_name: 'v2.0.0', draft: true })
  await gh.rest.repos.deleteRelease({ ...repo, release_id: draft.data.id })
  await attempt(gh.rest.repos.deleteRelease({ ...repo, release_id: draft.data.id }))
  // labels and issues
  await gh.rest.issues.createLabel({ ...repo, name: 'bug', color: 'ff0000', description: 'Bug' })
  await attempt(gh.rest.issues.createLabel({ ...repo, name: 'bug' }))
  await attempt(gh.rest.issues.createLabel({ ...repo, name: 'bad', color: 'nothex' }))
  await gh.rest.issues.getLabel({ ...repo, name: 'bug' })
  await gh.rest.issues.updateLabel({ ...repo, name: 'bug', color: '00ff00' })
  await gh.rest.issues.listLabelsForRepo(repo)
  const issue = await actions.rest.issues.create({
    ...repo,
    title: 'Issue',
    body: 'b',
    labels: ['bug', 'new'],
    assignees: ['alice']
  })
  const n = issue.data.number
  await attempt(gh.rest.issues.create({ ...repo, title: 'x', assignees: ['nobody'] }))
  await attempt(gh.rest.issues.create({ ...repo, title: 'x', body: 'x'.repeat(70000) }))
  await gh.rest.issues.get({ ...repo, issue_number: n })
  await attempt(gh.rest.issues.get({ ...repo, issue_number: 999 }))
  await gh.rest.issues.update({ ...repo, issue_number: n, title: 'Issue renamed', labels: ['bug'] })
  await gh.rest.issues.listForRepo({ ...repo, state: 'all', labels: 'bug' })
  await app.rest.issues.addLabels({ ...repo, issue_number: n, labels: ['extra'] })
  await gh.rest.issues.setLabels({ ...repo, issue_number: n, labels: ['bug', 'extra'] })
  await gh.rest.issues.listLabelsOnIssue({ ...repo, issue_number: n })
  await gh.rest.issues.removeLabel({ ...repo, issue_number: n, name: 'extra' })
  await attempt(gh.rest.issues.removeLabel({ ...repo, issue_number: n, name: 'extra' }))
  const comment = await gh.rest.issues.createComment({ ...repo, issue_number: n, body: 'hi' })
  await gh.rest.issues.getComment({ ...repo, comment_id: comment.data.id })
  await gh.rest.issues.updateComment({ ...repo, comment_id: comment.data.id, body: 'edited' })
  await gh.rest.issues.listComments({ ...repo, issue_number: n })
  const doomed = await gh.rest.issues.createComment({ ...repo, issue_number: n, body: 'bye' })
  await gh.rest.issues.deleteComment({ ...repo, comment_id: doomed.data.id })
  await gh.rest.issues.update({ ...repo, issue_number: n, state: 'closed' })
  await gh.rest.issues.listEvents({ ...repo, issue_number: n })
  await gh.rest.issues.listEventsForTimeline({ ...repo, issue_number: n })
  await gh.rest.issues.removeAllLabels({ ...repo, issue_number: n })
  await gh.rest.issues.deleteLabel({ ...repo, name: 'new' })
  await gh.rest.search.issuesAndPullRequests({ q: 'repo:acme/contribs is:issue Issue' })
  // pulls
  await emu.commit({ ...repo, branch: 'feature', files: { 'f.txt': 'f' } })
  await attempt(actions.rest.pulls.create({ ...repo, title: 'no', head: 'feature', base: 'main' }))
  await attempt(gh.rest.pulls.create({ ...repo, title: 'no', head: 'ghost', base: 'main' }))
  const pr = await app.rest.pulls.create({
    ...repo,
    title: 'Feature',
    head: 'feature',
    base: 'main',
    body: 'b'
  })
  const p = pr.data.number
  await attempt(app.rest.pulls.create({ ...repo, title: 'dup', head: 'feature', base: 'main' }))
  await gh.rest.pulls.list({ ...repo, head: 'acme:feature' })
  await gh.rest.pulls.get({ ...repo, pull_number: p })
  await gh.rest.pulls.update({ ...repo, pull_number: p, body: 'edited' })
  await app.rest.pulls.requestReviewers({
    ...repo,
    pull_number: p,
    reviewers: ['alice'],
    team_reviewers: ['maintainers']
  })
  await attempt(
    app.rest.pulls.requestReviewers({ ...repo, pull_number: p, reviewers: ['mallory'] })
  )
  await attempt(
    actions.rest.pulls.requestReviewers({
      ...repo,
      pull_number: p,
      team_reviewers: ['maintainers']
    })
  )
  await gh.rest.pulls.listRequestedReviewers({ ...repo, pull_number: p })
  await gh.rest.pulls.removeRequestedReviewers({ ...repo, pull_number: p, reviewers: ['alice'] })
  await attempt(gh.rest.pulls.checkIfMerged({ ...repo, pull_number: p }))
  await gh.rest.pulls.merge({ ...repo, pull_number: p })
  await gh.rest.pulls.checkIfMerged({ ...repo, pull_number: p })
  await gh.rest.pulls.get({ ...repo, pull_number: p })
  await gh.rest.search.issuesAndPullRequests({ q: 'repo:acme/contribs is:pr' })
  // collaborators and teams
  await gh.rest.repos.listCollaborators(repo)
  await gh.rest.repos.checkCollaborator({ ...repo, username: 'alice' })
  await attempt(gh.rest.repos.checkCollaborator({ ...repo, username: 'mallory' }))
  await gh.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: 'alice' })
  await gh.rest.repos.listTeams(repo)
  await app.rest.teams.getByName({ org: 'acme', team_slug: 'maintainers' })
  await app.rest.teams.listMembersInOrg({ org: 'acme', team_slug: 'maintainers' })
  // actions
  emu.seedRun('acme', 'contribs', {
    id: 7,
    headSha: main,
    jobs: [
      { name: 'test (3.12)', conclusion: 'success' },
      { name: 'gate', conclusion: null }
    ]
  })
  await gh.rest.actions.getWorkflowRun({ ...repo, run_id: 7 })
  const jobs = await gh.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: 7, filter: 'all' })
  await gh.rest.actions.listJobsForWorkflowRunAttempt({ ...repo, run_id: 7, attempt_number: 1 })
  await gh.rest.actions.getJobForWorkflowRun({ ...repo, job_id: jobs.data.jobs[0].id })
  await attempt(gh.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: 8 }))
  await actions.rest.repos.createDispatchEvent({ ...repo, event_type: 'release' })
  await actions.rest.actions.createWorkflowDispatch({ ...repo, workflow_id: 'ci.yml', ref: 'main' })
  // misc
  await gh.rest.rateLimit.get()
  await gh.rest.users.getAuthenticated()
  await attempt(app.rest.users.getAuthenticated())
}

beforeAll(async () => {
  emu = await emulatorWithRepo({ logBodies: true })
  gh = client(emu)
  app = client(emu, 'app-token')
  actions = client(emu, 'actions-token')
  await scenario()
})
afterAll(async () => emu.close())

describe('OpenAPI conformance', () => {
  const validator = new OpenApiValidator()

  test('the scenario calls every operation the subset describes', () => {
    const hit = new Set(emu.requests().map((r) => r.route))
    expect(validator.operations().filter((op) => !hit.has(op))).toEqual([])
  })

  test("every recorded response validates against GitHub's description (or is allow-listed)", () => {
    const findings: Finding[] = []
    for (const r of emu.requests()) {
      if (!r.route || r.status === 0) continue
      const [method, template] = r.route.split(' ')
      const f = validator.check(method, template, r.status, r.responseBody)
      if (f && !ALLOWED.some((a) => a.operation === f.operation && a.status === f.status))
        findings.push(f)
    }
    expect(findings).toEqual([])
  })

  test('the validator rejects a response that breaks the schema', () => {
    const f = validator.check('GET', '/repos/{owner}/{repo}/git/ref/{ref}', 200, {
      ref: 'refs/heads/x'
    })
    expect(f?.problem).toContain("must have required property 'node_id'")
  })
})
