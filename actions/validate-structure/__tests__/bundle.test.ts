// validate-structure's built bundle, run as the runner runs it (see packages/cli/src/run-bundle.ts).
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { runBundle } from '@contribs-actions/cli'
// The CLI's text printer (not exported from the package): what `npx contribs-actions` shows.
import { formatResult } from '../../../packages/cli/src/format.js'
import {
  cleanupTempDirs,
  copyExampleRepo,
  EXAMPLE_REPO,
  git,
  initGitRepo,
  tempDir,
  writeFiles
} from '../../../test/kit/fixtures.js'
import { generateRepo, PLANTED_KINDS } from '../../../test/kit/generate-repo.js'
import { groupTitles, stepLines } from '../../../test/kit/step-log.js'
import type { Violation } from '../src/report.js'
import { jest } from '@jest/globals'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'

afterAll(cleanupTempDirs)
// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

function edit(dir: string, rel: string, from: string, to: string): void {
  const text = readFileSync(path.join(dir, rel), 'utf8')
  if (!text.includes(from)) throw new Error(`edit did not apply to ${rel}`)
  writeFiles(dir, { [rel]: text.replace(from, to) })
}

const parse = (s: string) => JSON.parse(s) as Violation[]

test('the example repository passes: exit 0, ok=true, a PASS summary', async () => {
  const r = await runBundle({ action: 'validate-structure', workspace: EXAMPLE_REPO })
  expect(r.exitCode).toBe(0)
  expect(r.outputs).toMatchObject({ ok: 'true', violations: '[]', count: '0' })
  expect(r.outputs.summary).toMatch(/^all 6 subpackages keep the structure contract/)
  expect(r.annotations.filter((a) => a.level === 'error')).toEqual([])
  expect(r.summary).toContain('**PASS**')
  expect(r.summary).toContain('| `dspy` | ✅ pass | — |')
  expect(r.summary).toContain('`mellea_contribs/legacy_tools`') // grandfathered, and said so
  expect(formatResult('validate-structure', 'text', r)).toMatch(/^PASS\n/)
})

test('one violation of each kind: exactly those, each annotated on its file (and line)', async () => {
  const dir = copyExampleRepo()
  writeFiles(dir, {
    'citations/README.md': null,
    'citations/examples': null,
    'agent-utilities/OWNERS': '\n',
    'agent-utilities/mellea_contribs/agent_utilities': null,
    // git holds no empty folder: without a file here the whole namespace folder would be missing
    'agent-utilities/mellea_contribs/py.typed': '',
    'citations/mellea_contribs/citations/__init__.py': null,
    'citations/mellea_contribs/citations/models/__init__.py': '',
    'dspy/mellea_contribs/dspy/stdlib/experimental/__init__.py': '',
    'crewai/scripts/run.py': "print('hi')\n",
    'crewai/mellea_contribs/__init__.py': '',
    '.github/scripts/grandfather_legacy.json':
      '{\n  "legacy_paths": [\n    "mellea_contribs/legacy_tools",\n    "old_pkg"\n  ]\n}\n'
  })
  edit(dir, 'langchain/pyproject.toml', '[tool.mellea-contribs.ci]', '[tool.mellea-contribs.ci')
  edit(dir, 'crewai/pyproject.toml', 'packages = ["mellea_contribs"]', 'packages = ["src"]')
  edit(dir, 'crewai/pyproject.toml', '"pytest-asyncio"]', '"pytest-asyncio", "mellea"]')
  edit(
    dir,
    'dspy/pyproject.toml',
    'dev = ["ruff>=0.6"',
    'dev = ["mellea @ git+https://github.com/generative-computing/mellea.git", "ruff>=0.6"'
  )
  edit(
    dir,
    '_integration_core/pyproject.toml',
    'name = "mellea-contribs-integration-core"',
    'name = "Mellea_Contribs.Citations"'
  )
  edit(dir, '_integration_core/pyproject.toml', '"mellea>=0.6.0"', '"mellea>=0.4.0"')
  edit(dir, 'dspy/pyproject.toml', 'timeout_minutes = 90', 'timeout_minutes = "ninety"')
  edit(dir, 'agent-utilities/pyproject.toml', 'name = "mellea-contribs-agent-utilities"\n', '')
  initGitRepo(dir)

  const r = await runBundle({ action: 'validate-structure', workspace: dir })
  expect(r.exitCode).toBe(1)
  expect(r.outputs.ok).toBe('false')
  const violations = parse(r.outputs.violations)
  expect(violations.map((v) => [v.code, v.package, v.file, v.line ?? null])).toEqual([
    ['CA103', 'agent-utilities', 'agent-utilities/OWNERS', null],
    ['CA108', 'agent-utilities', 'agent-utilities/mellea_contribs/agent_utilities/', null],
    ['CA116', 'agent-utilities', 'agent-utilities/pyproject.toml', 1],
    ['CA101', 'citations', 'citations/README.md', null],
    ['CA102', 'citations', 'citations/examples/', null],
    ['CA109', 'citations', 'citations/mellea_contribs/citations/__init__.py', null],
    ['CA110', 'citations', 'citations/mellea_contribs/citations/models/', null],
    ['CA113', 'citations', 'citations/pyproject.toml', 2],
    ['CA105', 'crewai', 'crewai/pyproject.toml', 23],
    ['CA106', 'crewai', 'crewai/pyproject.toml', 16],
    ['CA112', 'crewai', 'crewai/scripts/', null],
    ['CA114', 'crewai', 'crewai/mellea_contribs/__init__.py', null],
    ['CA107', 'dspy', 'dspy/pyproject.toml', 29],
    ['CA111', 'dspy', 'dspy/mellea_contribs/dspy/stdlib/experimental/', null],
    ['CA115', 'dspy', 'dspy/pyproject.toml', 33],
    ['CA104', 'langchain', 'langchain/pyproject.toml', 28]
  ])
  expect(r.outputs.count).toBe('16')
  expect(r.outputs.summary).toMatch(/^16 violations in 5 of 6 subpackages \(2 warnings\)/)
  const duplicate = violations.find((v) => v.code === 'CA113')!
  expect(duplicate.message).toContain(
    "duplicate distribution name 'mellea-contribs-citations' (also in _integration_core)"
  )
  expect(violations.find((v) => v.code === 'CA104')!.message).toMatch(/\(line 28, column \d+\)$/)

  // Every violation is an error annotation on its file (a folder's without the trailing slash),
  // with the line where there is one.
  const errors = r.annotations.filter((a) => a.level === 'error' && a.file)
  expect(errors).toHaveLength(16)
  for (const v of violations)
    expect(errors).toContainEqual(
      expect.objectContaining({
        file: v.file.replace(/\/$/, ''),
        message: v.message,
        ...(v.line ? { line: v.line } : {})
      })
    )
  // Warnings do not fail the step: the stale grandfather entry and the low upstream floor.
  const warned = r.annotations
    .filter((a) => a.level === 'warning')
    .map((a) => [a.title, a.file, a.line ?? null])
  expect(warned).toEqual([
    ['CA202', '.github/scripts/grandfather_legacy.json', 4],
    ['CA201 _integration_core', '_integration_core/pyproject.toml', 10]
  ])

  // The job summary: a table of packages with pass/fail and their violations.
  expect(r.summary).toContain('**FAIL**: 16 violations in 5 of 6 subpackages')
  expect(r.summary).toMatch(/\| `_integration_core` \| ✅ pass \| — \|/)
  expect(r.summary).toMatch(/\| `crewai` \| ❌ fail \(4\) \| \*\*CA105 wheel-packages\*\*/)

  // What `npx contribs-actions validate-structure --path DIR` prints.
  const text = formatResult('validate-structure', 'text', r)
  expect(text).toMatch(/^FAIL \(16 violations\)\n/)
  expect(text).toContain(
    "crewai/pyproject.toml:23: CA105 [tool.hatch.build.targets.wheel].packages must be ['mellea_contribs'] (got ['src'])\n"
  )
  expect(text).toContain('citations/README.md: CA101 missing required file: README.md\n')

  // The log: one closed group per failing package, its violations inside, in package order.
  expect(groupTitles(r.stdout)).toEqual([
    'agent-utilities: 3 violations',
    'citations: 5 violations',
    'crewai: 4 violations',
    'dspy: 3 violations',
    'langchain: 1 violation'
  ])
  const lines = stepLines(r.stdout)
  const langchain = lines.indexOf('::group::langchain: 1 violation')
  expect(lines[langchain + 1]).toMatch(/^langchain\/pyproject.toml:28: CA104 /)
  expect(lines[langchain + 2]).toBe('::endgroup::')
})

test.each(['top-level', 'nested'] as const)(
  'a generated repo (%s) with 24 planted violations: each found, with its text and file, and nothing else',
  async (layout) => {
    const dir = path.join(tempDir('contribs-gen-'), 'repo')
    const { planted } = generateRepo(dir, { packages: 60, broken: 24, layout })
    expect(planted).toHaveLength(24)
    // Every kind the generator knows is planted at least once.
    expect(new Set(planted.map((p) => p.kind)).size).toBe(PLANTED_KINDS.length)

    const r = await runBundle({ action: 'validate-structure', workspace: dir })
    expect(r.exitCode).toBe(1)
    const violations = parse(r.outputs.violations)
    expect(violations).toHaveLength(planted.length)
    for (const p of planted)
      expect(violations).toContainEqual(
        expect.objectContaining({
          package: p.subpackage,
          file: p.file,
          message: expect.stringContaining(p.expect)
        })
      )
    expect(r.outputs.summary).toMatch(/^24 violations in 24 of 60 subpackages/)
  }
)

test('thousands of violations: the output is capped with a count, and the step still reports', async () => {
  const dir = tempDir('contribs-huge-')
  const files: Record<string, string> = {}
  // 2,500 folders with only an OWNERS file: five violations each (12,500 in all).
  for (let i = 0; i < 2500; i++) files[`pkg-${String(i).padStart(4, '0')}/OWNERS`] = '@someone\n'
  writeFiles(dir, files)
  const r = await runBundle({ action: 'validate-structure', workspace: dir })
  expect(r.exitCode).toBe(1)
  expect(r.outputs.count).toBe('12500')
  expect(Buffer.byteLength(r.outputs.violations)).toBeLessThan(600_000)
  const list = parse(r.outputs.violations)
  const marker = list[list.length - 1]
  expect(marker.code).toBe('truncated')
  expect(marker.message).toContain(`${12500 - (list.length - 1)} more violations not listed`)
  expect(r.annotations.filter((a) => a.level === 'error' && a.file)).toHaveLength(12500)
  expect(r.summary).toMatch(/…and \d+ more subpackages not shown here/)
  expect(Buffer.byteLength(r.summary)).toBeLessThan(1000 * 1000)
  expect(r.summary).not.toContain('summary truncated')
})

test('with `path` below the workspace, files are workspace-relative, like the annotations', async () => {
  const ws = tempDir('contribs-ws-')
  const dir = copyExampleRepo()
  writeFiles(dir, { 'citations/README.md': null })
  execFileSync('cp', ['-r', dir, path.join(ws, 'repo')])
  const r = await runBundle({
    action: 'validate-structure',
    inputs: { path: 'repo' },
    workspace: ws
  })
  expect(r.exitCode).toBe(1)
  expect(parse(r.outputs.violations)).toEqual([
    {
      package: 'citations',
      code: 'CA101',
      message: 'missing required file: README.md',
      file: 'repo/citations/README.md'
    }
  ])
  expect(r.annotations).toContainEqual(
    expect.objectContaining({ level: 'error', file: 'repo/citations/README.md' })
  )
  expect(formatResult('validate-structure', 'text', r)).toContain(
    'repo/citations/README.md: CA101 missing required file: README.md'
  )
})

describe('`listing`: what a checkout holds (git) or the folders as they are (disk)', () => {
  // A clone with a developer's leftovers: ignored build output and a virtualenv inside a package,
  // an empty `examples/` left where one was deleted (git rm), and a new package not yet added.
  function workingCopy(): string {
    const dir = copyExampleRepo()
    writeFiles(dir, { '.gitignore': 'scratch/\n.venv/\n' })
    initGitRepo(dir)
    writeFiles(dir, {
      'dspy/scratch/notes.md': '',
      'dspy/.venv/lib/site.py': '',
      'fresh/README.md': '# fresh\n',
      'fresh/OWNERS': '@alice\n',
      'fresh/pyproject.toml': readFileSync(path.join(dir, 'dspy/pyproject.toml'), 'utf8').replace(
        'name = "mellea-contribs-dspy"',
        'name = "mellea-contribs-fresh"'
      )
    })
    git(dir, 'rm', '-r', '-q', 'citations/examples')
    execFileSync('mkdir', [path.join(dir, 'citations/examples')])
    return dir
  }

  test('git (default): ignored output does not count, an empty folder is missing, a package not yet added is checked', async () => {
    const r = await runBundle({ action: 'validate-structure', workspace: workingCopy() })
    expect(parse(r.outputs.violations).map((v) => `${v.code} ${v.file}`)).toEqual([
      'CA102 citations/examples/',
      'CA102 fresh/tests/',
      'CA102 fresh/examples/',
      'CA108 fresh/mellea_contribs/'
    ])
  })

  test('disk: every folder counts, ignored or empty', async () => {
    const r = await runBundle({
      action: 'validate-structure',
      inputs: { listing: 'disk' },
      workspace: workingCopy()
    })
    expect(parse(r.outputs.violations).map((v) => `${v.code} ${v.file}`)).toEqual([
      'CA112 dspy/scratch/',
      'CA102 fresh/tests/',
      'CA102 fresh/examples/',
      'CA108 fresh/mellea_contribs/'
    ])
  })

  test('a path that does not exist fails with that, not with the listing', async () => {
    const r = await runBundle({
      action: 'validate-structure',
      inputs: { path: 'nowhere' },
      workspace: tempDir()
    })
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toMatch(/repository path "[^"]*nowhere" is not a directory/)
    expect(r.stderr).toBe('') // no crash from the git listing that could not start there
  })

  test('any other value fails before reading anything, naming the input', async () => {
    const r = await runBundle({
      action: 'validate-structure',
      inputs: { listing: 'index' },
      workspace: EXAMPLE_REPO
    })
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toContain('input `listing` must be git or disk (got "index")')
    expect(r.outputs.violations).toBeUndefined()
  })
})

test("another project's 69 packages: five suppressions each, or four repo-wide lines", async () => {
  // Packages shaped as another monorepo has them: `src/<name>/` and no shared namespace, no
  // OWNERS, no examples/. One of them really lacks its README.
  const dir = path.join(tempDir('contribs-foreign-'), 'repo')
  const { packages } = generateRepo(dir, { packages: 69, filesPerPackage: 0, git: false })
  const files: Record<string, string | null> = {
    'pyproject.toml': '[project]\nname = "acme-contrib"\nversion = "1.0.0"\ndependencies = []\n'
  }
  for (const { dir: d } of packages) {
    const name = path.posix.basename(d).replace(/^_+/, '').replace(/-/g, '_')
    Object.assign(files, {
      [`${d}/OWNERS`]: null,
      [`${d}/examples`]: null,
      [`${d}/mellea_contribs`]: null,
      [`${d}/src/${name}/__init__.py`]: ''
    })
  }
  const broken = packages[7].dir
  files[`${broken}/README.md`] = null
  writeFiles(dir, files)
  for (const { dir: d } of packages)
    edit(dir, `${d}/pyproject.toml`, 'packages = ["mellea_contribs"]', 'packages = ["src"]')
  initGitRepo(dir)

  // Zero configuration is mellea-contribs' contract: every package breaks five rules of it.
  const strict = await runBundle({ action: 'validate-structure', workspace: dir })
  expect(strict.exitCode).toBe(1)
  const pairs = new Set(parse(strict.outputs.violations).map((v) => `${v.package} ${v.code}`))
  expect(pairs.size).toBe(69 * 5)
  expect(new Set([...pairs].map((p) => p.split(' ')[1]))).toEqual(
    new Set(['CA101', 'CA102', 'CA105', 'CA108', 'CA112'])
  )

  // The project's own contract, for the whole repository (uncommitted: the working tree counts).
  writeFiles(dir, {
    'pyproject.toml': [
      files['pyproject.toml'],
      '[tool.acme-contrib]',
      'namespace = ""',
      'required_files = ["pyproject.toml", "README.md"]',
      'required_dirs = ["tests"]',
      'rules = { top-level-dir = "warning" }',
      ''
    ].join('\n')
  })
  const own = await runBundle({ action: 'validate-structure', workspace: dir })
  expect(own.exitCode).toBe(1)
  expect(parse(own.outputs.violations)).toEqual([
    {
      package: broken,
      code: 'CA101',
      message: 'missing required file: README.md',
      file: `${broken}/README.md`
    }
  ])
  const warned = own.annotations.filter((a) => a.level === 'warning')
  expect(warned).toHaveLength(69)
  expect(warned.every((a) => a.title?.startsWith('CA112 ') && a.file?.endsWith('/src'))).toBe(true)
  expect(own.outputs.summary).toBe('1 violation in 1 of 69 subpackages (69 warnings)')
})

describe('the opt-in registration checks (codeowners, check_smoke_matrix, check_extras)', () => {
  const CHECKS_ON = [
    '[tool.mellea-contribs]',
    'minimum_upstream_version = "0.5.0"',
    'codeowners = true',
    'check_smoke_matrix = true'
  ].join('\n')

  /** The example with a stale CODEOWNERS line for dspy and citations left out of the smoke matrix. */
  function drifted(): string {
    const dir = copyExampleRepo()
    edit(dir, '.github/CODEOWNERS', '/dspy/ @akihikokuroda', '/dspy/ @someone-who-left')
    edit(dir, '.github/smoke-matrix.json', ', "citations"]', ']')
    initGitRepo(dir)
    return dir
  }

  test('on: a stale CODEOWNERS line and a package missing from the smoke matrix, one violation each on its file and line', async () => {
    const dir = drifted()
    edit(
      dir,
      'pyproject.toml',
      '[tool.mellea-contribs]\nminimum_upstream_version = "0.5.0"',
      CHECKS_ON
    )
    const r = await runBundle({ action: 'validate-structure', workspace: dir })
    expect(r.exitCode).toBe(1)
    const codeownersLine =
      readFileSync(path.join(dir, '.github/CODEOWNERS'), 'utf8')
        .split('\n')
        .indexOf('/dspy/ @someone-who-left') + 1
    expect(parse(r.outputs.violations)).toEqual([
      {
        package: 'citations',
        code: 'CA118',
        file: '.github/smoke-matrix.json',
        line: 1,
        message: 'citations is not in the smoke matrix: add "citations" to "subpackages"'
      },
      {
        package: 'dspy',
        code: 'CA117',
        file: '.github/CODEOWNERS',
        line: codeownersLine,
        message:
          '`/dspy/ @someone-who-left` lists other owners than dspy/OWNERS: write `/dspy/ @akihikokuroda`'
      }
    ])
    expect(r.annotations.filter((a) => a.level === 'error' && a.file)).toEqual([
      expect.objectContaining({ file: '.github/smoke-matrix.json', line: 1 }),
      expect.objectContaining({ file: '.github/CODEOWNERS', line: codeownersLine })
    ])
    expect(r.outputs.summary).toMatch(/^2 violations in 2 of 6 subpackages/)
  })

  test('the same inputs turn them on from the workflow', async () => {
    const r = await runBundle({
      action: 'validate-structure',
      workspace: drifted(),
      inputs: { codeowners: 'true', 'check-smoke-matrix': 'true' }
    })
    expect(parse(r.outputs.violations).map((v) => `${v.code} ${v.package}`)).toEqual([
      'CA118 citations',
      'CA117 dspy'
    ])
  })

  test('off (the default): the same drift passes, exactly as before', async () => {
    const r = await runBundle({ action: 'validate-structure', workspace: drifted() })
    expect(r.exitCode).toBe(0)
    expect(r.outputs).toMatchObject({ ok: 'true', violations: '[]', count: '0' })
  })
})
