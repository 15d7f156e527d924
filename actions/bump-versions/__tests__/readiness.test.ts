// The main story, through the built bundle against the GitHub emulator and real git: the upstream
// releases 0.8.0rc1; every package that waits for no sibling opens at once; merging
// _integration_core alone opens the packages built on it and the root meta-package while the
// others are still open; then everything is done. The checkout is never updated, as if it were
// behind.
import { startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import { cleanupTempDirs, EXAMPLE_REPO } from '../../../test/kit/fixtures.js'
import { DEBUG_LOGGING, debugLines, groupTitles, stepLines } from '../../../test/kit/step-log.js'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import {
  bare,
  branches,
  changedLines,
  json,
  LABEL,
  mergeBumps,
  mergedEvent,
  OWNER,
  packagesOf,
  ROOT,
  runBump,
  seedExample,
  Seeded,
  WAVE1,
  ON_CORE,
  V
} from './kit.js'
import { jest } from '@jest/globals'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

let emu: Emulator
let s: Seeded

beforeAll(async () => {
  emu = await startEmulator({ now: '2026-03-01T12:00:00Z' })
  emu.addTeam(OWNER, 'crewai-maintainers', ['HendrikStrobelt'])
  s = await seedExample(emu, 'mellea-contribs')
})
afterAll(async () => {
  await emu.close()
  cleanupTempDirs()
})

const original = (file: string) => readFileSync(path.join(EXAMPLE_REPO, file), 'utf8')

/**
 * Every bump branch holds one commit on top of main's history: only the version line changes,
 * with its lock and the locks of `relocked` siblings.
 */
function expectVersionLineOnly(pkg: string, dir: string, relocked: string[] = []) {
  const branch = `sync-mellea-${V}-${pkg}`
  const file = dir ? `${dir}/pyproject.toml` : 'pyproject.toml'
  const after = bare(s, 'show', `${branch}:${file}`)
  const before = bare(s, 'show', `${branch}~1:${file}`)
  const changed = changedLines(before, after)
  expect(changed).toHaveLength(1)
  expect(changed[0][1]).toBe('version = "0.6.0"')
  expect(changed[0][2]).toBe(`version = "${V}"`)
  expect(bare(s, 'log', '-1', '--format=%s', branch)).toBe(`chore(${pkg}): bump version to v${V}`)
  // Made through the API by the App itself (no author given), so GitHub would sign it.
  expect(bare(s, 'log', '-1', '--format=%an', branch)).toBe('contribs-bot[bot]')
  const files = bare(s, 'diff', '--name-only', `${branch}~1`, branch).split('\n')
  expect(files).toEqual(
    [
      dir ? `${dir}/pyproject.toml` : 'pyproject.toml',
      dir ? `${dir}/uv.lock` : 'uv.lock',
      ...relocked.map((d) => `${d}/uv.lock`)
    ].sort()
  )
  // Everything else in the file is the original's, byte for byte (comments, spacing, floors).
  expect(after).toBe(original(file).replace('version = "0.6.0"', `version = "${V}"`).trimEnd())
}

const WAVE2 = [...ON_CORE, ROOT]

/**
 * On main, every sibling version a lock records (the fake lock tool writes `# sibling name==v`)
 * is that sibling's version on main: each package's locked install still matches its lock.
 */
function expectLocksMatchMain() {
  const versions = new Map<string, string>()
  const packages = [...WAVE1, ...ON_CORE]
  for (const p of packages) {
    const py = bare(s, 'show', `main:${p}/pyproject.toml`)
    versions.set(/^name = "(.+)"/m.exec(py)![1], /^version = "(.+)"/m.exec(py)![1])
  }
  let recorded = 0
  for (const p of packages) {
    const lock = bare(s, 'show', `main:${p}/uv.lock`)
    for (const [, name, version] of lock.matchAll(/^# sibling (\S+)==(\S+)$/gm)) {
      expect(`${p}: ${name}==${version}`).toBe(`${p}: ${name}==${versions.get(name)}`)
      recorded++
    }
  }
  expect(recorded).toBeGreaterThan(0)
}

test('0.8.0rc1 is released: every package without sibling dependencies opens, the rest wait', async () => {
  emu.clearRequests()
  const r = await runBump(emu, s, { env: DEBUG_LOGGING })
  expect(r.stderr).toBe('')
  expect(r.exitCode).toBe(0)
  expect(r.outputs.version).toBe(V)
  expect(r.outputs.tier).toBeUndefined()
  expect(packagesOf(r, 'opened')).toEqual(WAVE1)
  expect(json(r, 'waiting')).toEqual(WAVE2)
  expect(r.outputs.done).toBe('false')
  expect(r.outputs.reason).toBe(
    '0.8.0rc1 (version from client_payload.version): opened 3 bump PRs: _integration_core, agent-utilities, citations; 4 packages wait for siblings still below 0.8.0rc1: crewai (_integration_core), dspy (_integration_core), langchain (_integration_core), mellea-contribs (_integration_core)'
  )
  const plan = json(r, 'plan') as {
    waves: string[][]
    ready: string[]
    waits_for: Record<string, string[]>
    edits: { package: string }[]
  }
  // The graph as waves: the meta-package opens with the packages built on _integration_core.
  expect(plan.waves).toEqual([WAVE1, WAVE2])
  expect(plan.ready).toEqual(WAVE1)
  expect(plan.waits_for).toEqual(Object.fromEntries(WAVE2.map((p) => [p, ['_integration_core']])))
  expect(plan.edits.map((e) => e.package)).toEqual([...WAVE1, ...ON_CORE, ROOT])

  expect(branches(s).sort()).toEqual(['main', ...WAVE1.map((p) => `sync-mellea-${V}-${p}`)].sort())
  // crewai and dspy reach _integration_core through a path source, so their locks record its
  // version and are refreshed with it; langchain names it only, so its lock does not.
  expectVersionLineOnly('_integration_core', '_integration_core', ['crewai', 'dspy'])
  for (const p of ['agent-utilities', 'citations']) expectVersionLineOnly(p, p)
  const relocked = bare(s, 'show', `sync-mellea-${V}-_integration_core:crewai/uv.lock`)
  expect(relocked).toContain(`# locked mellea-contribs-crewai==0.6.0 (upgraded mellea)`)
  expect(relocked).toContain(`# sibling mellea-contribs-integration-core==${V}`)
  // The lock was refreshed in the same commit, by a command that never saw the token.
  const lock = bare(s, 'show', `sync-mellea-${V}-_integration_core:_integration_core/uv.lock`)
  expect(lock).toContain(`# locked mellea-contribs-integration-core==${V} (upgraded mellea)`)
  expect(lock).not.toContain('INPUT_TOKEN')

  const view = emu.state.repo(OWNER, 'mellea-contribs')
  const label = view.labels.find((l) => l.name === LABEL)!
  expect(label).toMatchObject({ name: 'sync-mellea-version:0.8.0rc1', color: 'c2e0c6' })
  for (const pr of view.pulls) {
    expect(pr.labels).toEqual([label.id])
    expect(pr.user).toBe('contribs-bot[bot]')
    expect(pr.body).toContain('left alone')
    expect(pr.body).toContain('**Wave 1 of 2**: waits for no sibling.')
  }
  const core = view.pulls.find((p) => p.pull!.head.endsWith('_integration_core'))!
  expect(core.pull!.requestedReviewers).toEqual(['nrfulton', 'jakelorocco'])
  expect(core.body).toContain('`mellea>=0.6.0`')
  expect(core.body).toContain(
    'Merging it opens the bump of `crewai`, `dspy`, `langchain`, `mellea-contribs` once nothing else they wait for is below 0.8.0rc1.'
  )

  // Every write was the App's, and each would start workflows (its PRs get CI).
  const writes = emu.requests().filter((q) => q.write)
  expect(writes.every((q) => q.tokenKind === 'app')).toBe(true)
  expect(writes.filter((q) => q.route === 'POST /repos/{owner}/{repo}/pulls')).toHaveLength(3)
  expect(r.summary).toContain(
    '| 2 | `crewai` | `_integration_core` | 0.6.0 -> 0.8.0rc1 | waits for `_integration_core` |'
  )
  expect(r.summary).toContain(
    '**Wave 1**: `_integration_core`, `agent-utilities`, `citations`<br>\n**Wave 2**: `crewai`, `dspy`, `langchain`, `mellea-contribs`'
  )
  expect(r.stdout).toContain('wave 2: crewai, dspy, langchain, mellea-contribs')

  // The log: one closed group per package opened, with what was done as it was done, and
  // why each later package waits.
  expect(groupTitles(r.stdout)).toEqual(WAVE1.map((p) => `${p}: 0.6.0 -> ${V}`))
  const lines = stepLines(r.stdout)
  const opened = lines.indexOf(`::group::_integration_core: 0.6.0 -> ${V}`)
  const coreGroup = lines.slice(opened, lines.indexOf('::endgroup::', opened))
  expect(coreGroup.filter((l) => !l.startsWith('::'))).toEqual([
    expect.stringMatching(
      new RegExp(`^_integration_core: committed [0-9a-f]{7} on sync-mellea-${V}-_integration_core$`)
    ),
    expect.stringMatching(/^_integration_core: opened #\d+ /),
    '_integration_core: review requested from @nrfulton, @jakelorocco'
  ])
  expect(debugLines(r.stdout)).toEqual(
    expect.arrayContaining([
      `_integration_core: 0.6.0 -> ${V} now: it waits for no sibling`,
      `crewai: 0.6.0 -> ${V} waits for _integration_core: still below ${V}`,
      `${ROOT}: 0.6.0 -> ${V} waits for _integration_core: still below ${V}`
    ])
  )
})

test('a re-run opens nothing twice and writes nothing', async () => {
  emu.clearRequests()
  const r = await runBump(emu, s)
  expect(r.exitCode).toBe(0)
  expect(json(r, 'opened')).toEqual([])
  const skipped = json(r, 'skipped') as { package: string; url: string; reason: string }[]
  expect(skipped.map((x) => x.package)).toEqual(WAVE1)
  expect(skipped[0].url).toMatch(/\/pull\/\d+$/)
  expect(json(r, 'waiting')).toEqual(WAVE2)
  expect(emu.requests().filter((q) => q.write)).toEqual([])
  expect(emu.state.repo(OWNER, 'mellea-contribs').pulls).toHaveLength(3)
})

test('merging a package nothing waits for opens nothing new; the open ones are rebuilt on main', async () => {
  const merged = await mergeBumps(emu, s, ['citations'])
  const r = await runBump(emu, s, { event: mergedEvent(merged[0]) })
  expect(r.exitCode).toBe(0)
  expect(json(r, 'opened')).toEqual([])
  expect(packagesOf(r, 'skipped')).toEqual(['_integration_core', 'agent-utilities'])
  expect(json(r, 'waiting')).toEqual(WAVE2)
  // main moved under the two still open: their branches are rebuilt on its tip.
  expect(packagesOf(r, 'rebuilt')).toEqual(['_integration_core', 'agent-utilities'])
  const again = await runBump(emu, s, { event: mergedEvent(merged[0]) })
  expect(again.stdout).toMatch(
    /^agent-utilities: bump PR #\d+ is open; waiting for it to be merged$/m
  )
})

test('merging only _integration_core (version from the label) opens what waited for it, while agent-utilities is still open', async () => {
  const merged = await mergeBumps(emu, s, ['_integration_core'])
  const r = await runBump(emu, s, { event: mergedEvent(merged[0]) })
  expect(r.exitCode).toBe(0)
  expect(packagesOf(r, 'opened')).toEqual(WAVE2)
  expect(packagesOf(r, 'skipped')).toEqual(['agent-utilities'])
  expect(json(r, 'waiting')).toEqual([])
  expect(r.outputs.reason).toContain('label of merged pull request')
  const open = emu.state.repo(OWNER, 'mellea-contribs').pulls.filter((p) => p.state === 'open')
  expect(open.map((p) => p.pull!.head).sort()).toEqual(
    ['agent-utilities', ...WAVE2].map((p) => `sync-mellea-${V}-${p}`).sort()
  )
  for (const p of ON_CORE) expectVersionLineOnly(p, p)
  expectVersionLineOnly(ROOT, '')
  expectLocksMatchMain()
  // The checkout is still at 0.6.0 everywhere, yet the lock saw the sibling as merged on main.
  const lock = bare(s, 'show', `sync-mellea-${V}-crewai:crewai/uv.lock`)
  expect(lock).toContain(`# sibling mellea-contribs-integration-core==${V}`)
  const crewai = emu.state
    .repo(OWNER, 'mellea-contribs')
    .pulls.find((p) => p.pull!.head.endsWith('crewai'))!
  expect(crewai.pull!.requestedReviewers).toEqual(['HendrikStrobelt'])
  expect(crewai.pull!.requestedTeams).toEqual(['crewai-maintainers'])
  expect(crewai.body).toContain(
    `**Wave 2 of 2**: opened once \`_integration_core\` was at ${V} on the default branch.`
  )
})

test('merging everything else finishes: done, nothing to open', async () => {
  await mergeBumps(emu, s, ['agent-utilities', ...ON_CORE])
  const last = await mergeBumps(emu, s, [ROOT])
  const done = await runBump(emu, s, { event: mergedEvent(last[0]) })
  expect(done.exitCode).toBe(0)
  expect(done.outputs.done).toBe('true')
  expect(json(done, 'opened')).toEqual([])
  expect(done.outputs.reason).toBe(
    'every package is at 0.8.0rc1 (version from label of merged pull request #' +
      last[0] +
      '); nothing to open'
  )
  expectLocksMatchMain()
  // main now says 0.8.0rc1 in every pyproject, and the upstream floors are the originals.
  for (const p of [...WAVE1, ...ON_CORE]) {
    const text = bare(s, 'show', `main:${p}/pyproject.toml`)
    expect(text).toContain(`version = "${V}"`)
    expect(changedLines(original(`${p}/pyproject.toml`).trimEnd(), text)).toHaveLength(1)
  }
})
