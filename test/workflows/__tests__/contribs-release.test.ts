// contribs-release.yml and release-package.yml: which tier jobs GitHub starts for a plan (with
// its expression engine), that a failed tier does not stop the next one or the publish job, that
// the publish step's `build-jobs` pattern reads back the job names these workflows give, and the
// shell of the tier check and of the build step, run in bash.
import { mapJobs } from '@contribs-actions/shared'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { cleanupTempDirs, tempDir } from '../../kit/fixtures.js'
import { evaluate, jobRuns } from '../lib/expressions.js'
import { isObj, jobs, loadWorkflows, steps, type Obj } from '../lib/load.js'
import { findStep, runStep } from '../lib/run-step.js'

afterAll(cleanupTempDirs)

const wfs = new Map(loadWorkflows(['.github/workflows']).map((w) => [w.file, w]))
const release = wfs.get('.github/workflows/contribs-release.yml')!
const releasePackage = wfs.get('.github/workflows/release-package.yml')!
const allJobs = new Map(jobs(release))
const TIERS = ['tier-1', 'tier-2', 'tier-3', 'tier-4']

/** The context the tier jobs see: the plan's outputs (strings) and how the jobs before ended. */
function ctx(tiers: string[][], results: Record<string, string> = {}) {
  const needs: Record<string, unknown> = {
    plan: { result: 'success', outputs: { tiers: JSON.stringify(tiers), version: '0.6.0' } }
  }
  for (const t of TIERS) needs[t] = { result: results[t] ?? 'success', outputs: {} }
  return { needs, inputs: {} }
}

/** Which tier jobs run, with their package lists, when a job of tier `failed` (1-based) failed. */
function started(tiers: string[][], failed = 0) {
  const out: Record<string, unknown> = {}
  for (const [i, id] of TIERS.entries()) {
    const job = allJobs.get(id)!
    // success() is false for every job after a failed one.
    const status = failed > 0 && i + 1 > failed ? 'failure' : 'success'
    if (!jobRuns(job.if, ctx(tiers), status)) continue
    out[id] = evaluate(((job.strategy as Obj).matrix as Obj).package as string, ctx(tiers))
  }
  return out
}

describe('tiers, as GitHub evaluates them from the plan', () => {
  test('one job per package, a tier per dependency level, the unused tiers skipped', () => {
    expect(started([['_integration_core', 'citations'], ['dspy']])).toEqual({
      'tier-1': ['_integration_core', 'citations'],
      'tier-2': ['dspy']
    })
  })

  test('a failed package in a tier does not stop the next tier, nor the publish job', () => {
    expect(started([['a'], ['b'], ['c']], 1)).toEqual({
      'tier-1': ['a'],
      'tier-2': ['b'],
      'tier-3': ['c']
    })
    expect(
      jobRuns(allJobs.get('publish')!.if, ctx([['a']], { 'tier-1': 'failure' }), 'failure')
    ).toBe(true)
  })

  test('nothing publishes when the plan failed', () => {
    const failed = { needs: { plan: { result: 'failure', outputs: {} } }, inputs: {} }
    expect(jobRuns(allJobs.get('publish')!.if, failed, 'failure')).toBe(false)
  })

  test('each tier waits for the one before', () => {
    expect(TIERS.map((t) => allJobs.get(t)!.needs)).toEqual([
      'plan',
      ['plan', 'tier-1'],
      ['plan', 'tier-2'],
      ['plan', 'tier-3']
    ])
  })
})

describe("the publish step reads back the build jobs' results", () => {
  const publish = steps(allJobs.get('publish')!).find((s) => s.id === 'publish')!
  const pattern = new RegExp(String((publish.with as Obj)['build-jobs']))

  test('from the names GitHub gives the called jobs, nested packages included', () => {
    const jobs = [
      { name: 'release / plan', status: 'completed', conclusion: 'success' },
      { name: 'release / build (dspy) / build', status: 'completed', conclusion: 'success' },
      {
        name: 'release / build (python/instrumentation/x) / build',
        status: 'completed',
        conclusion: 'failure'
      },
      { name: 'release / publish', status: 'in_progress', conclusion: null }
    ]
    const known = new Set(['dspy', 'python/instrumentation/x'])
    expect(mapJobs(jobs, pattern, known).signals.map((s) => [s.package, s.signal])).toEqual([
      ['dspy', 'green'],
      ['python/instrumentation/x', 'red']
    ])
  })

  test('the extras are pinned with the same reading of the build jobs as the publish', () => {
    const withs = steps(allJobs.get('publish')!)
      .filter((s) => String(s.uses).includes('/actions/release@'))
      .map((s) => s.with as Obj)
    expect(withs.map((w) => w.mode)).toEqual(['rewrite', 'publish'])
    expect(withs[0]['build-jobs']).toBe(withs[1]['build-jobs'])
  })

  test('the tier job names are the ones the pattern reads', () => {
    for (const t of TIERS) expect(allJobs.get(t)!.name).toBe('build (${{ matrix.package }})')
    const build = jobs(releasePackage).find(([id]) => id === 'build')![1]
    expect(build.name).toBe('build')
  })
})

describe('the shell', () => {
  const tiers = findStep(release, 'plan', 'tiers')

  test('more tiers than the workflow builds stop the plan with one error', () => {
    const five = runStep(tiers, {
      env: { TIERS: '[["a"],["b"],["c"],["d"],["e"]]', MAX_TIERS: '4' }
    })
    expect(five.status).toBe(1)
    expect(five.errors).toEqual([
      '::error::the packages form 5 dependency tiers, this workflow builds 4; flatten the sibling dependencies or build the rest by hand'
    ])
    const two = runStep(tiers, { env: { TIERS: '[["a"],["b"]]', MAX_TIERS: '4' } })
    expect(two.status).toBe(0)
  })

  const build = findStep(releasePackage, 'build', 'build')

  test("the build step names a nested package's artifact with __ and lists what was built", () => {
    const r = runStep(build, {
      cwd: tempDir(),
      env: {
        PACKAGE: 'python/instrumentation/x',
        BUILD_COMMAND: 'touch "$DIST/x-1.0-py3-none-any.whl" "$DIST/x-1.0.tar.gz"'
      }
    })
    expect(r.status).toBe(0)
    expect(r.outputs.artifact).toBe('release-dist-python__instrumentation__x')
    expect(existsSync(path.join(r.outputs.dist, 'x-1.0.tar.gz'))).toBe(true)
    expect(r.summary).toBe('built x-1.0-py3-none-any.whl\nbuilt x-1.0.tar.gz\n')
  })

  test('a build command that leaves nothing fails the step', () => {
    const r = runStep(build, { cwd: tempDir(), env: { PACKAGE: 'dspy', BUILD_COMMAND: 'true' } })
    expect(r.status).toBe(1)
    expect(r.errors).toEqual(['::error::the build command left no wheel or sdist in $DIST'])
  })

  test('the package job is read-only and works in the package folder', () => {
    const job = jobs(releasePackage).find(([id]) => id === 'build')![1]
    expect(job.permissions).toEqual({ contents: 'read' })
    expect(isObj(job.defaults) && job.defaults.run).toEqual({
      'working-directory': '${{ inputs.path }}/${{ inputs.package }}'
    })
  })
})

describe('the bump receiver pushes the release tag when every package is bumped', () => {
  const receive = wfs.get('.github/workflows/receive-release.yml')!
  const bump = jobs(receive).find(([id]) => id === 'bump')![1]
  const tagStep = steps(bump).find((s) => s.name === 'Push the release tag')!
  const runs = (done: string, inputs: { tag: boolean; 'dry-run': boolean }, own = false) =>
    jobRuns(tagStep.if, {
      inputs,
      steps: {
        'bump-default-lock': { outputs: own ? {} : { done } },
        'bump-own-lock': { outputs: own ? { done } : {} }
      }
    })

  test('after the last tier, from either bump step; not before, not in a dry run, not when off', () => {
    const on = { tag: true, 'dry-run': false }
    expect(runs('true', on)).toBe(true)
    expect(runs('true', on, true)).toBe(true)
    expect(runs('false', on)).toBe(false)
    expect(runs('true', { tag: true, 'dry-run': true })).toBe(false)
    expect(runs('true', { tag: false, 'dry-run': false })).toBe(false)
  })

  test('it runs the release action in tag mode with the bump token and version', () => {
    expect(tagStep.uses).toBe('generative-computing/contribs-actions/actions/release@v1')
    expect(tagStep.with).toMatchObject({
      mode: 'tag',
      token: '${{ steps.app.outputs.token || secrets.token || github.token }}',
      version:
        '${{ steps.bump-default-lock.outputs.version || steps.bump-own-lock.outputs.version }}'
    })
  })
})
