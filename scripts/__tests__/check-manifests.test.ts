// `npm run check-manifests` over small repositories in temporary folders: each check fails on
// what it claims to catch, naming the file and line, and the doc snippets are wrapped into
// workflows as the convention in scripts/lib/doc-snippets.ts says.
import { cleanupTempDirs, tempDir, writeFiles } from '../../test/kit/fixtures.js'
import { docSources, snippetSource, yamlSnippets } from '../lib/doc-snippets.js'
import { writeFileSync } from 'node:fs'
import { checkActionYml, checkManifests, freshReadme, MAX_DESCRIPTION } from '../lib/manifests.js'
import {
  actionlintFindings,
  fileSource,
  lintWorkflows,
  shellcheckAvailable,
  type WorkflowSource
} from '../lib/workflow-lint.js'

afterAll(cleanupTempDirs)

const noCalls = () => undefined
const CHECKOUT = 'actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0'

/** A repository with one action `x`, its committed bundle and its README with fresh tables. */
async function repo(files: Record<string, string> = {}, description = 'Does x.'): Promise<string> {
  const root = tempDir('check-manifests-')
  writeFiles(root, {
    'actions/x/action.yml': `name: x\ndescription: '${description}'\nruns:\n  using: node24\n  main: dist/index.js\n`,
    'actions/x/dist/index.js': '',
    'actions/x/README.md': '# x\n\n<!-- api:x:start -->\n<!-- api:x:end -->\n',
    ...files
  })
  const readme = await freshReadme(root, 'x')
  if (typeof readme === 'string') throw new Error(readme)
  writeFileSync(readme.file, readme.fresh)
  return root
}

function wrapped(markdown: string): WorkflowSource {
  const [snippet] = yamlSnippets('doc.md', markdown)
  const source = snippetSource(snippet)
  if (typeof source === 'string') throw new Error(source)
  return source
}

describe('action.yml descriptions fit the Marketplace', () => {
  test(`a description over ${MAX_DESCRIPTION} characters fails, one of ${MAX_DESCRIPTION} passes`, async () => {
    const long = await repo({}, 'x'.repeat(MAX_DESCRIPTION + 1))
    expect(checkActionYml(long, 'x')).toEqual([
      `actions/x/action.yml: description is 126 characters; the Marketplace takes at most 125`
    ])
    expect(checkActionYml(await repo({}, 'x'.repeat(MAX_DESCRIPTION)), 'x')).toEqual([])
  })

  test('the whole check fails on it', async () => {
    const report = await checkManifests(await repo({}, 'y'.repeat(200)), {
      shellcheck: 'no-such-tool'
    })
    expect(report.problems).toEqual([expect.stringContaining('description is 200 characters')])
  })
})

describe('README snippets are held to the workflow rules', () => {
  const readme = `# x

Use it:

\`\`\`yaml
- uses: ${CHECKOUT}
- run: echo "\${{ github.event.pull_request.title }}"
\`\`\`

<!-- api:x:start -->
<!-- api:x:end -->
`

  test('${{ }} inside run: in a snippet is reported at its file and line', async () => {
    const root = await repo({ 'actions/x/README.md': readme })
    const report = await checkManifests(root, { shellcheck: 'no-such-tool' })
    expect(report.problems).toEqual(
      expect.arrayContaining([
        'actions/x/README.md:7: job snippet, step 2: ${{ }} inside run:; pass the value through env:',
        // actionlint says the same of this untrusted input, at its column
        expect.stringMatching(
          /^actions\/x\/README\.md:7:18: "github\.event\.pull_request\.title" is potentially untrusted/
        )
      ])
    )
    expect(report.counts.snippets).toBe(1)
  })

  test('the env: form passes, and every check ran (shellcheck said to be skipped)', async () => {
    const fixed = readme.replace(
      /- run: .*\n/,
      '- run: echo "$TITLE"\n  env:\n    TITLE: ${{ github.event.pull_request.title }}\n'
    )
    const report = await checkManifests(await repo({ 'actions/x/README.md': fixed }), {
      shellcheck: 'no-such-tool'
    })
    expect(report.problems).toEqual([])
    expect(report.notes).toEqual([
      'no-such-tool is not on PATH: run: scripts were not shellchecked'
    ])
  })

  test('snippets come from README.md, docs/**/*.md and actions/*/README.md, yaml blocks only', async () => {
    const root = await repo({
      'README.md': '```yaml\non: push\n```\n\n```bash\necho no\n```\n',
      'docs/deep/guide.md': '  ```yml\n  - run: "true"\n  ```\n',
      'examples/README.md': '```yaml\nnot: checked\n```\n'
    })
    const { sources } = docSources(root)
    expect(sources.map((s) => s.file)).toEqual(['README.md', 'docs/deep/guide.md'])
  })

  test('a snippet that is not valid YAML is reported at its line', async () => {
    // a plain scalar holding `: ` (easy to write in a run: line) is not YAML
    const root = await repo({
      'README.md': 'x\n\n```yaml\n- uses: a/b@v1\n- run: echo "a: b"\n```\n'
    })
    expect(docSources(root)).toEqual({
      sources: [],
      findings: ['README.md:5:8: Nested mappings are not allowed in compact mappings']
    })
  })
})

describe('the snippet convention', () => {
  test('a list of steps runs in a wrapper job; lines and columns map back to the markdown', async () => {
    const source = wrapped('intro\n\n```yaml\n- run: echo hi\n- uses: actions/checkout@v5\n```\n')
    expect(source.text).toContain('    steps:\n      - run: echo hi\n')
    const findings = await lintWorkflows([source], noCalls, 'no-such-tool')
    expect(findings.findings).toEqual([
      'doc.md:5: job snippet, step 2 uses actions/checkout@v5: pin a full 40-hex commit sha'
    ])
    // matrix keys are free inside a list of steps: the job that defines them is not shown
    const matrix = wrapped(
      '```yaml\n- run: echo "$P"\n  env: { P: "${{ matrix.package }}" }\n```\n'
    )
    expect((await lintWorkflows([matrix], noCalls, 'no-such-tool')).findings).toEqual([])
  })

  test('a map of jobs is checked as written: permissions, needs', async () => {
    const source = wrapped(`\`\`\`yaml
report:
  needs: smoke
  runs-on: ubuntu-latest
  steps:
    - run: echo hi
\`\`\`
`)
    expect((await lintWorkflows([source], noCalls, 'no-such-tool')).findings).toEqual([
      'doc.md:2: job report has no permissions:',
      'doc.md:2:1: job "report" needs job "smoke" which does not exist in this workflow [job-needs]'
    ])
  })

  test('a whole workflow is checked as written: no `on:` is an error', async () => {
    const source = wrapped('```yaml\npermissions: {}\njobs: {}\n```\n')
    expect(source.text).toBe('permissions: {}\njobs: {}\n')
    const { findings } = await lintWorkflows([source], noCalls, 'no-such-tool')
    expect(findings).toEqual(
      expect.arrayContaining([expect.stringMatching(/^doc\.md:2:1: .*"on" section is missing/)])
    )
  })
})

describe('actionlint', () => {
  test('a finding fails the check with file:line:col and message', async () => {
    const root = await repo({
      '.github/workflows/ci.yml': `on: push
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    permissions: {}
    timeout-minutes: \${{ matrix.timeout }}
    steps:
      - run: echo ok
`
    })
    const report = await checkManifests(root, { shellcheck: 'no-such-tool' })
    expect(report.problems).toEqual([
      '.github/workflows/ci.yml:7:26: property "timeout" is not defined in object type {} [expression]'
    ])
    expect(report.counts.workflows).toBe(1)
  })

  test('one source at a time: an unknown key at its line and column', async () => {
    const findings = await actionlintFindings(
      fileSource('w.yml', 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n')
    )
    expect(findings).toEqual(
      expect.arrayContaining([expect.stringMatching(/^w\.yml:5:5: unexpected key "stepz"/)])
    )
  })
})

// shellcheck is optional (CI may not have it); where it is installed it must find what it claims.
;(shellcheckAvailable() ? describe : describe.skip)('shellcheck over run: scripts', () => {
  test('a finding in a snippet points at the line and column in the markdown', async () => {
    const source = wrapped(`text

\`\`\`yaml
- run: |
    echo start
    cd $DIR
- run: cp "$A" $B
- run: Get-ChildItem $HOME
  shell: pwsh
\`\`\`
`)
    const { findings, skipped } = await lintWorkflows([source], noCalls)
    expect(skipped).toBeUndefined()
    expect(findings).toEqual([
      'doc.md:6:8: shellcheck SC2086 (info): Double quote to prevent globbing and word splitting',
      'doc.md:7:16: shellcheck SC2086 (info): Double quote to prevent globbing and word splitting'
    ])
  })
})
