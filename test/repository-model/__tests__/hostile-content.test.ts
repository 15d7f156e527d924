// Whatever a pull request commits, the read-only actions end quickly with one clear message
// naming the file, and read nothing outside the checkout: a link to a device, to the process
// environment, to a folder outside, a loop, a 50 MB pyproject.toml, one that is not UTF-8. The
// built bundles, run as the runner runs them, on real git repositories.
import { readFileSync, truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runBundle, type BundleRunOptions, type BundleRunResult } from '@contribs-actions/cli'
import { mapLimit } from '@contribs-actions/shared'
import {
  cleanupTempDirs,
  commitAll,
  copyExampleRepo,
  EXAMPLE_PACKAGES,
  git,
  initGitRepo,
  tempDir,
  writeFiles,
  writeLink
} from '../../kit/fixtures.js'
import { jest } from '@jest/globals'
import { BUNDLE_TEST_TIMEOUT_MS, BUNDLES_AT_ONCE } from '../../kit/budgets.js'

afterAll(cleanupTempDirs)
// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

/** In every bundle's environment: a link to /proc/self/environ would carry it into the output. */
const MARKER = 'HOSTILE_MARKER_VALUE_6c1f'

const OUTSIDE_MESSAGE = 'a symbolic link to a path outside the checkout (not followed)'

interface Case {
  name: string
  /** The file the message must name. */
  file: string
  /** What the message says about it (after `<file>: `). */
  says: string
  make(dir: string, outside: string): void
}

const CASES: Case[] = [
  {
    name: 'pyproject.toml -> /dev/zero',
    file: 'dspy/pyproject.toml',
    says: OUTSIDE_MESSAGE,
    make: (dir) => writeLink(dir, 'dspy/pyproject.toml', '/dev/zero')
  },
  {
    name: 'OWNERS -> /proc/self/environ',
    file: 'dspy/OWNERS',
    says: OUTSIDE_MESSAGE,
    make: (dir) => writeLink(dir, 'dspy/OWNERS', '/proc/self/environ')
  },
  {
    name: 'pyproject.toml -> a folder outside the checkout',
    file: 'dspy/pyproject.toml',
    says: OUTSIDE_MESSAGE,
    make: (dir, outside) => writeLink(dir, 'dspy/pyproject.toml', outside)
  },
  {
    name: 'pyproject.toml -> itself (a loop)',
    file: 'dspy/pyproject.toml',
    says: 'a symbolic link that loops, or a chain of too many links (not followed)',
    make: (dir) => writeLink(dir, 'dspy/pyproject.toml', 'pyproject.toml')
  },
  {
    name: 'a 50 MB pyproject.toml',
    file: 'dspy/pyproject.toml',
    says: '52428800 bytes, over the 1048576-byte limit (1 MiB) for a repository file (not read)',
    // Sparse: the valid start of the file, then zeros up to 50 MB that cost no disk.
    make: (dir) => truncateSync(path.join(dir, 'dspy/pyproject.toml'), 50 * 1024 * 1024)
  },
  {
    name: 'a Latin-1 pyproject.toml',
    file: 'dspy/pyproject.toml',
    // `description = "f` is 16 characters: the ü is the 17th, on the description's line.
    says: 'not UTF-8: byte 0xFC at line 4, column 17; pip, uv and hatch read UTF-8 only, so save the file as UTF-8',
    make: (dir) => {
      const file = path.join(dir, 'dspy/pyproject.toml')
      const text = readFileSync(file, 'utf8').replace(
        /^description = ".*"$/m,
        'description = "f\u00fcr Mellea"'
      )
      writeFileSync(file, Buffer.from(text, 'latin1'))
    }
  }
]

/** The example repository with the case's content, committed as a pull request would. */
function hostileRepo(hostile: Case): string {
  const outside = tempDir('hostile-outside-')
  writeFiles(outside, { 'secret.txt': `${MARKER}\n`, 'pyproject.toml': `# ${MARKER}\n` })
  const dir = copyExampleRepo()
  hostile.make(dir, outside)
  initGitRepo(dir)
  return dir
}

const ACTIONS: Pick<BundleRunOptions, 'action' | 'inputs' | 'event'>[] = [
  { action: 'validate-structure' },
  { action: 'read-ci-config', inputs: { packages: 'all' } },
  { action: 'discover', event: { name: 'schedule', payload: {} } },
  {
    action: 'release',
    inputs: { mode: 'rewrite', version: '0.6.0', repository: 'acme/contribs', 'dry-run': 'true' }
  }
]

/** Every action on every case: five bundles at a time (test/kit/budgets.ts). */
async function runAll(): Promise<Map<string, BundleRunResult>> {
  const repos = CASES.map(hostileRepo)
  const runs = CASES.flatMap((c, i) => ACTIONS.map((a) => ({ c, a, workspace: repos[i] })))
  const results = await mapLimit(runs, BUNDLES_AT_ONCE, ({ a, workspace }) =>
    runBundle({ ...a, workspace, env: { HOSTILE_MARKER: MARKER } })
  )
  return new Map(runs.map((r, i) => [`${r.a.action} / ${r.c.name}`, results[i]]))
}

let results: Map<string, BundleRunResult>
beforeAll(async () => {
  results = await runAll()
})

/** Nothing from outside the checkout, and no stack trace, anywhere the run writes. */
function expectClean(result: BundleRunResult): void {
  const everything = [
    result.stdout,
    result.stderr,
    result.summary,
    JSON.stringify(result.outputs)
  ].join('\n')
  expect(everything).not.toContain(MARKER)
  expect(everything).not.toMatch(/unexpected error|\n\s+at .*\(.*:\d+:\d+\)/)
}

/** The error annotations on a file (the step's own failure line names none). */
const errorsOf = (r: BundleRunResult) =>
  r.annotations.filter((a) => a.level === 'error' && a.file !== undefined)

describe.each(CASES)('$name', (c) => {
  const says = c.says
  const owners = c.file.endsWith('OWNERS')

  test('validate-structure: one violation on the file, saying why it was not read', () => {
    const r = results.get(`validate-structure / ${c.name}`)!
    expectClean(r)
    expect(r.exitCode).toBe(1)
    const name = path.basename(c.file)
    expect(JSON.parse(r.outputs.violations)).toEqual([
      expect.objectContaining({
        code: owners ? 'CA103' : 'CA104',
        file: c.file,
        message: `${name} is ${c.says}`
      })
    ])
    expect(errorsOf(r)).toEqual([expect.objectContaining({ file: c.file })])
  })

  test('read-ci-config: fails on the file when it needs it, never reads OWNERS', () => {
    const r = results.get(`read-ci-config / ${c.name}`)!
    expectClean(r)
    if (owners) {
      expect(r.exitCode).toBe(0)
      expect(Object.keys(JSON.parse(r.outputs.configs))).toEqual(EXAMPLE_PACKAGES)
      return
    }
    expect(r.exitCode).toBe(1)
    expect(errorsOf(r)).toEqual([expect.objectContaining({ file: c.file, message: says })])
  })

  test('discover: one error naming the file, or the full matrix when it only looks at OWNERS', () => {
    const r = results.get(`discover / ${c.name}`)!
    expectClean(r)
    if (owners) {
      expect(r.exitCode).toBe(0)
      expect(JSON.parse(r.outputs.matrix)).toEqual(EXAMPLE_PACKAGES)
      return
    }
    expect(r.exitCode).toBe(1)
    // The package's file is refused as every action reads it: a finding on the file, its reason.
    expect(errorsOf(r)).toEqual([expect.objectContaining({ file: c.file, message: says })])
  })
})

describe.each(CASES)('release (rewrite) with $name', (c) => {
  test('the package it cannot read is a straggler saying why, with a warning on the file', () => {
    const r = results.get(`release / ${c.name}`)!
    expectClean(r)
    expect(r.exitCode).toBe(0)
    const stragglers = JSON.parse(r.outputs.stragglers) as { package: string; why: string }[]
    if (c.file.endsWith('OWNERS')) {
      expect(stragglers).toEqual([]) // a release never reads OWNERS
      return
    }
    expect(stragglers).toEqual([
      expect.objectContaining({ package: 'dspy', kind: 'unreadable', why: c.says })
    ])
    expect(r.annotations.filter((a) => a.file === c.file)).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: `${c.says}; dspy is left out of the release`
      })
    ])
  })
})

// On a pull request discover also searches the text of every package whose pyproject.toml does
// not parse for the names of the changed ones (it may depend on them): a file refused unread has
// no text to search, and is never opened for it.
test.each([
  { name: '/dev/zero', make: (dir: string) => writeLink(dir, 'dspy/pyproject.toml', '/dev/zero') },
  { name: 'a loop', make: (dir: string) => writeLink(dir, 'dspy/pyproject.toml', 'pyproject.toml') }
])(
  'discover on a pull request beside a package whose pyproject.toml is a link to $name',
  async ({ make }) => {
    const dir = copyExampleRepo()
    make(dir)
    const base = initGitRepo(dir)
    writeFiles(dir, { 'crewai/README.md': '# crewai\n\nChanged.\n' })
    const head = commitAll(dir, 'change crewai')
    const r = await runBundle({
      action: 'discover',
      workspace: dir,
      env: { HOSTILE_MARKER: MARKER },
      event: {
        name: 'pull_request',
        payload: {
          pull_request: {
            number: 3,
            base: { sha: base, ref: 'main' },
            head: { sha: head, ref: 'feature' }
          }
        }
      }
    })
    expectClean(r)
    expect(r.exitCode).toBe(0)
    expect(JSON.parse(r.outputs.matrix)).toEqual(['crewai'])
  }
)

test('folders: a package linked from outside, a loop and a link inside a package are never followed', async () => {
  const outside = tempDir('hostile-outside-')
  writeFiles(outside, {
    'pkg/pyproject.toml': `[project]\nname = "${MARKER}"\n`,
    'pkg/OWNERS': `@${MARKER}\n`
  })
  const dir = copyExampleRepo()
  writeLink(dir, 'evil', path.join(outside, 'pkg'))
  writeLink(dir, 'loop', 'loop')
  writeLink(dir, 'dspy/docs', outside)
  initGitRepo(dir)
  const env = { HOSTILE_MARKER: MARKER }
  const [validate, configs, discover] = await Promise.all([
    runBundle({ action: 'validate-structure', workspace: dir, env }),
    runBundle({ action: 'read-ci-config', inputs: { packages: 'all' }, workspace: dir, env }),
    runBundle({ action: 'discover', event: { name: 'schedule', payload: {} }, workspace: dir, env })
  ])
  for (const r of [validate, configs, discover]) {
    expectClean(r)
    expect(r.exitCode).toBe(0)
  }
  // Skipped with a notice: neither is a package, and nothing in them was listed or read.
  expect(validate.stdout).toContain(
    'skipped evil: a symbolic link is never a package, nor followed (a symbolic link to a path outside the checkout)'
  )
  expect(validate.stdout).toContain(
    'skipped loop: a symbolic link is never a package, nor followed (a symbolic link that loops, or a chain of too many links)'
  )
  expect(Object.keys(JSON.parse(configs.outputs.configs))).toEqual(EXAMPLE_PACKAGES)
  expect(JSON.parse(discover.outputs.matrix)).toEqual(EXAMPLE_PACKAGES)
})

test('in a nested layout too, a link where the globs look for packages is skipped with a notice', async () => {
  const outside = tempDir('hostile-outside-')
  writeFiles(outside, { 'pkg/pyproject.toml': `[project]\nname = "${MARKER}"\n` })
  const dir = copyExampleRepo()
  writeFiles(dir, {
    'python/real/pyproject.toml': '[project]\nname = "real"\nversion = "0.6.0"\n',
    'python/README.md': '# python\n'
  })
  writeLink(dir, 'python/outlink', path.join(outside, 'pkg'))
  writeLink(dir, 'python/inner', '../dspy')
  initGitRepo(dir)
  const r = await runBundle({
    action: 'validate-structure',
    inputs: { 'package-globs': 'python/*' },
    workspace: dir,
    env: { HOSTILE_MARKER: MARKER }
  })
  expectClean(r)
  expect(r.stdout).toContain(
    'skipped python/outlink: a symbolic link is never a package, nor followed (a symbolic link to a path outside the checkout)'
  )
  expect(r.stdout).toMatch(
    /skipped python\/inner: a symbolic link is never a package, nor followed/
  )
  // A file the glob matches is no package and no link: nothing to say.
  expect(r.stdout).not.toContain('python/README.md:')
  expect(JSON.parse(r.outputs.violations).map((v: { package: string }) => v.package)).not.toContain(
    'python/outlink'
  )
})

describe('the files every action reads first stop every action, naming the file', () => {
  const ROOT_CASES = [
    {
      name: 'the grandfather list -> a file outside',
      file: '.github/scripts/grandfather_legacy.json',
      says: OUTSIDE_MESSAGE,
      make: (dir: string, outside: string) =>
        writeLink(dir, '.github/scripts/grandfather_legacy.json', path.join(outside, 'secret.txt'))
    },
    {
      name: 'the grandfather list is a folder',
      file: '.github/scripts/grandfather_legacy.json',
      says: 'a folder, not a regular file (not opened)',
      make: (dir: string) =>
        writeFiles(dir, {
          '.github/scripts/grandfather_legacy.json': null,
          '.github/scripts/grandfather_legacy.json/x': ''
        })
    },
    {
      name: 'the root pyproject.toml -> /dev/zero',
      file: 'pyproject.toml',
      says: OUTSIDE_MESSAGE,
      make: (dir: string) => writeLink(dir, 'pyproject.toml', '/dev/zero')
    },
    {
      name: 'the root pyproject.toml is a folder',
      file: 'pyproject.toml',
      says: 'a folder, not a regular file (not opened)',
      make: (dir: string) => writeFiles(dir, { 'pyproject.toml': null, 'pyproject.toml/x': '' })
    }
  ]
  test.each(ROOT_CASES)('$name', async (c) => {
    const outside = tempDir('hostile-outside-')
    writeFiles(outside, { 'secret.txt': `${MARKER}\n` })
    const dir = copyExampleRepo()
    c.make(dir, outside)
    initGitRepo(dir)
    const runs = await Promise.all(
      ACTIONS.map((a) => runBundle({ ...a, workspace: dir, env: { HOSTILE_MARKER: MARKER } }))
    )
    for (const r of runs) {
      expectClean(r)
      expect(r.exitCode).toBe(1)
      expect(errorsOf(r)).toEqual([
        expect.objectContaining({ file: c.file, message: `${c.file}: ${c.says}` })
      ])
    }
  })
})

test('a folder or file named with a line break and a workflow command injects nothing', async () => {
  const dir = copyExampleRepo()
  const injected = 'x\n::error title=INJECTED::pwned\n::stop-commands::stopped\ny'
  const main = initGitRepo(dir)
  git(dir, 'checkout', '-q', '-b', 'feature')
  writeFiles(dir, {
    [`python/${injected}/pyproject.toml`]: '[project]\nname = "injected"\nversion = "0.6.0"\n',
    [`dspy/${injected}.py`]: '',
    [`${injected}.txt`]: ''
  })
  const head = commitAll(dir, 'hostile names')
  const event = {
    name: 'pull_request',
    payload: { pull_request: { number: 1, base: { sha: main, ref: 'main' }, head: { sha: head } } }
  }
  const inputs = { 'package-globs': '*,python/*' }
  const runs = await Promise.all([
    runBundle({ action: 'discover', event, inputs, workspace: dir }),
    runBundle({ action: 'validate-structure', inputs, workspace: dir }),
    runBundle({ action: 'read-ci-config', inputs: { ...inputs, packages: 'all' }, workspace: dir })
  ])
  for (const r of runs) {
    // A command the name itself would start: a line beginning with it.
    const injected = r.stdout
      .split(/\r\n|\r|\n/)
      .filter((line) => /^(::error title=INJECTED|::stop-commands)/.test(line.trimStart()))
    expect(injected).toEqual([])
    expect(r.stdout).toContain('::error title=INJECTED')
    expect(r.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        message: expect.stringContaining('is never a subpackage')
      })
    )
  }
  const [discover] = runs
  expect(JSON.parse(discover.outputs.matrix)).toEqual(['dspy'])
})
