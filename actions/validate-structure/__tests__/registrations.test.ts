// The opt-in checks (CA117 CODEOWNERS, CA118 smoke matrix, CA119 extras), over copies of
// examples/contribs-repo.
import { appendFileSync, readFileSync } from 'node:fs'
import path from 'node:path'
import {
  cleanupTempDirs,
  copyExampleRepo,
  writeFiles,
  writeLink
} from '../../../test/kit/fixtures.js'
import { validate } from './kit.js'

afterAll(cleanupTempDirs)

const ON = ['codeowners = true', 'check_smoke_matrix = true', 'check_extras = true']

/** A copy of the example repo with `settings` added to its settings table and `files` written. */
function repoWith(settings: string[], files: Record<string, string | null> = {}): string {
  const dir = copyExampleRepo()
  appendFileSync(path.join(dir, 'pyproject.toml'), settings.map((s) => `${s}\n`).join(''))
  writeFiles(dir, files)
  return dir
}

const lineOf = (dir: string, rel: string, text: string) =>
  readFileSync(path.join(dir, rel), 'utf8').split('\n').indexOf(text) + 1

const ALL_EXTRA =
  'all = ["mellea-contribs[integration-core,dspy,crewai,langchain,agent-utilities,citations]"]'

/** The example's extras with an `all` extra, so every check starts clean. */
function withAll(dir: string): string {
  const file = path.join(dir, 'pyproject.toml')
  const text = readFileSync(file, 'utf8')
  writeFiles(dir, {
    'pyproject.toml': text.replace(
      'citations = ["mellea-contribs-citations"]\n',
      `citations = ["mellea-contribs-citations"]\n${ALL_EXTRA}\n`
    )
  })
  return dir
}

test('off by default: a stale CODEOWNERS and a package missing everywhere change nothing', async () => {
  const dir = repoWith([], {
    '.github/CODEOWNERS': '/dspy/ @nobody\n',
    '.github/smoke-matrix.json': '{"subpackages": []}\n',
    '.github/archived.json': 'not json'
  })
  const r = await validate(dir)
  expect(r.violations).toEqual([])
})

test('the example with its CODEOWNERS and an `all` extra keeps every check', async () => {
  const r = await validate(withAll(repoWith(ON)))
  expect(r.violations).toEqual([])
})

describe('CA117 codeowners', () => {
  test('a stale line is one violation on its line, with the line to write', async () => {
    const dir = repoWith(['codeowners = true'])
    const file = '.github/CODEOWNERS'
    const text = readFileSync(path.join(dir, file), 'utf8')
    writeFiles(dir, { [file]: text.replace('/dspy/ @akihikokuroda', '/dspy/ @someone-else') })
    const r = await validate(dir)
    expect(r.violations).toEqual([
      {
        package: 'dspy',
        code: 'CA117',
        file,
        line: lineOf(dir, file, '/dspy/ @someone-else'),
        message:
          '`/dspy/ @someone-else` lists other owners than dspy/OWNERS: write `/dspy/ @akihikokuroda`'
      }
    ])
  })

  test('a path names the file to read; a missing line names the line that decides now', async () => {
    const dir = repoWith(['codeowners = "docs/CODEOWNERS"'], {
      'docs/CODEOWNERS': '* @org/maint\n'
    })
    const r = await validate(dir)
    expect(r.codes).toEqual([
      'CA117 _integration_core',
      'CA117 agent-utilities',
      'CA117 citations',
      'CA117 crewai',
      'CA117 dspy',
      'CA117 langchain'
    ])
    expect(r.violations[4]).toMatchObject({ file: 'docs/CODEOWNERS', line: 1 })
    expect(r.violations[4].message).toContain('add `/dspy/ @akihikokuroda` after it')
  })

  test('the input turns it on over the table, and a suppression silences one package', async () => {
    const dir = repoWith(
      ['[tool.mellea-contribs.suppress]', 'dspy = { codeowners = "reviewed by the team" }'],
      {
        '.github/CODEOWNERS': '* @org/maint\n/dspy/ @x\n'
      }
    )
    expect((await validate(dir)).violations).toEqual([])
    const r = await validate(dir, { codeowners: 'true' })
    expect(r.codes).toHaveLength(5)
    expect(r.codes).not.toContain('CA117 dspy')
  })

  test('a malformed line is one finding on it; the other lines are still judged', async () => {
    const dir = repoWith(['codeowners = true'])
    const file = '.github/CODEOWNERS'
    appendFileSync(path.join(dir, file), '!/docs/ @x\n/RFCs/ nobody\n')
    const r = await validate(dir)
    expect(r.violations).toEqual([
      {
        package: '',
        code: 'CA117',
        file,
        line: lineOf(dir, file, '!/docs/ @x'),
        message:
          '`!/docs/ @x` is a negated pattern (`!`), which CODEOWNERS does not support: GitHub skips this line (and 1 more such line)'
      }
    ])
  })

  test('a CODEOWNERS that is a link out of the checkout is one finding, unread', async () => {
    const dir = repoWith(['codeowners = true'], { '.github/CODEOWNERS': null })
    writeLink(dir, '.github/CODEOWNERS', '/etc/passwd')
    const r = await validate(dir)
    expect(r.violations).toEqual([
      expect.objectContaining({
        code: 'CA117',
        file: '.github/CODEOWNERS',
        message: expect.stringContaining('a symbolic link to a path outside the checkout')
      })
    ])
  })

  test('a setting of the wrong type fails naming the key and the value', async () => {
    await expect(validate(repoWith(['check_extras = "yes"']))).rejects.toThrow(
      '[tool.mellea-contribs] check_extras must be true or false (got "yes")'
    )
  })

  test('a value that is neither a switch nor a path fails naming the key', async () => {
    await expect(validate(repoWith(['codeowners = "../CODEOWNERS"']))).rejects.toThrow(
      /codeowners must be true, false or a root-relative path/
    )
    await expect(validate(repoWith([]), { codeowners: '/etc/x' })).rejects.toThrow(
      /input `codeowners` must be true, false or a root-relative path/
    )
  })
})

describe('CA118 smoke matrix', () => {
  const MATRIX = '.github/smoke-matrix.json'

  test('a package missing from the list is one violation on the list, naming what to add', async () => {
    const dir = repoWith(['check_smoke_matrix = true'], {
      [MATRIX]:
        '{\n  "_comment": "opt-in list",\n  "subpackages": ["_integration_core", "dspy", "crewai", "langchain", "agent-utilities"]\n}\n'
    })
    const r = await validate(dir)
    expect(r.violations).toEqual([
      {
        package: 'citations',
        code: 'CA118',
        file: MATRIX,
        line: 3,
        message: 'citations is not in the smoke matrix: add "citations" to "subpackages"'
      }
    ])
  })

  test('an archived package is not wanted there, and one still listed is a violation on its line', async () => {
    const dir = repoWith(['check_smoke_matrix = true'], {
      [MATRIX]:
        '{"subpackages": [\n  "_integration_core",\n  "dspy",\n  "crewai",\n  "langchain",\n  "agent-utilities"\n]}\n',
      '.github/archived.json':
        '{"packages": [\n  "citations",\n  {"package": "crewai", "issue": "#12"}\n]}\n'
    })
    const r = await validate(dir)
    expect(r.violations).toEqual([
      {
        package: 'crewai',
        code: 'CA118',
        file: MATRIX,
        line: 4,
        message:
          'crewai is archived (.github/archived.json line 3) and still in the smoke matrix: remove "crewai" from "subpackages"'
      }
    ])
  })

  test('a listed folder that is no package is a violation on its line; a grandfathered one is not judged', async () => {
    const dir = repoWith(['check_smoke_matrix = true'], {
      [MATRIX]:
        '{"subpackages": [\n  "_integration_core", "dspy", "crewai", "langchain", "agent-utilities", "citations",\n  "reqlib",\n  "old_pkg"\n]}\n',
      '.github/scripts/grandfather_legacy.json': '{"legacy_paths": ["old_pkg"]}\n',
      'old_pkg/OWNERS': '@someone\n'
    })
    const r = await validate(dir)
    expect(r.violations).toEqual([
      {
        package: '',
        code: 'CA118',
        file: MATRIX,
        line: 3,
        message: '"reqlib" in the smoke matrix is not a subpackage: remove it'
      }
    ])
    // It fails the repository, not a subpackage, and the job summary lists it as such.
    expect(r.result.outputs.summary).toBe(
      '1 repository-wide violation; all 6 subpackages keep the structure contract'
    )
    expect(r.result.summary).toContain(
      '| **CA118 smoke-matrix** | "reqlib" in the smoke matrix is not a subpackage: remove it `.github/smoke-matrix.json:3` |'
    )
  })

  test('the matrix path is the smoke_matrix_file setting; a missing file says what to create', async () => {
    const r = await validate(
      repoWith(['check_smoke_matrix = true', 'smoke_matrix_file = "ci/smoke.json"'])
    )
    expect(r.violations).toEqual([
      expect.objectContaining({
        code: 'CA118',
        file: 'ci/smoke.json',
        message: expect.stringMatching(
          /^ci\/smoke.json not found: create it as \{"subpackages":\["_integration_core",/
        )
      })
    ])
  })

  test.each([
    ['{"subpackages": ["dspy",\n]}\n', 2, /^invalid JSON at line 2, column 1: unexpected "]"$/],
    ['{"subpackages": "dspy"}\n', 1, /^must be \{"subpackages"/]
  ])('a malformed matrix is one finding with its line: %j', async (text, line, message) => {
    const r = await validate(repoWith(['check_smoke_matrix = true'], { [MATRIX]: text }))
    expect(r.violations).toEqual([
      expect.objectContaining({
        code: 'CA118',
        file: MATRIX,
        line,
        message: expect.stringMatching(message)
      })
    ])
  })

  test('a malformed archived list is one finding naming it and its line', async () => {
    const r = await validate(
      repoWith(['check_smoke_matrix = true'], {
        '.github/archived.json': '{\n  "packages": [1]\n}\n'
      })
    )
    expect(r.violations).toEqual([
      expect.objectContaining({
        code: 'CA118',
        file: '.github/archived.json',
        line: 2,
        message: expect.stringMatching(/^must be \{"packages": \[\.\.\.\]\}.* \(got 1\)$/)
      })
    ])
  })

  test('a matrix that is not UTF-8 is one finding with the line of the bad byte, unread', async () => {
    const dir = repoWith(['check_smoke_matrix = true'])
    writeFiles(dir, { [MATRIX]: Buffer.from('{"subpackages":\n ["caf\xe9"]}\n', 'latin1') })
    const r = await validate(dir)
    expect(r.violations).toEqual([
      expect.objectContaining({
        code: 'CA118',
        file: MATRIX,
        line: 2,
        message: expect.stringMatching(
          /^\.github\/smoke-matrix\.json is not UTF-8: byte 0xE9 at line 2/
        )
      })
    ])
  })
})

describe('CA119 extras', () => {
  test('a package missing from its extra and from `all`: one violation with both lines to add', async () => {
    const dir = withAll(repoWith(['check_extras = true']))
    const text = readFileSync(path.join(dir, 'pyproject.toml'), 'utf8')
    writeFiles(dir, {
      'pyproject.toml': text
        .replace('citations = ["mellea-contribs-citations"]\n', '')
        .replace(',citations]', ']')
    })
    const r = await validate(dir)
    expect(r.violations).toEqual([
      {
        package: 'citations',
        code: 'CA119',
        file: 'pyproject.toml',
        line: lineOf(dir, 'pyproject.toml', '[project.optional-dependencies]'),
        message:
          'citations (mellea-contribs-citations) is not in the meta-package\'s extras: add `citations = ["mellea-contribs-citations"]` to [project.optional-dependencies] and "mellea-contribs-citations" to `all`'
      }
    ])
  })

  test('no `all` extra is one violation saying what to add; all_extra = "" checks none', async () => {
    const r = await validate(repoWith(['check_extras = true']))
    expect(r.violations).toEqual([
      expect.objectContaining({
        code: 'CA119',
        file: 'pyproject.toml',
        message: expect.stringContaining('the meta-package has no `all` extra: add `all = [')
      })
    ])
    expect(
      (await validate(repoWith(['check_extras = true', 'all_extra = ""']))).violations
    ).toEqual([])
  })

  test('an archived package still in an extra is a violation on that line', async () => {
    const dir = withAll(
      repoWith(['check_extras = true'], { '.github/archived.json': '{"packages": ["dspy"]}' })
    )
    const r = await validate(dir)
    expect(r.violations).toEqual([
      {
        package: 'dspy',
        code: 'CA119',
        file: 'pyproject.toml',
        line: lineOf(dir, 'pyproject.toml', 'dspy = ["mellea-contribs-dspy"]'),
        message:
          'dspy is archived (.github/archived.json line 1) and still in the meta-package\'s extras `dspy`, `all`: remove "mellea-contribs-dspy" there'
      }
    ])
  })

  test('`all` listing distributions directly counts too', async () => {
    const dir = repoWith(['check_extras = true'])
    const text = readFileSync(path.join(dir, 'pyproject.toml'), 'utf8')
    const names = [...text.matchAll(/^[a-z-]+ = \["(mellea-contribs-[a-z-]+)"\]$/gm)].map(
      (m) => m[1]
    )
    expect(names).toHaveLength(6)
    writeFiles(dir, {
      'pyproject.toml': text.replace(
        'citations = ["mellea-contribs-citations"]\n',
        `citations = ["mellea-contribs-citations"]\nall = ${JSON.stringify(names.slice(1))}\n`
      )
    })
    const r = await validate(dir)
    expect(r.violations).toEqual([
      expect.objectContaining({
        package: '_integration_core',
        message: expect.stringMatching(/add "mellea-contribs-integration-core" to `all`$/)
      })
    ])
  })
})
