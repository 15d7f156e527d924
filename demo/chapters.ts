import { git, OWNER, REPO, World } from './story.js'

export interface Report {
  lines: string[]
  failures: string[]
  seconds?: number
}

const json = <T>(s: string | undefined, fallback: T): T => {
  try {
    return s === undefined ? fallback : (JSON.parse(s) as T)
  } catch {
    return fallback
  }
}

/** The scripted story. Each chapter checks what it expects and records it for the report. */
export async function chapters(world: World): Promise<Report> {
  const report: Report = { lines: [], failures: [] }
  const expect: Expect = (ok, what) => {
    if (!ok) report.failures.push(what)
  }
  await pullRequestToCore(world, report, expect)
  await brokenStructure(world, report, expect)
  await upstreamPreRelease(world, report, expect)
  await releaseChapter(world, report, expect)
  await nightlySmoke(world, report, expect)
  await archivalTimeline(world, report, expect)
  const state = world.emu.state.repo(OWNER, REPO)
  report.lines.push(
    `GitHub (emulated) now holds ${state.pulls.length} pull requests, ${state.issues.filter((i) => !i.pull).length} issues, ${state.comments.length} comments; ${world.emu.requests().length} API requests in all`
  )
  return report
}

/** A chapter's check: a failure for the report when `ok` is false. */
type Expect = (ok: boolean, what: string) => void

/** A pull request touching the package others depend on. */
async function pullRequestToCore(world: World, report: Report, expect: Expect): Promise<void> {
  world.log.step('A pull request touches _integration_core, which three packages depend on')
  const pr1 = world.branch(
    'feature/core-retry',
    {
      '_integration_core/mellea_contribs/integration_core/core/retry.py':
        'def retry(n: int) -> int:\n    return n\n'
    },
    'integration core: add retry helper'
  )
  const prEvent = {
    name: 'pull_request',
    payload: {
      number: 1,
      pull_request: {
        number: 1,
        base: { sha: pr1.base, ref: 'main' },
        head: { sha: pr1.head, ref: 'feature/core-retry' }
      }
    }
  }
  const discover = await world.run('discover', {}, prEvent)
  world.log.action('discover', discover)
  const matrix = json<string[]>(discover.outputs.matrix, [])
  expect(
    JSON.stringify(matrix) === '["_integration_core","crewai","dspy","langchain"]',
    `discover matrix was ${discover.outputs.matrix}`
  )
  const validate = await world.run('validate-structure', {}, prEvent)
  world.log.action('validate-structure', validate)
  expect(validate.exitCode === 0, 'validate-structure failed on a valid change')
  const config = await world.run('read-ci-config', { packages: JSON.stringify(matrix) }, prEvent)
  world.log.action('read-ci-config', config)
  report.lines.push(
    `PR #1 (touches _integration_core): discover chose ${matrix.length} packages (${matrix.join(', ')}); ${json<unknown[]>(discover.outputs.include, []).length} matrix legs with per-package timeouts and Python versions; structure valid`
  )
}

/** A pull request that breaks the structural contract. */
async function brokenStructure(world: World, report: Report, expect: Expect): Promise<void> {
  world.log.step('A pull request adds a package that breaks the structural contract')
  const pr2 = world.branch(
    'feature/web-search',
    {
      'web-search/pyproject.toml':
        '[project]\nname = "mellea-contribs-web-search"\nversion = "0.6.0"\ndependencies = [\n    "mellea",\n    "httpx>=0.27",\n]\n\n[tool.hatch.build.targets.wheel]\npackages = ["mellea_contribs"]\n',
      'web-search/README.md': '# web-search\n',
      'web-search/tests/test_search.py': 'def test_search():\n    assert True\n',
      'web-search/mellea_contribs/web_search/__init__.py': '',
      'web-search/mellea_contribs/web_search/utils/__init__.py': ''
    },
    'add web-search'
  )
  const prEvent2 = {
    name: 'pull_request',
    payload: {
      number: 2,
      pull_request: {
        number: 2,
        base: { sha: pr2.base, ref: 'main' },
        head: { sha: pr2.head, ref: 'feature/web-search' }
      }
    }
  }
  const bad = await world.run('validate-structure', {}, prEvent2)
  world.log.action('validate-structure', bad, true)
  const violations = json<{ code: string; message: string }[]>(bad.outputs.violations, [])
  expect(
    bad.exitCode !== 0 && violations.length >= 4,
    `validate-structure should fail with several violations (exit ${bad.exitCode}, ${violations.length} violations)`
  )
  report.lines.push(
    `PR #2 (new package web-search): validate-structure failed with ${violations.length} violations, each annotated on its file and line (${[...new Set(violations.map((v) => v.code))].join(', ')})`
  )
  world.sync()
}

/** The upstream publishes a pre-release: bump pull requests, each as soon as it is ready. */
async function upstreamPreRelease(world: World, report: Report, expect: Expect): Promise<void> {
  world.log.step(
    'The upstream publishes mellea 0.8.0rc1: one bump PR per package, each once its siblings are at it'
  )
  world.log.note(
    '(lock-command is off in the demo: uv is not installed here; in CI it refreshes each uv.lock)'
  )
  let event: { name: string; payload: unknown } = {
    name: 'repository_dispatch',
    payload: { action: 'mellea-released', client_payload: { version: '0.8.0rc1' } }
  }
  const opened: string[] = []
  let rounds = 0
  for (let round = 0; round < 6; round++) {
    world.sync()
    const bump = await world.run('bump-versions', { 'lock-command': '' }, event)
    world.log.action(`bump-versions (round ${round + 1})`, bump)
    if (bump.exitCode !== 0) {
      expect(false, `bump-versions failed in round ${round + 1}`)
      break
    }
    if (bump.outputs.done === 'true') break
    const prs = json<{ package: string; number: number }[]>(bump.outputs.opened, [])
    if (!prs.length) break
    rounds++
    opened.push(...prs.map((p) => p.package))
    // The owners review and merge; the merge of each bump PR re-runs the workflow.
    let lastMerged: { number: number; labels: { name: string }[] } | undefined
    for (const pr of prs) {
      await world.octokit.rest.pulls.merge({
        owner: OWNER,
        repo: REPO,
        pull_number: pr.number,
        merge_method: 'squash'
      })
      const { data } = await world.octokit.rest.pulls.get({
        owner: OWNER,
        repo: REPO,
        pull_number: pr.number
      })
      lastMerged = { number: data.number, labels: data.labels.map((l) => ({ name: l.name ?? '' })) }
    }
    world.log.note(`merged ${prs.map((p) => `#${p.number} (${p.package})`).join(', ')}`)
    event = {
      name: 'pull_request',
      payload: {
        action: 'closed',
        number: lastMerged!.number,
        pull_request: {
          number: lastMerged!.number,
          merged: true,
          labels: lastMerged!.labels,
          base: { ref: 'main' }
        }
      }
    }
  }
  expect(
    opened.length >= 7,
    `bump-versions opened ${opened.length} PRs (expected one per package and the root)`
  )
  report.lines.push(
    `mellea 0.8.0rc1: ${opened.length} bump PRs opened over ${rounds} rounds of merges (${opened.join(' → ')}), each merged by its owners; the pre-release suffix kept intact`
  )
}

/** Nightly smoke against upstream main: a package breaks, recovers, breaks again. */
async function nightlySmoke(world: World, report: Report, expect: Expect): Promise<void> {
  world.log.step(
    'Nightly smoke against upstream main: agent-utilities goes red twice, recovers, breaks again'
  )
  const packages = [
    '_integration_core',
    'agent-utilities',
    'citations',
    'crewai',
    'dspy',
    'langchain'
  ]
  const nights: { day: number; red: boolean }[] = [
    { day: 0, red: true },
    { day: 1, red: true },
    { day: 2, red: true },
    { day: 3, red: false },
    { day: 4, red: true },
    { day: 5, red: true }
  ]
  let opened2 = 0
  let recovered = 0
  for (const night of nights) {
    const runId = world.nextRun()
    world.emu.seedRun(OWNER, REPO, {
      id: runId,
      jobs: packages.map((p) => ({
        name: `smoke (${p}) / package-ci`,
        conclusion: p === 'agent-utilities' && night.red ? 'failure' : 'success'
      }))
    })
    const smoke = await world.run(
      'smoke-reporter',
      { mode: 'aggregate' },
      { name: 'schedule', payload: {} },
      runId
    )
    world.log.action(`smoke-reporter (night ${night.day + 1}, run ${runId})`, smoke)
    expect(smoke.exitCode === 0, `smoke-reporter failed on night ${night.day + 1}`)
    opened2 += json<unknown[]>(smoke.outputs.opened, []).length
    recovered += json<unknown[]>(smoke.outputs.recovered, []).length
    world.emu.advance({ days: 1 })
  }
  expect(
    opened2 === 2 && recovered === 1,
    `smoke-reporter opened ${opened2} tracking issues and recovered ${recovered} (expected 2 and 1)`
  )
  report.lines.push(
    `smoke: agent-utilities red on nights 1-3 (tracking issue on night 2, owners assigned, "still red" on night 3), green on night 4 (recovery comment, label removed), red again on nights 5-6 (a new tracking issue)`
  )
}

/** Nobody fixes it: the archival timeline, swept twice a week by wall clock. */
async function archivalTimeline(world: World, report: Report, expect: Expect): Promise<void> {
  world.log.step('Nobody fixes it: archival-sweep runs twice a week for four weeks')
  let milestones = 0
  for (let week = 0; week < 4; week++) {
    for (const gap of [3, 4]) {
      world.emu.advance({ days: gap })
      const sweep = await world.run('archival-sweep', {}, { name: 'schedule', payload: {} })
      const issues = json<{ actions: string[] }[]>(sweep.outputs.issues, [])
      const acted = issues.reduce((n, i) => n + (i.actions?.length ?? 0), 0)
      milestones += acted
      if (acted || (week === 3 && gap === 4))
        world.log.action(`archival-sweep (${world.emu.now().slice(0, 10)})`, sweep)
      expect(sweep.exitCode === 0, `archival-sweep failed in week ${week + 1}`)
    }
  }
  const view = world.emu.state.repo(OWNER, REPO)
  const archivedId = view.labels.find((l) => l.name === 'archived')?.id
  const tracking = view.issues.filter(
    (i) => !i.pull && archivedId !== undefined && i.labels.includes(archivedId)
  )
  expect(tracking.length === 1, `expected one archived tracking issue, found ${tracking.length}`)
  report.lines.push(
    `archival: ${milestones} milestone actions (day 7 reminder, day 14 release-notes notice, day 21 \`archived\` label), each once, timed from the label event by wall clock`
  )
}

/**
 * bump-versions reported `done`: the receiver pushes the tag, and the release workflow tests and
 * builds every package (agent-utilities fails its job), then publishes what passed.
 */
async function releaseChapter(world: World, report: Report, expect: Expect): Promise<void> {
  world.log.step('Every package is at 0.8.0rc1: the tag v0.8.0rc1, then the coordinated release')
  world.sync()
  const version = { version: '0.8.0rc1' }
  const tag = await world.run('release', { mode: 'tag', ...version })
  world.log.action('release (mode: tag, run by the bump receiver)', tag)
  expect(tag.outputs.written === 'true', 'release did not push the tag v0.8.0rc1')
  const plan = await world.run('release', { mode: 'plan', ...version })
  world.log.action('release (mode: plan)', plan)
  const included = json<string[]>(plan.outputs.included, [])
  // The release workflow's build jobs, one per package; agent-utilities' tests fail.
  const runId = world.nextRun()
  world.emu.seedRun(OWNER, REPO, {
    id: runId,
    name: 'publish-release',
    jobs: included.map((p) => ({
      name: `release / build (${p}) / build`,
      conclusion: p === 'agent-utilities' ? 'failure' : 'success'
    }))
  })
  const rewrite = await world.run('release', { mode: 'rewrite', ...version })
  world.log.action('release (mode: rewrite)', rewrite)
  world.log.note(
    '(the demo publishes stand-in files; in CI each build job builds the real wheel and sdist)'
  )
  world.writeDist(json<string[]>(plan.outputs.assets, []))
  const publish = {
    mode: 'publish',
    ...version,
    'dist-dir': world.distDir,
    'build-jobs': 'build \\((?<package>[^)]+)\\)'
  }
  const first = await world.run('release', publish, { name: 'push' }, runId)
  world.log.action('release (mode: publish)', first)
  const again = await world.run('release', publish, { name: 'push' }, runId)
  const releases = world.emu.state.repo(OWNER, REPO).releases
  const skipped = json<{ package: string }[]>(first.outputs.stragglers, []).map((s) => s.package)
  expect(
    first.exitCode === 0 && releases.length === 1 && skipped.join() === 'agent-utilities',
    `release published ${releases.length} releases, skipping ${skipped.join(', ') || 'nothing'}`
  )
  expect(again.outputs.written === 'false', 'a second publish run wrote again')
  // The rewrite was for building only: the checkout goes back to the committed files.
  git(world.checkout, 'checkout', '--', '.')
  report.lines.push(
    `release v0.8.0rc1: tag pushed once bump-versions reported done; ${releases[0]?.assets.length ?? 0} assets on one GitHub Release (wheels and sdists with sibling dependencies pointing at the same release, the version-free meta-package wheel); agent-utilities failed its build job and is named under "Skipped"; a re-run wrote nothing`
  )
}
