// npm run bench [-- --sizes 10,100,1000,5000] [--layouts top-level,nested] [--runs N] [--runs-largest N]
//                  [--only discover,validate-structure] [--parts costs,cold,api] [--out FILE]
//                  [--baseline DIR]
// Measures the built bundles as whole processes against the floors measured in the same rounds,
// and writes BENCHMARKS.md (or --out). Not part of the test run: its verdicts are ratios measured
// on one machine, which a test must not assert. --baseline DIR also measures DIR/<action>/index.js
// (another build's `dist/`, say without a speed-only path) in the same rounds, as rows or columns
// of their own: whether a speed-only path pays is a question for the bench, not for a guess.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { actionDefaults, inputEnvName } from '@contribs-actions/cli'
import type { PackageLayout } from '../test/kit/generate-repo.js'
import { apiCost } from './lib/api-cost.js'
import {
  fmt,
  pairedDifference,
  pairedRatio,
  ProcessSpec,
  ratio,
  runOnce,
  Timing,
  timeProcesses
} from './lib/measure.js'
import { benchRepo, BenchRepo, REPO_ROOT } from './lib/repos.js'

const argv = process.argv.slice(2)
const arg = (name: string) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? argv[i + 1] : undefined
}
const list = (name: string, fallback: string) => (arg(name) ?? fallback).split(',')
const SIZES = list('sizes', '10,100,1000,5000').map(Number)
const LAYOUTS = list('layouts', 'top-level,nested') as PackageLayout[]
// Eleven rounds at every size, 5,000 packages included (a round there takes seconds): with
// fewer, one slow spell of a shared machine moved a median by more than the gap to a target.
const RUNS = Number(arg('runs') ?? 11)
/** Rounds at 5,000 packages (fewer with --runs-largest, for a quick look). */
const RUNS_LARGEST = Number(arg('runs-largest') ?? RUNS)
const ONLY = arg('only')?.split(',')
const PARTS = list('parts', 'costs,cold,api')
const OUT = path.resolve(arg('out') ?? path.join(REPO_ROOT, 'BENCHMARKS.md'))
/** Every target is a ratio to a floor measured in the same rounds. */
const TARGET = 1.5
const FLOOR = path.join(REPO_ROOT, 'bench/floor.mjs')
const tmp = mkdtempSync(path.join(os.tmpdir(), 'contribs-bench-'))

const BASELINE = arg('baseline')
const bundlePath = (action: string) => path.join(REPO_ROOT, 'actions', action, 'dist/index.js')
const hasBundle = (action: string) => existsSync(bundlePath(action))
/** The baseline build of an action, when --baseline has one. */
const baselineOf = (action: string) => {
  const file = BASELINE && path.resolve(BASELINE, action, 'index.js')
  return file && existsSync(file) ? file : undefined
}
const wanted = (action: string) => !ONLY || ONLY.includes(action)

/** The environment the runner gives a step: INPUT_* (with action.yml defaults) and the files. */
function actionEnv(
  action: string,
  workspace: string,
  inputs: Record<string, string>,
  event = { name: 'workflow_dispatch', payload: {} as unknown }
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env))
    if (!/^(GITHUB_|INPUT_|RUNNER_)/.test(k)) env[k] = v
  const out = path.join(tmp, `${action}.out`)
  const eventFile = path.join(tmp, `${action}.event.json`)
  writeFileSync(out, '')
  writeFileSync(eventFile, JSON.stringify(event.payload))
  Object.assign(env, {
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: out,
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: eventFile,
    RUNNER_TEMP: tmp
  })
  const all = {
    ...actionDefaults(path.join(REPO_ROOT, 'actions', action, 'action.yml')),
    ...inputs
  }
  for (const [k, v] of Object.entries(all)) env[inputEnvName(k)] = v
  return env
}

/** The floors, each a `bench/floor.mjs` run (see its header). */
const FLOORS = {
  walk: {
    args: ['--walk'],
    label: 'walk',
    what: 'walk the whole tree, reading every `pyproject.toml` and `OWNERS` met'
  },
  read: {
    args: [],
    label: 'read',
    what: "read the root's `pyproject.toml`, then every package's `pyproject.toml` and `OWNERS` once, listing only the folders that lead to the packages"
  },
  parse: {
    args: ['--parse'],
    label: 'read+parse',
    what: "read every `pyproject.toml` (the root's, where the settings and the meta-package's extras are, and every package's) and parse it with smol-toml"
  },
  keep: {
    args: ['--parse', '--keep'],
    label: 'read+parse+keep',
    what: 'read+parse, keeping every parsed document to the end of the run'
  }
} as const
type FloorName = keyof typeof FLOORS
const FLOOR_NAMES = Object.keys(FLOORS) as FloorName[]

interface Case {
  action: string
  /** The column name when one action is measured twice. */
  label?: string
  inputs: (r: BenchRepo) => Record<string, string>
  event?: (r: BenchRepo) => { name: string; payload: unknown }
  /** Which floor it is judged against. */
  floor: FloorName
  /** Other floors to report the ratio to, when the first is not the whole story. */
  alsoFloors?: FloorName[]
  /** Whether it has a target (TARGET × its floor) at 1,000 packages and more. */
  target?: boolean
  /** Another build of the action (see --baseline); the built `dist/index.js` by default. */
  bundle?: string
}

const label = (c: Case) => c.label ?? c.action

const ALL_CASES: Case[] = [
  {
    action: 'validate-structure',
    inputs: () => ({}),
    // The walk floor: validate-structure must know every package's folders, which it learns
    // from git's view of the working tree instead of walking them.
    floor: 'walk',
    alsoFloors: ['read', 'parse'],
    target: true
  },
  {
    action: 'validate-structure',
    label: 'validate-structure (listing: disk)',
    inputs: () => ({ listing: 'disk' }),
    floor: 'walk',
    alsoFloors: ['parse']
  },
  { action: 'read-ci-config', inputs: () => ({ packages: 'all' }), floor: 'read' },
  {
    action: 'discover',
    inputs: (r) => ({ base: r.base, head: r.head }),
    event: (repo) => ({
      name: 'pull_request',
      payload: {
        pull_request: {
          number: 1,
          base: { sha: repo.base, ref: 'main' },
          head: { sha: repo.head, ref: 'change' }
        }
      }
    }),
    floor: 'parse',
    // Discover keeps every package's dependencies and CI table to build the graph and the legs:
    // the ratio to a floor that keeps what it parsed shows what the rest of its work costs.
    alsoFloors: ['keep'],
    target: true
  },
  {
    action: 'bump-versions',
    inputs: () => ({
      version: '9.9.9',
      'dry-run': 'true',
      token: '',
      'actions-token': '',
      'lock-command': ''
    }),
    floor: 'read'
  }
]
const CASES = ALL_CASES.filter((c) => wanted(c.action)).flatMap((c) => {
  const bundle = baselineOf(c.action)
  return bundle ? [c, { ...c, label: `${label(c)} (baseline)`, bundle, target: false }] : [c]
})

const lines: string[] = []
const say = (s = '') => {
  lines.push(s)
  console.log(s)
}
/** The timings of one layout: each case's and each floor's, by number of packages. */
interface LayoutResults {
  cases: Record<string, Record<number, Timing>>
  floors: Record<FloorName, Record<number, Timing>>
}

function header(): void {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  say('# Benchmarks')
  say()
  say(
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}.`
  )
  say(
    `Times are wall-clock milliseconds of whole processes (the built \`dist/index.js\` run as the runner runs it): median (min–max) over ${RUNS} rounds (${RUNS_LARGEST} at 5,000 packages) after one warm-up, in generated repositories committed and packed as a runner's fetched checkout is. The floors and the actions of one size run in turn, round after round, so load that comes and goes on a shared machine shifts them alike; ratios divide by the floor measured in the same rounds. Every target is a ratio (at most ${TARGET}×): on a shared VM the milliseconds move more between runs than the work being judged. Regenerate with \`npm run bench\`.`
  )
  say()
  say(
    `Floors (\`bench/floor.mjs\`): ${FLOOR_NAMES.map((f) => `**${FLOORS[f].label}** = ${FLOORS[f].what}`).join('; ')}. **walk** is the least any structural check can do; validate-structure, which must know every package's folders, is judged against it. **read+parse** is the least a tool that reads TOML correctly can do; discover is judged against it. **read+parse+keep** is the least a tool can do that uses what it parsed once every package is read, as discover's dependency graph does: the documents survive garbage collections, which copy them. The floors find the packages as the actions do: the top-level folders, or in the nested layout the folders the root's uv workspace members match (\`_integration_core\`, \`integrations/*\`, \`python/instrumentation/*\`, \`exporters/*\`), one glob segment at a time.`
  )
  say()
}

/** Measures every case and floor on one repository, in turn, and returns the table row. */
function measureSize(packages: number, layout: PackageLayout, into: LayoutResults): string {
  const repo = benchRepo(packages, layout)
  const runs = packages >= 5000 ? RUNS_LARGEST : RUNS
  const globs = repo.globs ? ['--globs', repo.globs.join(',')] : []
  const floorSpec = (floorName: FloorName): ProcessSpec => ({
    cmd: process.execPath,
    args: [FLOOR, repo.dir, ...FLOORS[floorName].args, ...globs]
  })
  // One trial run each first: a case that fails gets its error in the table, not the whole row.
  const cells = new Map<Case, string>()
  const measured: { c: Case; spec: ProcessSpec }[] = []
  for (const c of CASES) {
    if (!hasBundle(c.action)) {
      cells.set(c, 'not built')
      continue
    }
    const env = actionEnv(c.action, repo.dir, c.inputs(repo), c.event?.(repo))
    const bundle = c.bundle ?? bundlePath(c.action)
    const spec = { cmd: process.execPath, args: [bundle], cwd: repo.dir, env }
    try {
      runOnce(spec)
      measured.push({ c, spec })
    } catch (e) {
      cells.set(c, `failed: ${(e as Error).message.split('\n')[0].slice(0, 80)}`)
    }
  }
  const timings = timeProcesses(
    [...FLOOR_NAMES.map(floorSpec), ...measured.map((m) => m.spec)],
    runs
  )
  FLOOR_NAMES.forEach((f, i) => (into.floors[f][packages] = timings[i]))
  measured.forEach(({ c }, i) => {
    const t = timings[FLOOR_NAMES.length + i]
    ;(into.cases[label(c)] ??= {})[packages] = t
    const floorOf = (f: FloorName) => into.floors[f][packages]
    const also = (c.alsoFloors ?? [])
      .map((f) => `${ratio(t, floorOf(f))}× ${FLOORS[f].label}`)
      .join(', ')
    cells.set(
      c,
      `${fmt(t)} = **${ratio(t, floorOf(c.floor))}× ${FLOORS[c.floor].label}**${also ? ` (${also})` : ''}`
    )
  })
  const discoverNote =
    packages === SIZES[SIZES.length - 1] ? ` (${repo.changedFiles} changed files for discover)` : ''
  return `| ${packages}${discoverNote} | ${FLOOR_NAMES.map((f) => fmt(into.floors[f][packages])).join(' | ')} | ${CASES.map((c) => cells.get(c)).join(' | ')} |`
}

function costTable(layout: PackageLayout): LayoutResults {
  const results: LayoutResults = {
    cases: {},
    floors: Object.fromEntries(FLOOR_NAMES.map((f) => [f, {}])) as LayoutResults['floors']
  }
  say(`### ${layout === 'nested' ? 'Nested layout' : 'Top-level layout'}`)
  say()
  say(
    layout === 'nested'
      ? 'The core package at the root and the rest in `integrations/`, `python/instrumentation/` and `exporters/`, declared as a uv workspace (`[tool.uv.workspace].members`), which every action follows with zero configuration.'
      : 'Every package a top-level folder, as in mellea-contribs.'
  )
  say()
  say(
    `| packages | ${FLOOR_NAMES.map((f) => `floor ${FLOORS[f].label}`).join(' | ')} | ${CASES.map(label).join(' | ')} |`
  )
  say(`| --- | ${[...FLOOR_NAMES, ...CASES].map(() => '---').join(' | ')} |`)
  for (const n of SIZES) say(measureSize(n, layout, results))
  say()
  return results
}

/** One line per target case, layout and size of 1,000 and more: the ratio, and met or missed. */
function targetLines(byLayout: Map<PackageLayout, LayoutResults>): void {
  const out: string[] = []
  for (const c of CASES.filter((x) => x.target))
    for (const [layout, results] of byLayout)
      for (const n of SIZES.filter((x) => x >= 1000)) {
        const t = results.cases[label(c)]?.[n]
        if (!t) continue
        const floor = results.floors[c.floor][n]
        const r = t.median / floor.median
        // The verdict is on the ratio of the medians; the median of the rounds' own ratios is
        // beside it, since load that comes and goes between rounds moves the medians but hits
        // both processes of one round alike: when the two disagree about the target, the
        // machine decided.
        const paired = pairedRatio(t, floor)
        out.push(
          `- ${label(c)} at ${n} packages, ${layout}: ${r.toFixed(2)}× the ${FLOORS[c.floor].label} floor (median of the rounds' ratios: ${paired.toFixed(2)}×; target ${TARGET}×) — ${verdict(r)}`
        )
      }
  if (out.length === 0) return
  say('## Targets')
  say()
  out.forEach((line) => say(line))
  say()
}

function growthLines(byLayout: Map<PackageLayout, LayoutResults>): void {
  const out: string[] = []
  const sorted = [...SIZES].sort((a, b) => a - b)
  for (const [layout, { cases }] of byLayout)
    for (const action of Object.keys(cases)) {
      const pts = sorted.filter((n) => cases[action][n])
      if (pts.length < 3) continue
      const slope = (a: number, b: number) =>
        (cases[action][b].median - cases[action][a].median) / (b - a)
      const [a, b, c] = pts.slice(-3)
      out.push(
        `- ${action}, ${layout}: ${slope(a, b).toFixed(3)} ms/package (${a}→${b}), ${slope(b, c).toFixed(3)} ms/package (${b}→${c})`
      )
    }
  if (out.length === 0) return
  say(
    'Growth (ms per added package between the two largest sizes, and between the two before; linear growth keeps them close):'
  )
  say()
  out.forEach((line) => say(line))
  say()
}

const COLD_ROUNDS = Math.max(RUNS, 31)

/** What each action is given for its cold start on the small repository. */
function coldInputs(tiny: BenchRepo): Record<string, Record<string, string>> {
  return {
    discover: { base: tiny.base, head: tiny.head },
    'validate-structure': {},
    'read-ci-config': { packages: 'all' },
    'bump-versions': {
      version: '9.9.9',
      'dry-run': 'true',
      token: '',
      'actions-token': '',
      'lock-command': ''
    },
    'smoke-reporter': { token: '' },
    'archival-sweep': { token: '' }
  }
}

const signed = (ms: number) => `${ms < 0 ? '−' : '+'}${Math.abs(ms).toFixed(0)}`

const verdict = (r: number) =>
  r <= TARGET ? 'met' : `**missed** by ${((r / TARGET - 1) * 100).toFixed(0)}%`

/**
 * One action's rows (its baseline's too, timed in the same rounds) and, for a bundle that never
 * calls GitHub, its target line.
 */
function coldRows(
  action: string,
  inputs: Record<string, string>,
  tiny: BenchRepo
): { rows: string[]; verdict?: string } {
  const bundles = [bundlePath(action), baselineOf(action)].filter((b): b is string => !!b)
  const spec = (bundle: string): ProcessSpec => ({
    cmd: process.execPath,
    args: [bundle],
    cwd: tiny.dir,
    env: actionEnv(action, tiny.dir, inputs),
    expectExit: inputs.token === '' && !inputs['dry-run'] ? 1 : 0
  })
  const nodeOnly = { cmd: process.execPath, args: ['-e', '0'] }
  let timings: Timing[]
  try {
    timings = timeProcesses([...bundles.map(spec), nodeOnly], COLD_ROUNDS)
  } catch (e) {
    const why = (e as Error).message.split('\n')[0].slice(0, 60)
    return { rows: [`| ${action} | | | failed: ${why} | | | |`] }
  }
  const baseline = timings[bundles.length]
  const rows = bundles.map((bundle, i) => {
    const code = readFileSync(bundle, 'utf8')
    const octokit = hasOctokit(code) ? 'yes' : 'no'
    const t = timings[i]
    const name = i === 0 ? action : `${action} (baseline)`
    // A baseline row also says how much longer the build takes than it, round by round.
    const versus = i === 0 ? '' : `; the build ${signed(pairedDifference(timings[0], t))} ms`
    return `| ${name} | ${(code.length / 1024).toFixed(0)} KiB | ${octokit} | ${fmt(t)} | ${fmt(baseline)} | ${ratio(t, baseline)}× / ${pairedRatio(t, baseline).toFixed(2)}× | ${signed(pairedDifference(t, baseline))} ms${versus} |`
  })
  if (hasOctokit(readFileSync(bundles[0], 'utf8'))) return { rows }
  const r = timings[0].median / baseline.median
  const paired = pairedRatio(timings[0], baseline)
  return {
    rows,
    verdict: `- ${action}: ${r.toFixed(2)}× \`node -e 0\` (median of the rounds' ratios: ${paired.toFixed(2)}×; target ${TARGET}×) — ${verdict(r)}`
  }
}

/**
 * Whether a bundle carries a GitHub client. The read-only bundles share the wording of API
 * errors (which names GitHub's rate-limit headers) but never the client itself.
 */
const hasOctokit = (code: string): boolean => /octokit/i.test(code)

/** The bundles on a 10-package repository against `node -e 0`, and the read-only ones' verdicts. */
function coldStart(): void {
  const tiny = benchRepo(10)
  say('## Cold start and bundle size')
  say()
  say(
    `Each bundle on a 10-package repository (the GitHub-writing actions with \`dry-run\` and no token where they allow it, else failing fast on a missing input, which still loads the whole bundle), run in turn with \`node -e 0\`, ${COLD_ROUNDS} rounds after one warm-up, so both see the same machine load. The ratio divides the bundle's median by \`node -e 0\`'s; the median of the rounds' own ratios and of their differences are beside it (load that comes and goes between rounds cancels out of those).`
  )
  say()
  say(
    "| bundle | size | octokit inside | time | `node -e 0` | ratio (of medians / median of the rounds' ratios) | over `node -e 0` (median of the differences) |"
  )
  say('| --- | --- | --- | --- | --- | --- | --- |')
  const verdicts: string[] = []
  for (const [action, inputs] of Object.entries(coldInputs(tiny))) {
    if (!hasBundle(action) || !wanted(action)) continue
    const { rows, verdict } = coldRows(action, inputs, tiny)
    rows.forEach((row) => say(row))
    if (verdict) verdicts.push(verdict)
  }
  say()
  if (verdicts.length) {
    say('Cold start of the actions that never call GitHub (no octokit inside):')
    say()
    for (const line of verdicts) say(line)
    say()
  }
}

header()
if (PARTS.includes('costs')) {
  say('## Cost against the number of packages')
  say()
  const byLayout = new Map(LAYOUTS.map((layout) => [layout, costTable(layout)]))
  targetLines(byLayout)
  growthLines(byLayout)
}
if (PARTS.includes('cold')) coldStart()
if (PARTS.includes('api')) {
  say("## API requests (against the emulator's request log)")
  say()
  for (const line of await apiCost({ runs: RUNS })) say(line)
  say()
}

writeFileSync(OUT, lines.join('\n') + '\n')
rmSync(tmp, { recursive: true, force: true })
console.log(`\nwrote ${path.relative(process.cwd(), OUT)}`)
