// npm run bench [-- --sizes 10,100,1000,5000] [--runs N]
// Measures the built bundles as whole processes against the floor measured in the same run, and
// writes BENCHMARKS.md. Not part of the test run: its verdicts are ratios measured on one machine,
// which a test must not assert.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { actionDefaults, inputEnvName } from '@contribs-actions/cli'
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
const SIZES = (arg('sizes') ?? '10,100,1000,5000').split(',').map(Number)
const RUNS = Number(arg('runs') ?? 5)
const FLOOR = path.join(REPO_ROOT, 'bench/floor.mjs')
const tmp = mkdtempSync(path.join(os.tmpdir(), 'contribs-bench-'))

const bundlePath = (action: string) => path.join(REPO_ROOT, 'actions', action, 'dist/index.js')
const hasBundle = (action: string) => existsSync(bundlePath(action))

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
    GITHUB_EVENT_PATH: eventFile
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
    what: 'walk the whole tree, read every `pyproject.toml` and `OWNERS` once'
  },
  all: {
    args: [],
    label: 'read',
    what: 'read every `pyproject.toml` and `OWNERS` once, listing only the top-level folders'
  },
  pyproject: {
    args: ['--pyproject-only'],
    label: 'pyproject',
    what: 'read every `pyproject.toml` once'
  },
  parse: {
    args: ['--parse'],
    label: 'read+parse',
    what: '**read** plus parsing each `pyproject.toml` with smol-toml'
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
  target?: number
}

const CASES: Case[] = [
  {
    action: 'validate-structure',
    inputs: () => ({}),
    // The walk floor: validate-structure must know every package's folders (rules 2, 7, 8, 9),
    // which it learns from git's view of the working tree instead of walking them.
    floor: 'walk',
    alsoFloors: ['all', 'parse'],
    target: 1.25
  },
  {
    action: 'validate-structure',
    label: 'validate-structure (listing: disk)',
    inputs: () => ({ listing: 'disk' }),
    floor: 'walk',
    alsoFloors: ['parse']
  },
  { action: 'read-ci-config', inputs: () => ({ packages: 'all' }), floor: 'all' },
  {
    action: 'discover',
    inputs: (r) => ({ base: r.base, head: r.head }),
    event: (r) => ({
      name: 'pull_request',
      payload: {
        pull_request: {
          number: 1,
          base: { sha: r.base, ref: 'main' },
          head: { sha: r.head, ref: 'change' }
        }
      }
    }),
    floor: 'pyproject',
    target: 1.5
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
    floor: 'all'
  }
]

const lines: string[] = []
const say = (s = '') => {
  lines.push(s)
  console.log(s)
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
say('# Benchmarks')
say()
say(
  `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}.`
)
say(
  `Times are wall-clock milliseconds of whole processes (the built \`dist/index.js\` run as the runner runs it): median (min–max) over ${RUNS} runs (5 at 5,000 packages) after one warm-up. The floors and the actions of one size run in turn, round after round, so load that comes and goes on a shared machine shifts them alike; ratios divide by the floor measured in the same rounds. Regenerate with \`npm run bench\`.`
)
say()
say(
  `Floors (\`bench/floor.mjs\`): ${FLOOR_NAMES.map((f) => `**${FLOORS[f].label}** = ${FLOORS[f].what}`).join('; ')}. **walk** is the least any structural check can do ("walk the tree and read every \`pyproject.toml\` and \`OWNERS\` once"); validate-structure, which must know every package's folders, is judged against it, and its ratio to **read** (no folder listing at all) and **read+parse** (the least a tool can do that says whether every file is valid TOML, rule 4) are given beside it. discover, which needs no folder listing, is judged against **pyproject**.`
)
say()

const label = (c: Case) => c.label ?? c.action
const results: Record<string, Record<number, Timing>> = {}
const floors = Object.fromEntries(FLOOR_NAMES.map((f) => [f, {}])) as Record<
  FloorName,
  Record<number, Timing>
>
say('## Cost against the number of packages')
say()
say(
  `| packages | ${FLOOR_NAMES.map((f) => `floor ${FLOORS[f].label}`).join(' | ')} | ${CASES.map(label).join(' | ')} |`
)
say(`| --- | ${[...FLOOR_NAMES, ...CASES].map(() => '---').join(' | ')} |`)
for (const n of SIZES) {
  const repo = benchRepo(n)
  const runs = n >= 5000 ? Math.max(3, Math.min(RUNS, 5)) : RUNS
  const floorSpec = (f: FloorName): ProcessSpec => ({
    cmd: process.execPath,
    args: [FLOOR, repo.dir, ...FLOORS[f].args]
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
    const spec = { cmd: process.execPath, args: [bundlePath(c.action)], cwd: repo.dir, env }
    try {
      runOnce(spec)
      measured.push({ c, spec })
    } catch (e) {
      cells.set(c, `failed: ${(e as Error).message.split('\n')[0].slice(0, 80)}`)
    }
  }
  // Floors and actions take turns, so a change in machine load shifts them alike.
  const timings = timeProcesses(
    [...FLOOR_NAMES.map(floorSpec), ...measured.map((m) => m.spec)],
    runs
  )
  FLOOR_NAMES.forEach((f, i) => (floors[f][n] = timings[i]))
  measured.forEach(({ c }, i) => {
    const t = timings[FLOOR_NAMES.length + i]
    ;(results[label(c)] ??= {})[n] = t
    const also = (c.alsoFloors ?? [])
      .map((f) => `${ratio(t, floors[f][n])}× ${FLOORS[f].label}`)
      .join(', ')
    cells.set(
      c,
      `${fmt(t)} = **${ratio(t, floors[c.floor][n])}× ${FLOORS[c.floor].label}**${also ? ` (${also})` : ''}`
    )
  })
  say(
    `| ${n}${n === SIZES[SIZES.length - 1] ? ` (${repo.changedFiles} changed files for discover)` : ''} | ${FLOOR_NAMES.map((f) => fmt(floors[f][n])).join(' | ')} | ${CASES.map((c) => cells.get(c)).join(' | ')} |`
  )
}
say()

say('## Targets')
say()
const big = SIZES.filter((n) => n >= 1000)
for (const c of CASES.filter((x) => x.target)) {
  for (const n of big) {
    const t = results[label(c)]?.[n]
    if (!t) continue
    const r = t.median / floors[c.floor][n].median
    const also = (c.alsoFloors ?? [])
      .map((f) => `; ${(t.median / floors[f][n].median).toFixed(2)}× the ${FLOORS[f].label} floor`)
      .join('')
    // The verdict is on the ratio of the medians; the median of the rounds' own ratios is beside
    // it, since load that comes and goes between rounds moves the medians but hits both
    // processes of one round alike: when the two disagree about the target, the machine decided.
    const paired = pairedRatio(t, floors[c.floor][n])
    say(
      `- ${label(c)} at ${n} packages: ${r.toFixed(2)}× the ${FLOORS[c.floor].label} floor (median of the rounds' ratios: ${paired.toFixed(2)}×; target ${c.target}×) — ${r <= c.target! ? 'met' : '**missed**'}${also}`
    )
  }
}
say()
say(
  'Growth (ms per added package between the two largest sizes, and between the two before; linear growth keeps them close):'
)
say()
const sorted = [...SIZES].sort((a, b) => a - b)
for (const action of Object.keys(results)) {
  const pts = sorted.filter((n) => results[action][n])
  if (pts.length < 3) continue
  const slope = (a: number, b: number) =>
    (results[action][b].median - results[action][a].median) / (b - a)
  const [a, b, c] = pts.slice(-3)
  say(
    `- ${action}: ${slope(a, b).toFixed(3)} ms/package (${a}→${b}), ${slope(b, c).toFixed(3)} ms/package (${b}→${c})`
  )
}
say()

say('## Cold start and bundle size')
say()
const tiny = benchRepo(10)
say(
  "Each bundle on a 10-package repo (the GitHub-writing actions with `dry-run` and no token where they allow it, else failing fast on a missing input, which still loads the whole bundle), run in turn with `node -e 0`, round after round, so both see the same machine load. What a bundle costs is the median of the rounds' differences (load that comes and goes between rounds cancels out); the difference of the minimums is shown beside it. On the shared 2-core VM this was written on, the same bundle's median difference moved by up to ±9 ms from one bench run to the next: the host has slower and faster phases, and a bundle's extra work slows down with `node -e 0`'s own. The last column divides each round's difference by that round's `node -e 0` (median over the rounds): a rough guide to a machine of another speed (0.34–0.44× for discover in five runs on this VM), where the milliseconds say whether this one met the target:"
)
say()
say(
  '| bundle | size | octokit inside | time | `node -e 0` | over `node -e 0` (median difference / minimums) | over `node -e 0`, as a share of it |'
)
say('| --- | --- | --- | --- | --- | --- | --- |')
const COLD: Record<string, Record<string, string>> = {
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
// Issue #9: actions that never call GitHub start within this much of `node -e 0`.
const COLD_TARGET_MS = 30
const coldVerdicts: string[] = []
for (const [action, inputs] of Object.entries(COLD)) {
  if (!hasBundle(action)) continue
  const code = readFileSync(bundlePath(action), 'utf8')
  const octokit = /octokit|x-ratelimit-remaining/i.test(code)
  const env = actionEnv(action, tiny.dir, inputs)
  let cell: string
  try {
    const [t, baseline] = timeProcesses(
      [
        {
          cmd: process.execPath,
          args: [bundlePath(action)],
          cwd: tiny.dir,
          env,
          expectExit:
            Object.keys(inputs).includes('token') && inputs.token === '' && !inputs['dry-run']
              ? 1
              : 0
        },
        { cmd: process.execPath, args: ['-e', '0'] }
      ],
      Math.max(RUNS, 31)
    )
    const over = pairedDifference(t, baseline)
    const share = pairedRatio(t, baseline) - 1
    cell = `${fmt(t)} | ${fmt(baseline)} | +${over.toFixed(0)} ms / +${(t.min - baseline.min).toFixed(0)} ms | ${share.toFixed(2)}×`
    if (!octokit)
      coldVerdicts.push(
        `- ${action}: +${over.toFixed(0)} ms over \`node -e 0\` (median of the rounds' differences; target ${COLD_TARGET_MS} ms) — ${over <= COLD_TARGET_MS ? 'met' : '**missed**'}`
      )
  } catch (e) {
    cell = `failed: ${(e as Error).message.split('\n')[0].slice(0, 60)} | | | `
  }
  say(
    `| ${action} | ${(code.length / 1024).toFixed(0)} KiB | ${octokit ? 'yes' : 'no'} | ${cell} |`
  )
}
say()
if (coldVerdicts.length) {
  say('Cold start of the actions that never call GitHub (no octokit inside):')
  say()
  for (const line of coldVerdicts) say(line)
  say()
}

say("## API requests (against the emulator's request log)")
say()
for (const line of await apiCost({ runs: RUNS })) say(line)
say()

writeFileSync(path.join(REPO_ROOT, 'BENCHMARKS.md'), lines.join('\n') + '\n')
rmSync(tmp, { recursive: true, force: true })
console.log('\nwrote BENCHMARKS.md')
