// Which jobs and steps run for which event, evaluated with GitHub's expression engine: the
// release entry points (dispatch, manual run, merged bump PR), the lock-command choice, and the
// smoke report that must run after red legs but not after a failed plan.
import { evaluate, jobRuns } from '../lib/expressions.js'
import { jobs, loadWorkflows, steps, type Obj } from '../lib/load.js'

const wfs = new Map(loadWorkflows().map((w) => [w.file, w]))
const job = (file: string, id: string) => new Map(jobs(wfs.get(file)!)).get(id)!

const pr = (over: Obj) => ({
  github: {
    event_name: 'pull_request',
    repository: 'org/contribs',
    event: {
      pull_request: {
        merged: true,
        head: { repo: { full_name: 'org/contribs' } },
        labels: [{ name: 'sync-mellea-version:0.7.0rc1' }],
        ...over
      }
    }
  }
})
const dispatch = {
  github: { event_name: 'repository_dispatch', repository: 'org/contribs', event: {} }
}

describe('release: which events start a bump', () => {
  const caller = job('examples/consumer-workflows/release.yml', 'bump')
  const bump = job('.github/workflows/receive-release.yml', 'bump')
  const runs = (ctx: object) => jobRuns(caller.if, ctx) && jobRuns(bump.if, ctx)

  test('an upstream dispatch and a manual run bump', () => {
    expect(runs(dispatch)).toBe(true)
    expect(runs({ github: { ...dispatch.github, event_name: 'workflow_dispatch' } })).toBe(true)
  })

  test('a merged bump pull request opens what waited for it', () => {
    expect(runs(pr({}))).toBe(true)
  })

  test('a push to main runs it, to rebuild the bump branches it left behind', () => {
    expect(runs({ github: { ...dispatch.github, event_name: 'push' } })).toBe(true)
  })

  test('closed without merging, an unrelated pull request, or one from a fork: nothing runs', () => {
    expect(runs(pr({ merged: false }))).toBe(false)
    expect(runs(pr({ labels: [{ name: 'documentation' }] }))).toBe(false)
    expect(runs(pr({ head: { repo: { full_name: 'someone/fork' } } }))).toBe(false)
  })

  test('the reusable workflow guards on its own, whatever the caller filters', () => {
    expect(jobRuns(bump.if, pr({ merged: false }))).toBe(false)
    expect(jobRuns(bump.if, pr({ head: { repo: { full_name: 'someone/fork' } } }))).toBe(false)
  })
})

describe('release: the lock refresh bump-versions is given', () => {
  const bumpSteps = steps(job('.github/workflows/receive-release.yml', 'bump'))
  const byId = (id: string) => bumpSteps.find((s) => s.id === id)!

  /** The bump step that runs, and the lock-command it passes (undefined: left to the action). */
  function chosen(lock: boolean, command: string) {
    const ctx = { inputs: { lock, 'lock-command': command } }
    const ran = ['bump-default-lock', 'bump-own-lock'].filter((id) => jobRuns(byId(id).if, ctx))
    expect(ran).toHaveLength(1)
    const w = byId(ran[0]).with as Obj
    return {
      step: ran[0],
      lockCommand: 'lock-command' in w ? evaluate(String(w['lock-command']), ctx) : undefined
    }
  }

  test("by default the input is left out, so the action's own default applies", () => {
    expect(chosen(true, '')).toEqual({ step: 'bump-default-lock', lockCommand: undefined })
  })

  test('lock: false passes an empty command (no refresh); a custom command is passed on', () => {
    expect(chosen(false, '')).toEqual({ step: 'bump-own-lock', lockCommand: '' })
    expect(chosen(false, 'uv lock')).toEqual({ step: 'bump-own-lock', lockCommand: '' })
    expect(chosen(true, 'uv lock --upgrade')).toEqual({
      step: 'bump-own-lock',
      lockCommand: 'uv lock --upgrade'
    })
  })

  test('an App token, when minted, is the one bump-versions gets', () => {
    const token = String((byId('bump-default-lock').with as Obj).token)
    expect(
      evaluate(token, {
        steps: { app: { outputs: { token: 'app-token' } } },
        secrets: {},
        github: { token: 'default' }
      })
    ).toBe('app-token')
    expect(
      evaluate(token, {
        steps: { app: { outputs: {} } },
        secrets: {},
        github: { token: 'default' }
      })
    ).toBe('default')
  })
})

describe('smoke: the report runs after every leg', () => {
  const report = job('.github/workflows/smoke.yml', 'report')
  const ctx = (plan: string) => ({
    needs: { plan: { result: plan }, smoke: { result: 'failure' } }
  })

  test('after red, cancelled or green legs (always()), not after a failed plan', () => {
    expect(report.needs).toEqual(['plan', 'smoke'])
    expect(jobRuns(report.if, ctx('success'), 'failure')).toBe(true)
    expect(jobRuns(report.if, ctx('success'), 'cancelled')).toBe(true)
    expect(jobRuns(report.if, ctx('success'), 'success')).toBe(true)
    expect(jobRuns(report.if, ctx('failure'), 'failure')).toBe(false)
  })

  test('in aggregate mode, for this run', () => {
    const s = steps(report).find((x) => String(x.uses).includes('/actions/smoke-reporter@'))!
    expect(s.with).toMatchObject({ mode: 'aggregate', 'run-id': '${{ github.run_id }}' })
  })
})
