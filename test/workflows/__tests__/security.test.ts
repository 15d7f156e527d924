// The security rules over every workflow we ship (.github/workflows and the consumer examples),
// each paired with small bad workflows proving the rule catches what it claims to.
import { loadWorkflows, parseWorkflow, type Workflow } from '../lib/load.js'
import {
  calledWorkflowPermissions,
  concurrencyOnWriters,
  explicitPermissions,
  expressionsInRun,
  pinnedActions,
  pipeToShell,
  requiredPermissions,
  securityFindings,
  writerJobs
} from '../lib/rules.js'

const all = loadWorkflows()
const byFile = new Map(all.map((w) => [w.file, w]))
const resolve = (file: string) => byFile.get(file)
const wf = (text: string, file = 'fixture.yml') => parseWorkflow(file, text)

test('the checks see every workflow the spec names', () => {
  expect(all.map((w) => w.file)).toEqual(
    expect.arrayContaining([
      '.github/workflows/ci.yml',
      '.github/workflows/contribs-ci.yml',
      '.github/workflows/package-ci.yml',
      '.github/workflows/smoke.yml',
      '.github/workflows/archival.yml',
      '.github/workflows/receive-release.yml',
      'examples/consumer-workflows/ci.yml',
      'examples/consumer-workflows/smoke.yml',
      'examples/consumer-workflows/archival.yml',
      'examples/consumer-workflows/release.yml'
    ])
  )
})

describe('no ${{ }} inside run:', () => {
  test('holds for every workflow', () => {
    expect(all.flatMap(expressionsInRun)).toEqual([])
  })

  test('catches an expression pasted into a script, and accepts the env: form', () => {
    const bad = wf(`
on: pull_request
permissions: {}
jobs:
  greet:
    runs-on: ubuntu-latest
    permissions: {}
    steps:
      - run: echo "hello"
      - run: |
          echo "title: \${{ github.event.pull_request.title }}"
`)
    expect(expressionsInRun(bad)).toEqual([
      expect.stringMatching(/^fixture\.yml:10: job greet, step 2: \$\{\{ \}\} inside run:/)
    ])
    const good = wf(`
on: pull_request
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - env:
          TITLE: \${{ github.event.pull_request.title }}
        run: 'echo "title: $TITLE"'
`)
    expect(expressionsInRun(good)).toEqual([])
  })
})

describe('explicit least-privilege permissions', () => {
  test('holds for every workflow: top level grants no write, every job says what it needs', () => {
    expect(all.flatMap(explicitPermissions)).toEqual([])
  })

  test('catches a missing top level, a top-level write, a job without permissions, write-all and typos', () => {
    const noTop = wf(`
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    permissions: {}
    steps: [{ run: 'true' }]
`)
    expect(explicitPermissions(noTop)).toEqual([
      expect.stringContaining('no top-level permissions')
    ])

    const bad = wf(`
on: push
permissions:
  contents: write
jobs:
  a:
    runs-on: ubuntu-latest
    steps: [{ run: 'true' }]
  b:
    runs-on: ubuntu-latest
    permissions: write-all
    steps: [{ run: 'true' }]
  c:
    runs-on: ubuntu-latest
    permissions:
      content: read
    steps: [{ run: 'true' }]
  d:
    runs-on: ubuntu-latest
    permissions:
      issues: admin
    steps: [{ run: 'true' }]
`)
    expect(explicitPermissions(bad)).toEqual([
      expect.stringMatching(/^fixture\.yml:3: top-level permissions grant contents: write/),
      expect.stringMatching(/^fixture\.yml:6: job a has no permissions:/),
      expect.stringMatching(/job b: write-all is never least privilege/),
      expect.stringMatching(/job c: unknown permission content/),
      expect.stringMatching(/job d: permission issues must be read, write or none/)
    ])
    expect(
      explicitPermissions(
        wf(`
on: push
permissions: read-all
jobs:
  a:
    runs-on: ubuntu-latest
    permissions: { contents: read, issues: write }
    steps: [{ run: 'true' }]
`)
      )
    ).toEqual([])
  })
})

describe('a called workflow never asks for more than its caller grants', () => {
  test('holds for every call of our reusable workflows, ours and the consumer examples', () => {
    const calls = all.flatMap((w) =>
      Object.values((w.data.jobs ?? {}) as Record<string, { uses?: unknown }>).filter(
        (j) => typeof j.uses === 'string'
      )
    )
    // contribs-ci calls package-ci 4 times, smoke once; each example calls one workflow.
    expect(calls.length).toBeGreaterThanOrEqual(9)
    expect(all.flatMap((w) => calledWorkflowPermissions(w, resolve))).toEqual([])
  })

  test('the model: the called workflow needs the most any of its jobs asks for', () => {
    expect(requiredPermissions(resolve('.github/workflows/smoke.yml')!)).toMatchObject({
      actions: 'read',
      contents: 'write',
      issues: 'write',
      'pull-requests': 'none'
    })
    expect(requiredPermissions(resolve('.github/workflows/contribs-ci.yml')!)).toMatchObject({
      contents: 'read',
      issues: 'none'
    })
  })

  const callee = wf(
    `
on: workflow_call
permissions: {}
jobs:
  read:
    runs-on: ubuntu-latest
    permissions: { contents: read }
    steps: [{ run: 'true' }]
  write:
    runs-on: ubuntu-latest
    permissions: { issues: write, contents: read }
    steps: [{ run: 'true' }]
`,
    '.github/workflows/callee.yml'
  )
  const fixtures = new Map<string, Workflow>([[callee.file, callee]])
  const check = (text: string) => calledWorkflowPermissions(wf(text), (f) => fixtures.get(f))

  test('catches a caller that grants read where a called job writes', () => {
    expect(
      check(`
on: push
permissions: {}
jobs:
  call:
    uses: ./.github/workflows/callee.yml
    permissions: { contents: read, issues: read }
`)
    ).toEqual([
      expect.stringMatching(
        /^fixture\.yml:5: job call calls \.github\/workflows\/callee\.yml, whose jobs need issues: write, but grants issues: read/
      )
    ])
  })

  test('a consumer calling the published path is checked the same way', () => {
    expect(
      check(`
on: push
permissions: {}
jobs:
  call:
    uses: generative-computing/contribs-actions/.github/workflows/callee.yml@v1
    permissions: { issues: write }
`)
    ).toEqual([expect.stringContaining('need contents: read, but grants contents: none')])
  })

  test('a caller without permissions anywhere, or calling a missing file, is caught', () => {
    expect(
      check(`
on: push
jobs:
  call:
    uses: ./.github/workflows/callee.yml
  missing:
    uses: ./.github/workflows/nope.yml
    permissions: {}
`)
    ).toEqual([
      expect.stringContaining('neither the job nor the workflow sets permissions'),
      expect.stringContaining('calls .github/workflows/nope.yml, which does not exist')
    ])
  })

  test('write covers read, and the workflow top level counts when the job sets nothing', () => {
    expect(
      check(`
on: push
permissions: { contents: write, issues: write }
jobs:
  call:
    uses: ./.github/workflows/callee.yml
`)
    ).toEqual([])
  })
})

describe('third-party actions pinned to a full sha with the version in a comment', () => {
  test('holds for every workflow', () => {
    expect(all.flatMap(pinnedActions)).toEqual([])
  })

  test('catches tags, short shas, a missing version comment and our actions off our ref', () => {
    const bad = wf(`
on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    permissions: {}
    steps:
      - uses: actions/checkout@v5
      - uses: actions/checkout@08c6903
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # pinned
      - uses: generative-computing/contribs-actions/actions/discover@main
      - uses: docker://alpine:3
  b:
    uses: someone/else/.github/workflows/x.yml@main
    permissions: {}
`)
    expect(pinnedActions(bad)).toEqual([
      expect.stringMatching(
        /^fixture\.yml:9: .*actions\/checkout@v5: pin a full 40-hex commit sha/
      ),
      expect.stringMatching(/^fixture\.yml:10: .*@08c6903: pin a full/),
      expect.stringMatching(/^fixture\.yml:11: .*without the version in a comment/),
      expect.stringMatching(/^fixture\.yml:12: .*without the version in a comment/),
      expect.stringMatching(/^fixture\.yml:13: .*our own actions are referenced @v1/),
      expect.stringMatching(/^fixture\.yml:14: .*docker:\/\/alpine:3: pin/),
      expect.stringMatching(/^fixture\.yml:16: job b uses someone\/else.*@main: pin/)
    ])
  })

  test('accepts a sha with its version, our @v1 paths and local paths', () => {
    const good = wf(`
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
      - uses: generative-computing/contribs-actions/actions/discover@v1
      - uses: ./local-action
  b:
    uses: ./.github/workflows/x.yml
`)
    expect(pinnedActions(good)).toEqual([])
  })
})

describe('concurrency groups on the runs that write shared state', () => {
  test('smoke, archival and receive-release (bump) each serialize their writing job', () => {
    for (const [file, job] of [
      ['.github/workflows/smoke.yml', 'report'],
      ['.github/workflows/archival.yml', 'sweep'],
      ['.github/workflows/receive-release.yml', 'bump']
    ]) {
      const w = resolve(file)!
      expect(writerJobs(w)).toEqual([job])
      expect(concurrencyOnWriters(w)).toEqual([])
    }
    expect(all.flatMap(concurrencyOnWriters)).toEqual([])
  })

  test('catches a writer without a group, with an empty group, or cancelling in progress', () => {
    const body = `
jobs:
  bump:
    runs-on: ubuntu-latest
    permissions: {}
    steps:
      - uses: generative-computing/contribs-actions/actions/bump-versions@v1
`
    expect(concurrencyOnWriters(wf(`on: workflow_call\n${body}`))).toEqual([
      expect.stringContaining('job bump writes shared state with no concurrency group')
    ])
    expect(concurrencyOnWriters(wf(`on: workflow_call\nconcurrency: ''\n${body}`))).toEqual([
      expect.stringContaining('an empty concurrency group')
    ])
    expect(
      concurrencyOnWriters(
        wf(`on: workflow_call\nconcurrency:\n  group: bump\n  cancel-in-progress: true\n${body}`)
      )
    ).toEqual([expect.stringContaining('cancel-in-progress would stop a run half-way')])
    expect(
      concurrencyOnWriters(wf(`on: workflow_call\nconcurrency:\n  group: bump-x\n${body}`))
    ).toEqual([])
  })
})

describe('nothing downloaded is piped into a shell', () => {
  test('holds for every workflow', () => {
    expect(all.flatMap(pipeToShell)).toEqual([])
  })

  test('catches curl | sh, wget | sudo bash, and accepts download-then-verify', () => {
    const bad = wf(`
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: curl -fsSL https://ollama.com/install.sh | sh
      - run: |
          wget -qO- https://example.com/x.sh | sudo bash
      - run: |
          # never curl | sh: a comment saying so is fine
          curl -fsSL -o x.tgz https://example.com/x.tgz
          echo "$SHA  x.tgz" | sha256sum --check -
          tar -xzf x.tgz
`)
    expect(pipeToShell(bad)).toEqual([
      expect.stringMatching(/^fixture\.yml:7: job a, step 1 pipes a download into a shell/),
      expect.stringMatching(/^fixture\.yml:8: job a, step 2 pipes/)
    ])
  })
})

describe('every rule at once (what check-manifests applies to workflows and doc snippets)', () => {
  test('holds for every workflow', () => {
    expect(all.flatMap((w) => securityFindings(w, resolve))).toEqual([])
  })

  test('a workflow breaking each rule once gets one finding per rule', () => {
    const bad = wf(`
on: push
jobs:
  a:
    runs-on: ubuntu-latest
    permissions: {}
    steps:
      - uses: actions/checkout@v5
      - run: echo "\${{ github.head_ref }}"
      - run: curl -fsSL https://example.com/x.sh | sh
      - uses: generative-computing/contribs-actions/actions/archival-sweep@v1
  b:
    uses: ./.github/workflows/smoke.yml
    permissions: {}
`)
    expect(securityFindings(bad, resolve)).toEqual([
      expect.stringContaining('fixture.yml:9: job a, step 2: ${{ }} inside run:'),
      expect.stringContaining('fixture.yml: no top-level permissions:'),
      expect.stringMatching(
        /^fixture\.yml:12: job b calls \.github\/workflows\/smoke\.yml, whose jobs need/
      ),
      expect.stringContaining('fixture.yml:8: job a, step 1 uses actions/checkout@v5: pin'),
      expect.stringContaining('fixture.yml:4: job a writes shared state with no concurrency group'),
      expect.stringContaining('fixture.yml:10: job a, step 3 pipes a download into a shell')
    ])
  })
})
