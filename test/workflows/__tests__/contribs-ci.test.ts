// contribs-ci.yml: the matrix GitHub would build from discover's outputs (evaluated with GitHub's
// expression engine), and the gate job branch protection requires (its script run in bash).
import { cleanupTempDirs } from '../../kit/fixtures.js'
import { evaluate, jobRuns } from '../lib/expressions.js'
import { isObj, jobs, loadWorkflows, type Obj } from '../lib/load.js'
import { findStep, runStep } from '../lib/run-step.js'

afterAll(cleanupTempDirs)

const ci = loadWorkflows(['.github/workflows']).find(
  (w) => w.file === '.github/workflows/contribs-ci.yml'
)!
const allJobs = new Map(jobs(ci))
const MATRIX_JOBS = ['package', 'package-shard-1', 'package-shard-2', 'package-shard-3']

const leg = (pkg: string, python = '3.12', timeout = 30) => ({
  package: pkg,
  python,
  timeout,
  skip_ollama: false
})

/** `needs` as the matrix jobs see it, from discover's outputs (strings, as GitHub keeps them). */
function needsFrom(out: { any: boolean; include: unknown[]; shards: unknown[][] }) {
  return {
    needs: {
      discover: {
        result: 'success',
        outputs: {
          any: String(out.any),
          include: JSON.stringify(out.include),
          shards: JSON.stringify(out.shards),
          'template-smoke': 'false',
          reason: 'test'
        }
      },
      validate: { result: 'success', outputs: {} }
    },
    inputs: {}
  }
}

/** Which matrix jobs run, and with which legs. */
function plan(ctx: object): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const id of MATRIX_JOBS) {
    const job = allJobs.get(id)!
    if (!jobRuns(job.if, ctx)) continue
    const matrix = ((job.strategy as Obj).matrix as Obj).include as string
    out[id] = evaluate(matrix, ctx)
  }
  return out
}

describe('the package matrix, as GitHub evaluates it from discover', () => {
  test('legs that fit one matrix run in the `package` job; the shard jobs stay skipped', () => {
    const include = [leg('_integration_core'), leg('dspy', '3.11', 90), leg('dspy', '3.12', 90)]
    expect(plan(needsFrom({ any: true, include, shards: [include] }))).toEqual({
      package: include
    })
  })

  test('sharded legs run one shard per job, in order', () => {
    const shards = [[leg('a')], [leg('b')], [leg('c'), leg('d')]]
    // discover leaves `include` empty when it shards.
    expect(plan(needsFrom({ any: true, include: [], shards }))).toEqual({
      package: shards[0],
      'package-shard-1': shards[1],
      'package-shard-2': shards[2]
    })
  })

  test('nothing to run: no matrix job starts (an empty matrix would be an error)', () => {
    expect(plan(needsFrom({ any: false, include: [], shards: [] }))).toEqual({})
  })

  test('every matrix job passes package-ci the same inputs, with the leg timeout', () => {
    const withs = MATRIX_JOBS.map((id) => allJobs.get(id)!.with)
    for (const w of withs) expect(w).toEqual(withs[0])
    expect(withs[0]).toMatchObject({
      package: '${{ matrix.package }}',
      python: '${{ matrix.python }}',
      'timeout-minutes': '${{ matrix.timeout }}'
    })
    for (const id of MATRIX_JOBS) {
      const job = allJobs.get(id)!
      expect(job.uses).toBe('./.github/workflows/package-ci.yml')
      expect(job.needs).toEqual(['discover', 'validate'])
      expect((job.strategy as Obj)['fail-fast']).toBe(false)
    }
  })

  test('template smoke runs only when discover says the template changed', () => {
    const job = allJobs.get('template-smoke')!
    const ctx = (v: string) => ({
      needs: { discover: { result: 'success', outputs: { 'template-smoke': v } } }
    })
    expect(jobRuns(job.if, ctx('true'))).toBe(true)
    expect(jobRuns(job.if, ctx('false'))).toBe(false)
  })
})

describe('contribs-ci-gate, the one required check', () => {
  const gate = allJobs.get('contribs-ci-gate')!

  test('has a stable name, needs every other job, always runs and asks for no permissions', () => {
    expect(gate.name).toBe('contribs-ci-gate')
    expect([...(gate.needs as string[])].sort()).toEqual(
      [...allJobs.keys()].filter((id) => id !== 'contribs-ci-gate').sort()
    )
    expect(gate.permissions).toEqual({})
    // It runs whatever happened before it: success, a failed or a cancelled job.
    for (const status of ['success', 'failure', 'cancelled'] as const)
      expect(jobRuns(gate.if, {}, status)).toBe(true)
    expect(isObj(gate.strategy)).toBe(false)
  })

  const step = findStep(ci, 'contribs-ci-gate', 'Fail when a needed job failed or was cancelled')
  const results = (over: Record<string, string>) =>
    Object.fromEntries(
      (gate.needs as string[]).map((id) => [id, { result: over[id] ?? 'success', outputs: {} }])
    )
  const runGate = (needs: object, shards = '[]') =>
    runStep(step, {
      env: {
        NEEDS: JSON.stringify(needs),
        SHARDS: shards,
        REASON: 'changed: dspy',
        MAX_SHARDS: '4'
      }
    })

  test('green when every needed job succeeded', () => {
    const r = runGate(results({}))
    expect(r.status).toBe(0)
    expect(r.summary).toContain('| package | success |')
  })

  test('green when the matrix was skipped (docs-only change) and the template untouched', () => {
    const r = runGate(
      results({
        package: 'skipped',
        'package-shard-1': 'skipped',
        'package-shard-2': 'skipped',
        'package-shard-3': 'skipped',
        'template-smoke': 'skipped'
      })
    )
    expect(r.status).toBe(0)
    expect(r.errors).toEqual([])
  })

  test('red when a leg failed, naming the job', () => {
    const r = runGate(results({ package: 'failure', 'package-shard-1': 'skipped' }))
    expect(r.status).toBe(1)
    expect(r.errors).toEqual(['::error::contribs-ci-gate: job package: failure'])
  })

  test('red when a job was cancelled', () => {
    const r = runGate(results({ 'template-smoke': 'cancelled' }))
    expect(r.status).toBe(1)
    expect(r.errors).toEqual(['::error::contribs-ci-gate: job template-smoke: cancelled'])
  })

  test('red when discover or validate-structure failed and everything after was skipped', () => {
    const skipped = {
      package: 'skipped',
      'package-shard-1': 'skipped',
      'package-shard-2': 'skipped',
      'package-shard-3': 'skipped',
      'template-smoke': 'skipped'
    }
    expect(runGate(results({ ...skipped, discover: 'failure' })).status).toBe(1)
    const r = runGate(results({ ...skipped, validate: 'failure' }))
    expect(r.status).toBe(1)
    expect(r.errors).toEqual(['::error::contribs-ci-gate: job validate: failure'])
  })

  test('red when discover made more shards than the workflow runs (legs would go untested)', () => {
    const five = JSON.stringify([[leg('a')], [leg('b')], [leg('c')], [leg('d')], [leg('e')]])
    const r = runGate(results({}), five)
    expect(r.status).toBe(1)
    expect(r.errors[0]).toContain('discover made 5 shards, this workflow runs 4')
  })
})
