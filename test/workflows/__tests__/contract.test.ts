// The wiring of the workflows: names that must exist where they point, one published path for
// our actions, one pin per third-party action, and defaults that agree where an input is passed
// through. GitHub's parser accepts all of these mistakes; the run would see empty strings.
import path from 'node:path'
import { actionInterface, CONTRACT, wiring } from '../lib/contract.js'
import {
  actionDefaults,
  forwardedDefaults,
  offHourSchedules,
  ourReferences,
  pinConsistency
} from '../lib/consistency.js'
import {
  isReusable,
  jobs,
  loadWorkflows,
  ourWorkflowPath,
  OUR_REF,
  OUR_REPO,
  parseWorkflow,
  steps,
  triggers,
  type Obj,
  type Workflow
} from '../lib/load.js'

const all = loadWorkflows()
const byFile = new Map(all.map((w) => [w.file, w]))
const resolve = (file: string) => byFile.get(file)
const REUSABLE = [
  'contribs-ci',
  'package-ci',
  'smoke',
  'archival',
  'receive-release',
  'contribs-release',
  'release-package'
].map((n) => `.github/workflows/${n}.yml`)

describe('every name a workflow uses exists where it points', () => {
  test('holds for every workflow: action inputs and outputs, needs, job outputs, inputs, calls', () => {
    expect(all.flatMap((w) => wiring(w, resolve))).toEqual([])
  })

  const callee = parseWorkflow(
    '.github/workflows/callee.yml',
    `
on:
  workflow_call:
    inputs:
      package: { type: string, required: true }
      python: { type: string, default: '3.12' }
    secrets:
      token: { required: false }
    outputs:
      sha: { value: '\${{ jobs.run.outputs.sha }}' }
      nope: { value: '\${{ jobs.run.outputs.missing }}' }
jobs:
  run:
    runs-on: ubuntu-latest
    outputs:
      sha: '\${{ steps.s.outputs.sha }}'
    steps:
      - id: s
        run: echo sha=1 >> "$GITHUB_OUTPUT"
`
  )
  const fixtures = new Map<string, Workflow>([[callee.file, callee]])

  test('catches a misspelt action input or output, a stray needs and an unknown input', () => {
    const bad = parseWorkflow(
      'fixture.yml',
      `
on:
  workflow_call:
    inputs:
      path: { type: string, default: '.' }
jobs:
  discover:
    runs-on: ubuntu-latest
    outputs:
      any: '\${{ steps.d.outputs.any }}'
      smoke: '\${{ steps.d.outputs.template_smoke }}'
    steps:
      - id: d
        uses: ${OUR_REPO}/actions/discover@${OUR_REF}
        with:
          path: '\${{ inputs.path }}'
          max_legs: 10
      - uses: ${OUR_REPO}/actions/discovery@${OUR_REF}
  test:
    needs: discover
    if: needs.discover.outputs.matrix != '[]' && needs.validate.result == 'success'
    runs-on: ubuntu-latest
    steps:
      - run: echo "$X"
        env:
          X: '\${{ inputs.paht }} \${{ steps.nope.outputs.x }}'
  late:
    needs: [discover, nothing]
    runs-on: ubuntu-latest
    steps: [{ run: 'true' }]
`
    )
    expect(wiring(bad, (f) => fixtures.get(f))).toEqual([
      'fixture.yml: inputs.paht is not a declared input',
      expect.stringMatching(
        /^fixture\.yml:7: job discover reads steps\.d\.outputs\.template_smoke, which discover does not set/
      ),
      expect.stringMatching(/^fixture\.yml:14: discover has no input max_legs/),
      expect.stringMatching(/^fixture\.yml:18: .*discovery@v1 is not one of our actions/),
      expect.stringMatching(
        /^fixture\.yml:19: job test reads needs\.discover\.outputs\.matrix, which job discover does not declare/
      ),
      expect.stringMatching(/^fixture\.yml:19: job test reads needs\.validate without needing it/),
      expect.stringMatching(/^fixture\.yml:19: job test reads steps\.nope, which is not a step id/),
      expect.stringMatching(/^fixture\.yml:28: job late needs nothing, which is not a job/)
    ])
  })

  test('catches calls with unknown or missing inputs and secrets, and outputs of no job', () => {
    const caller = parseWorkflow(
      'fixture.yml',
      `
on: push
jobs:
  call:
    uses: ./.github/workflows/callee.yml
    with:
      pyhton: '3.11'
    secrets:
      tokn: x
  ok:
    uses: ${OUR_REPO}/.github/workflows/callee.yml@${OUR_REF}
    with:
      package: dspy
    secrets: inherit
  after:
    needs: [call, ok]
    runs-on: ubuntu-latest
    steps:
      - run: echo "$A $B"
        env:
          A: '\${{ needs.ok.outputs.sha }}'
          B: '\${{ needs.call.outputs.shaa }}'
`
    )
    expect(wiring(caller, (f) => fixtures.get(f))).toEqual([
      expect.stringMatching(
        /^fixture\.yml:7: \.github\/workflows\/callee\.yml has no input pyhton/
      ),
      expect.stringMatching(
        /^fixture\.yml:4: job call does not give .* its required input package/
      ),
      expect.stringMatching(/^fixture\.yml:9: \.github\/workflows\/callee\.yml has no secret tokn/),
      expect.stringMatching(
        /^fixture\.yml:15: job after reads needs\.call\.outputs\.shaa, which job call does not declare/
      )
    ])
    expect(wiring(callee, (f) => fixtures.get(f))).toEqual([
      expect.stringMatching(/callee\.yml:11: job run has no output missing/)
    ])
  })
})

describe('workflow kinds', () => {
  test('the seven reusable workflows are only called (on: workflow_call)', () => {
    for (const f of REUSABLE) expect([...triggers(resolve(f)!)]).toEqual(['workflow_call'])
  })

  test("this repo's ci.yml is not reusable: it runs on push and pull_request, npm test on Node 24", () => {
    const ci = resolve('.github/workflows/ci.yml')!
    expect(isReusable(ci)).toBe(false)
    expect([...triggers(ci)].sort()).toEqual(['pull_request', 'push'])
    const runs = jobs(ci).flatMap(([, j]) => steps(j))
    expect(runs.map((s) => s.run)).toEqual(
      expect.arrayContaining(['npm ci', 'npm test', expect.stringContaining('npm run build')])
    )
    const node = runs.find((s) => String(s.uses).startsWith('actions/setup-node@'))
    expect((node?.with as Obj)['node-version']).toBe(24)
  })

  test('the consumer examples are complete workflows, each calling one of ours', () => {
    const examples = all.filter((w) => w.file.startsWith('examples/'))
    expect(examples.map((w) => path.basename(w.file)).sort()).toEqual([
      'archival.yml',
      'ci.yml',
      'publish-release.yml',
      'release.yml',
      'smoke.yml'
    ])
    const calls = Object.fromEntries(
      examples.map((w) => [
        path.basename(w.file),
        jobs(w).map(([, j]) => ourWorkflowPath(String(j.uses)))
      ])
    )
    expect(calls).toEqual({
      'ci.yml': ['.github/workflows/contribs-ci.yml'],
      'smoke.yml': ['.github/workflows/smoke.yml'],
      'archival.yml': ['.github/workflows/archival.yml'],
      'release.yml': ['.github/workflows/receive-release.yml'],
      'publish-release.yml': ['.github/workflows/contribs-release.yml']
    })
    for (const w of examples) expect(isReusable(w)).toBe(false)
    const t = (f: string) => [...triggers(resolve(`examples/consumer-workflows/${f}`)!)].sort()
    expect(t('release.yml')).toEqual([
      'pull_request',
      'push',
      'repository_dispatch',
      'workflow_dispatch'
    ])
    expect(t('publish-release.yml')).toEqual(['push', 'workflow_dispatch'])
    expect(t('smoke.yml')).toContain('schedule')
    expect(t('archival.yml')).toContain('schedule')
  })

  test('scheduled examples run off the hour (GitHub delays and drops runs at :00)', () => {
    expect(all.flatMap(offHourSchedules)).toEqual([])
    const bad = parseWorkflow(
      'fixture.yml',
      "on:\n  schedule:\n    - cron: '0 3 * * *'\n    - cron: '*/5 * * * *'\n    - cron: '17 3 * * *'\njobs: {}\n"
    )
    expect(offHourSchedules(bad)).toEqual([
      expect.stringMatching(/^fixture\.yml:3: cron minute "0"/),
      expect.stringMatching(/^fixture\.yml:4: cron minute "\*\/5"/)
    ])
  })
})

describe('one published path, one pin', () => {
  test(`our actions and workflows are referenced as ${OUR_REPO}/...@${OUR_REF}, nowhere else`, () => {
    // A fork replaces this one prefix everywhere; a second spelling would survive the replace.
    expect(all.flatMap(ourReferences)).toEqual([])
    const bad = parseWorkflow(
      'fixture.yml',
      `
jobs:
  a:
    uses: ${OUR_REPO}/.github/workflows/smoke.yml@main
  b:
    steps:
      - uses: my-fork/contribs-actions/actions/discover@v1
      - uses: ${OUR_REPO}/actions/discover@v1
`
    )
    expect(ourReferences(bad)).toEqual([
      expect.stringMatching(/^fixture\.yml:4: .*smoke\.yml@main is not/),
      expect.stringMatching(
        /^fixture\.yml:7: my-fork\/contribs-actions\/actions\/discover@v1 is not/
      )
    ])
  })

  test('each third-party action has one sha and one version comment in every file', () => {
    expect(pinConsistency(all)).toEqual([])
    const sha = '08c6903cd8c0fde910a37f88322edcfb5dd907a8'
    const pinned = (file: string, uses: string) =>
      parseWorkflow(file, `jobs:\n  a:\n    steps:\n      - uses: ${uses}\n`)
    expect(
      pinConsistency([
        pinned('one.yml', `actions/checkout@${sha} # v5.0.0`),
        pinned('two.yml', `actions/checkout@${sha} # v5.0.0`),
        pinned('three.yml', `actions/checkout@${sha.replace('08', '09')} # v5.0.1`),
        pinned('four.yml', `actions/setup-python@${sha} # v6.0.0`)
      ])
    ).toEqual([
      expect.stringMatching(
        /^actions\/checkout is pinned differently: .*\(one\.yml:4\) vs .*# v5\.0\.1 \(three\.yml:4\)$/
      )
    ])
  })
})

describe('defaults agree where an input is passed through', () => {
  // Smoke runs test behaviour against upstream main (lint and types are the pull request's
  // job), and name the ref they tested to smoke-reporter, whose own default names none.
  const INTENDED: Record<string, string[]> = {
    '.github/workflows/smoke.yml': ['lint-command', 'typecheck-command', 'upstream-ref']
  }

  test('each reusable workflow forwards the default its callee or action would apply itself', () => {
    let compared = 0
    for (const f of REUSABLE) {
      const r = forwardedDefaults(resolve(f)!, resolve, actionDefaults, INTENDED[f])
      expect(r.findings).toEqual([])
      compared += r.compared
    }
    expect(compared).toBeGreaterThan(20)
  })

  test('catches a pinned default that was bumped on one side only', () => {
    const inner = parseWorkflow(
      '.github/workflows/inner.yml',
      `
on:
  workflow_call:
    inputs:
      ollama-version: { type: string, default: '0.13.0' }
      path: { type: string, default: '.' }
jobs: {}
`
    )
    const outer = parseWorkflow(
      'outer.yml',
      `
on:
  workflow_call:
    inputs:
      ollama-version: { type: string, default: '0.12.0' }
      path: { type: string, default: '.' }
      max-operations: { type: number, default: 50 }
jobs:
  call:
    uses: ./.github/workflows/inner.yml
    with:
      ollama-version: \${{ inputs.ollama-version }}
      path: \${{ inputs.path }}
  sweep:
    steps:
      - uses: ${OUR_REPO}/actions/archival-sweep@${OUR_REF}
        with:
          max-operations: \${{ inputs.max-operations }}
`
    )
    const r = forwardedDefaults(
      outer,
      (f) => (f === inner.file ? inner : undefined),
      (a) => (a === 'archival-sweep' ? { 'max-operations': '100' } : undefined)
    )
    expect(r.compared).toBe(3)
    expect(r.findings).toEqual([
      expect.stringMatching(
        /^outer\.yml:12: passes its default ollama-version="0\.12\.0" to \.github\/workflows\/inner\.yml, whose default is "0\.13\.0"/
      ),
      expect.stringMatching(
        /^outer\.yml:18: passes its default max-operations=50 to actions\/archival-sweep, whose default is "100"/
      )
    ])
  })
})

describe('the contract the workflows rely on', () => {
  test('each written action.yml declares the contract inputs and outputs', () => {
    for (const [name, c] of Object.entries(CONTRACT)) {
      const iface = actionInterface(name)!
      if (iface.source === 'the interface contract') continue
      expect({ name, inputs: c.inputs.filter((i) => !iface.inputs.includes(i)) }).toEqual({
        name,
        inputs: []
      })
      expect({ name, outputs: c.outputs.filter((o) => !iface.outputs.includes(o)) }).toEqual({
        name,
        outputs: []
      })
    }
  })
})
