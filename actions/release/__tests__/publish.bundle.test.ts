// release's built bundle against the GitHub emulator: the plan with a lagging package and its
// dependents, the rewrite of the checkout for building, the release published once with every
// asset and notes naming the straggler and its tracking issue, a re-run that writes nothing, and
// a conflicting asset that fails with one line and uploads nothing.
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { runBundle, type BundleRunResult } from '@contribs-actions/cli'
import { startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import { mapLimit, trackingMarker } from '@contribs-actions/shared'
import { BUNDLE_TEST_TIMEOUT_MS, BUNDLES_AT_ONCE } from '../../../test/kit/budgets.js'
import {
  cleanupTempDirs,
  copyExampleRepo,
  initGitRepo,
  writeFiles
} from '../../../test/kit/fixtures.js'
import { expectNoStackTrace } from '../../../test/kit/step-log.js'

jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

const OWNER = 'acme'
const REPO = 'contribs'
let emu: Emulator
let checkout: string

beforeAll(async () => {
  emu = await startEmulator({ now: '2026-03-01T12:00:00Z' })
  checkout = copyExampleRepo()
  // _integration_core lags behind the release: it and the packages built on it stay out.
  const core = path.join(checkout, '_integration_core/pyproject.toml')
  writeFiles(checkout, {
    '_integration_core/pyproject.toml': readFileSync(core, 'utf8').replace(
      'version = "0.6.0"',
      'version = "0.5.0"'
    )
  })
  initGitRepo(checkout)
  await emu.seedRepo({ owner: OWNER, repo: REPO, source: checkout })
})
afterAll(async () => {
  await emu.close()
  cleanupTempDirs()
})

/** The bundle on the pushed tag v0.6.0, in `repo` (each story seeds its own) as run `runId`. */
function release(
  inputs: Record<string, string>,
  { repo = REPO, runId = 500 }: { repo?: string; runId?: number } = {}
): Promise<BundleRunResult> {
  return runBundle({
    action: 'release',
    inputs: { token: 'actions-token', 'actions-token': 'actions-token', ...inputs },
    workspace: checkout,
    event: { name: 'push', payload: { ref: 'refs/tags/v0.6.0' } },
    env: {
      GITHUB_API_URL: emu.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: `${OWNER}/${repo}`,
      GITHUB_REF: 'refs/tags/v0.6.0',
      GITHUB_RUN_ID: String(runId),
      CONTRIBS_ACTIONS_TIME_SCALE: '0.01'
    }
  })
}

function ok(result: BundleRunResult, exitCode = 0): BundleRunResult {
  if (result.exitCode !== exitCode)
    throw new Error(
      `exit ${result.exitCode} (expected ${exitCode}):\n${result.stdout}\n${result.stderr}`
    )
  return result
}

const json = (r: BundleRunResult, key: string): unknown => JSON.parse(r.outputs[key])

/** Stand-ins for the built files, one per asset the plan names (their bytes differ per file). */
function writeDist(assets: string[], changed?: string): void {
  const files: Record<string, string> = {}
  for (const a of assets.filter((x) => x !== 'mellea_contribs-py3-none-any.whl'))
    files[`dist/${a}`] = `built ${a}${a === changed ? ' (rebuilt)' : ''}`
  writeFiles(checkout, files)
}

test('plan, rewrite, publish once, re-run writes nothing, a conflicting asset fails loudly', async () => {
  const gh = emu.state.repo(OWNER, REPO)
  const early = ok(await release({ mode: 'plan' }))
  expect(json(early, 'stragglers')).toEqual([
    { package: '_integration_core', kind: 'version', why: 'at 0.5.0, not 0.6.0', issue: null },
    expect.objectContaining({ package: 'crewai', kind: 'dependency', issue: null }),
    expect.objectContaining({ package: 'dspy', kind: 'dependency', issue: null }),
    expect.objectContaining({ package: 'langchain', kind: 'dependency', issue: null })
  ])
  // The lagging package's tracking issue, as smoke-reporter opens it.
  const created = await fetch(`${emu.url}/repos/${OWNER}/${REPO}/issues`, {
    method: 'POST',
    headers: { authorization: 'token app-token', 'content-type': 'application/json' },
    body: JSON.stringify({
      title: '[contribs-broken] _integration_core: smoke red',
      body: `red twice\n${trackingMarker('_integration_core')}`,
      labels: ['contribs-broken']
    })
  }).then((r) => r.json() as Promise<{ number: number; html_url: string }>)

  const plan = ok(await release({ mode: 'plan' }))
  expect(json(plan, 'included')).toEqual(['agent-utilities', 'citations'])
  const assets = json(plan, 'assets') as string[]
  expect(assets).toEqual([
    'mellea_contribs-0.6.0-py3-none-any.whl',
    'mellea_contribs-0.6.0.tar.gz',
    'mellea_contribs-py3-none-any.whl',
    'mellea_contribs_agent_utilities-0.6.0-py3-none-any.whl',
    'mellea_contribs_agent_utilities-0.6.0.tar.gz',
    'mellea_contribs_citations-0.6.0-py3-none-any.whl',
    'mellea_contribs_citations-0.6.0.tar.gz'
  ])
  expect(gh.releases).toEqual([])

  // The whole publish: the release once, every asset, the version-free copy of the meta wheel.
  writeDist(assets)
  emu.clearRequests()
  const first = ok(await release({ mode: 'publish' }))
  expect(first.outputs.written).toBe('true')
  const releases = emu.state.repo(OWNER, REPO).releases
  expect(releases).toHaveLength(1)
  const rel = releases[0]
  expect(rel.tagName).toBe('v0.6.0')
  expect(rel.assets.map((a) => a.name).sort()).toEqual(assets)
  const metaWheel = rel.assets.find((a) => a.name === 'mellea_contribs-0.6.0-py3-none-any.whl')!
  const versionFree = rel.assets.find((a) => a.name === 'mellea_contribs-py3-none-any.whl')!
  expect(versionFree.data.equals(metaWheel.data)).toBe(true)
  expect(rel.body).toContain('Tracks `mellea` 0.6.0.')
  expect(rel.body).toContain(
    `### Skipped\n\n- \`_integration_core\`: at 0.5.0, not 0.6.0; tracking issue [#${created.number}](${created.html_url})`
  )
  expect(rel.body).toContain('- `crewai`: needs _integration_core, not in this release')
  expect(emu.state.repo(OWNER, REPO).issues).toHaveLength(1) // release writes no issue

  // A re-run finds everything in place and sends no write.
  emu.clearRequests()
  const again = ok(await release({ mode: 'publish' }))
  expect(again.outputs.written).toBe('false')
  expect(emu.requests().filter((r) => r.method !== 'GET')).toEqual([])
  expect(emu.state.repo(OWNER, REPO).releases[0].assets).toHaveLength(assets.length)

  // A file rebuilt differently is refused in one line, before any upload.
  writeDist(assets, 'mellea_contribs_citations-0.6.0.tar.gz')
  emu.clearRequests()
  const conflict = ok(await release({ mode: 'publish' }), 1)
  const errors = conflict.stdout.split('\n').filter((l) => l.startsWith('::error'))
  expect(errors).toHaveLength(1)
  expect(errors[0]).toContain(
    'release v0.6.0 already has an asset mellea_contribs_citations-0.6.0.tar.gz that differs from the built file'
  )
  expectNoStackTrace(conflict)
  expect(emu.requests().filter((r) => r.method !== 'GET')).toEqual([])
})

test('rewrite points uv-sourced siblings at the release and leaves the rest byte for byte', async () => {
  // At 0.6.0 throughout, dspy ships with _integration_core and is rewritten to its wheel.
  const core = path.join(checkout, '_integration_core/pyproject.toml')
  writeFiles(checkout, {
    '_integration_core/pyproject.toml': readFileSync(core, 'utf8').replace(
      'version = "0.5.0"',
      'version = "0.6.0"'
    )
  })
  const before = readFileSync(path.join(checkout, 'dspy/pyproject.toml'), 'utf8')
  const r = ok(await release({ mode: 'rewrite' }))
  expect(json(r, 'rewritten')).toEqual([
    'crewai/pyproject.toml',
    'dspy/pyproject.toml',
    'pyproject.toml'
  ])
  const after = readFileSync(path.join(checkout, 'dspy/pyproject.toml'), 'utf8')
  const url =
    'https://github.com/acme/contribs/releases/download/v0.6.0/mellea_contribs_integration_core-0.6.0-py3-none-any.whl'
  expect(after).toBe(
    before.replace(
      '"mellea-contribs-integration-core",',
      `"mellea-contribs-integration-core @ ${url}",`
    ) + '\n[tool.hatch.metadata]\nallow-direct-references = true\n'
  )
  const meta = readFileSync(path.join(checkout, 'pyproject.toml'), 'utf8')
  expect(meta).toContain(
    'dspy = ["mellea-contribs-dspy @ https://github.com/acme/contribs/releases/download/v0.6.0/mellea_contribs_dspy-0.6.0-py3-none-any.whl"]'
  )
})

test('answers lost after GitHub created the release or an asset: each is adopted, nothing twice', async () => {
  await emu.seedRepo({ owner: OWNER, repo: 'lossy', source: checkout })
  const lossy = (inputs: Record<string, string>) => release(inputs, { repo: 'lossy' })
  const assets = json(ok(await lossy({ mode: 'plan' })), 'assets') as string[]
  writeDist(assets)
  emu.addFault({
    method: 'POST',
    route: 'POST /repos/{owner}/{repo}/releases',
    kind: 'status',
    status: 502,
    when: 'after'
  })
  emu.addFault({
    method: 'POST',
    route: 'POST /repos/{owner}/{repo}/releases/{release_id}/assets',
    kind: 'drop',
    when: 'after'
  })
  emu.clearRequests()
  ok(await lossy({ mode: 'publish' }))
  const releases = emu.state.repo(OWNER, 'lossy').releases
  expect(releases).toHaveLength(1)
  expect(releases[0].assets.map((a) => a.name).sort()).toEqual(assets)
  expect(
    emu
      .requests()
      .filter((r) => r.fault)
      .map((r) => r.fault)
  ).toEqual(['status', 'drop'])
  const posts = emu.requests().filter((r) => r.method === 'POST')
  expect(posts.filter((r) => r.route === 'POST /repos/{owner}/{repo}/releases')).toHaveLength(1)
  // One upload per asset: the dropped one was found by its name, not sent again.
  expect(posts.filter((r) => r.route?.endsWith('/assets'))).toHaveLength(assets.length)
})

test('20 publishes overlapping (a re-run beside a late run): one release, each asset once', async () => {
  await emu.seedRepo({ owner: OWNER, repo: 'racing', source: checkout })
  const publish = (runId: number) => release({ mode: 'publish' }, { repo: 'racing', runId })
  const assets = json(ok(await release({ mode: 'plan' })), 'assets') as string[]
  writeDist(assets)
  const runs = await mapLimit(
    Array.from({ length: 20 }, (_, k) => 700 + k),
    2 * BUNDLES_AT_ONCE,
    publish
  )
  expect(runs.map((r) => r.exitCode)).toEqual(Array(20).fill(0))
  const releases = emu.state.repo(OWNER, 'racing').releases
  expect(releases).toHaveLength(1)
  expect(releases[0].assets.map((a) => a.name).sort()).toEqual(assets)
  // Every run that lost a race adopted what the winner made; one run made each thing.
  expect(runs.filter((r) => r.outputs.written === 'true').length).toBeGreaterThan(0)
})

test('a built file missing from dist-dir stops the step in one line before any write', async () => {
  await emu.seedRepo({ owner: OWNER, repo: 'missing', source: checkout })
  writeFiles(checkout, { 'dist/mellea_contribs_citations-0.6.0.tar.gz': null })
  emu.clearRequests()
  const r = await runBundle({
    action: 'release',
    inputs: { token: 'actions-token', 'actions-token': 'actions-token', mode: 'publish' },
    workspace: checkout,
    env: {
      GITHUB_API_URL: emu.url,
      GITHUB_REPOSITORY: `${OWNER}/missing`,
      GITHUB_REF: 'refs/tags/v0.6.0'
    }
  })
  ok(r, 1)
  const errors = r.annotations.filter((a) => a.level === 'error')
  expect(errors.map((e) => e.message)).toEqual([
    expect.stringMatching(
      /^nothing was published: 1 built file\(s\) missing from .*dist: mellea_contribs_citations-0\.6\.0\.tar\.gz$/
    )
  ])
  expect(emu.requests().filter((q) => q.write)).toEqual([])
})

test('packages at or past the archival notice, or archived, are named at risk', async () => {
  await emu.seedRepo({ owner: OWNER, repo: 'risky', source: checkout })
  const open = (pkg: string, labels: string[]) =>
    fetch(`${emu.url}/repos/${OWNER}/risky/issues`, {
      method: 'POST',
      headers: { authorization: 'token app-token', 'content-type': 'application/json' },
      body: JSON.stringify({
        title: `[contribs-broken] ${pkg}: smoke red`,
        body: trackingMarker(pkg),
        labels
      })
    }).then((r) => r.json() as Promise<{ number: number }>)
  const citations = await open('citations', ['contribs-broken'])
  const crewai = await open('crewai', ['contribs-broken', 'archived'])
  const dspy = await open('dspy', ['contribs-broken'])
  // dspy's label is re-applied later: its clock restarts and it is not at the notice yet.
  emu.advance({ days: 10 })
  await fetch(`${emu.url}/repos/${OWNER}/risky/issues/${dspy.number}/labels/contribs-broken`, {
    method: 'DELETE',
    headers: { authorization: 'token app-token' }
  })
  await fetch(`${emu.url}/repos/${OWNER}/risky/issues/${dspy.number}/labels`, {
    method: 'POST',
    headers: { authorization: 'token app-token', 'content-type': 'application/json' },
    body: JSON.stringify({ labels: ['contribs-broken'] })
  })
  emu.advance({ days: 4 })
  const r = ok(
    await runBundle({
      action: 'release',
      inputs: { token: 'actions-token', 'actions-token': 'actions-token' },
      workspace: checkout,
      env: {
        GITHUB_API_URL: emu.url,
        GITHUB_REPOSITORY: `${OWNER}/risky`,
        GITHUB_REF: 'refs/tags/v0.6.0'
      }
    })
  )
  expect(json(r, 'at-risk')).toEqual([
    { package: 'citations', stage: 'notice', issue: citations.number },
    { package: 'crewai', stage: 'archived', issue: crewai.number }
  ])
  expect(r.outputs.notes).toContain('### At risk\n\n- `citations`: broken past the archival notice')
})

test("with build-jobs, rewrite pins the meta-package's extras to packages whose jobs passed; a failed one leaves them", async () => {
  const fresh = copyExampleRepo()
  initGitRepo(fresh)
  await emu.seedRepo({ owner: OWNER, repo: 'jobs', source: fresh })
  emu.seedRun(OWNER, 'jobs', {
    id: 900,
    jobs: ['_integration_core', 'agent-utilities', 'citations', 'crewai', 'dspy', 'langchain'].map(
      (p) => ({
        name: `release / build (${p}) / build`,
        conclusion: p === 'citations' ? 'failure' : 'success'
      })
    )
  })
  const r = ok(
    await runBundle({
      action: 'release',
      inputs: {
        token: 'actions-token',
        'actions-token': 'actions-token',
        mode: 'rewrite',
        version: '0.6.0',
        'build-jobs': 'build \\((?<package>[^)]+)\\)'
      },
      workspace: fresh,
      env: {
        GITHUB_API_URL: emu.url,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: `${OWNER}/jobs`,
        GITHUB_RUN_ID: '900'
      }
    })
  )
  expect(json(r, 'stragglers')).toEqual([
    expect.objectContaining({ package: 'citations', kind: 'failed' })
  ])
  const meta = readFileSync(path.join(fresh, 'pyproject.toml'), 'utf8')
  expect(meta).not.toContain('citations')
  expect(meta).toContain(
    'dspy = ["mellea-contribs-dspy @ https://github.com/acme/jobs/releases/download/v0.6.0/mellea_contribs_dspy-0.6.0-py3-none-any.whl"]'
  )
})

test('a publish dry run reads the release and says what it would write, writing nothing', async () => {
  await emu.seedRepo({ owner: OWNER, repo: 'dry', source: checkout })
  const assets = json(ok(await release({ mode: 'plan' })), 'assets') as string[]
  writeDist(assets)
  emu.clearRequests()
  const r = ok(await release({ mode: 'publish', 'dry-run': 'true' }, { repo: 'dry' }))
  expect(r.outputs.summary).toContain(
    `dry run, nothing written: would create release v0.6.0, upload ${assets.length} asset(s), keep 0`
  )
  expect(r.outputs.written).toBe('false')
  expect(emu.requests().filter((q) => q.write)).toEqual([])
  expect(emu.state.repo(OWNER, 'dry').releases).toEqual([])
})
