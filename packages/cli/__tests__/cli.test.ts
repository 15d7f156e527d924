import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { isTokenInput } from '../src/action-yml.js'
import { parseCommand, UsageError, type CliArgs } from '../src/args.js'
import { outputsAsJson } from '../src/format.js'
import { actionUsage } from '../src/help.js'
import { markdownToText } from '../src/markdown-text.js'
import { catalogOf } from '../src/paths.js'
import { parseAnnotations, parseOutputFile } from '../src/run-bundle.js'
import {
  cleanupTempDirs,
  commitAll,
  copyExampleRepo,
  EXAMPLE_REPO,
  initGitRepo,
  REPO_ROOT,
  tempDir,
  writeFiles
} from '../../../test/kit/fixtures.js'
import { jest } from '@jest/globals'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)
afterAll(cleanupTempDirs)

const CLI = path.join(REPO_ROOT, 'packages/cli/bin/contribs-actions.mjs')
const catalog = catalogOf(path.join(REPO_ROOT, 'actions'))

/** The real bin, as a user runs it; no GITHUB_TOKEN, so nothing can write anywhere. */
function cli(...args: string[]) {
  const env = { ...process.env }
  delete env.GITHUB_TOKEN
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env })
}

function run(argv: string[]): CliArgs {
  const command = parseCommand(argv, catalog)
  if (command.kind !== 'run') throw new Error(`not a run: ${command.kind}`)
  return command.args
}

function usageError(argv: string[]): string {
  try {
    parseCommand(argv, catalog)
  } catch (e) {
    if (e instanceof UsageError) return e.message
    throw e
  }
  throw new Error(`no usage error for ${argv.join(' ')}`)
}

describe('parsing', () => {
  test('flags are the action inputs; --format and the event options are the CLI own', () => {
    expect(
      run([
        'read-ci-config',
        '--path',
        'x',
        '--package=dspy',
        '--format',
        'json',
        '--event',
        'push'
      ])
    ).toEqual({
      action: 'read-ci-config',
      format: 'json',
      inputs: { path: 'x', package: 'dspy' },
      eventName: 'push'
    })
  })

  test('a boolean input is a bare flag, and takes =false, --no-, and a following true/false', () => {
    const dryRun = (...flags: string[]) => run(['bump-versions', ...flags]).inputs['dry-run']
    expect(dryRun('--dry-run')).toBe('true')
    expect(dryRun('--dry-run=true')).toBe('true')
    expect(dryRun('--dry-run=false')).toBe('false')
    expect(dryRun('--no-dry-run')).toBe('false')
    expect(dryRun('--dry-run', 'false', '--version', '1.0')).toBe('false')
    expect(dryRun('--version', '1.0')).toBeUndefined() // the action.yml default applies
    expect(usageError(['bump-versions', '--dry-run=maybe'])).toBe(
      "--dry-run is true or false (got 'maybe')"
    )
  })

  test('mistakes are usage errors that name the nearest flag or action', () => {
    expect(usageError(['read-ci-config', '--packag', 'dspy'])).toBe(
      "unknown option '--packag' (did you mean '--package'?)"
    )
    expect(usageError(['bump-versions', '--no-dryrun'])).toBe(
      "unknown option '--no-dryrun' (did you mean '--no-dry-run'?)"
    )
    expect(usageError(['read-ci-config', '--colour'])).toBe("unknown option '--colour'")
    expect(usageError(['dicover'])).toBe("unknown action 'dicover' (did you mean 'discover'?)")
    expect(usageError([])).toBe('missing action')
    expect(usageError(['read-ci-config', '--package'])).toContain("'--package <value>'")
    expect(usageError(['read-ci-config', 'stray'])).toContain("Unexpected argument 'stray'")
    expect(usageError(['read-ci-config', '--format', 'yaml'])).toBe(
      "--format is text or json (got 'yaml')"
    )
  })

  test('a token is refused on the command line, under any of its input names', () => {
    for (const argv of [
      ['read-ci-config', '--token', 'abc'],
      ['bump-versions', '--token=abc'],
      ['smoke-reporter', '--actions-token', 'abc']
    ])
      expect(usageError(argv)).toContain('never passed on the command line')
  })

  test('--help anywhere after the action asks for its help, even beside a mistake', () => {
    expect(parseCommand(['read-ci-config', '--packag', 'x', '-h'], catalog)).toEqual({
      kind: 'action-help',
      action: 'read-ci-config'
    })
  })

  test("every action's help lists each of its inputs but the tokens, with its description", () => {
    for (const action of catalog.actions) {
      const manifest = catalog.manifest(action)
      const help = actionUsage(action, manifest, 1000)
      for (const [name, input] of Object.entries(manifest.inputs ?? {})) {
        const firstWords = (input.description ?? '').split(/\s+/).slice(0, 4).join(' ')
        if (isTokenInput(input)) expect(help).not.toMatch(new RegExp(`--${name}\\b`))
        else expect(help).toContain(`--${name}`)
        expect(help).toContain(isTokenInput(input) ? `\`${name}\`` : firstWords)
      }
    }
  })
})

describe('printing', () => {
  test('a job summary reads as text: no Markdown marks, no HTML, tables in columns', () => {
    const md = [
      '## discover',
      '',
      '**Reason:** `changed: dspy`',
      '',
      '<!-- a marker the next run reads -->',
      '| package | result | why |',
      '| --- | --- | --- |',
      '| `dspy` | ✅ pass | — |',
      '| `crewai` | ❌ fail (2) | **CA101** a<br>**CA105** b \\| c |',
      '',
      '<details><summary>Changed files (1) &amp; more</summary>',
      '',
      '- `dspy/README.md`',
      '</details>',
      ''
    ].join('\n')
    expect(markdownToText(md)).toBe(
      [
        'discover',
        '',
        'Reason: changed: dspy',
        '',
        'package  result       why',
        '-------  -----------  -----------',
        'dspy     ✅ pass      —',
        'crewai   ❌ fail (2)  CA101 a',
        '                      CA105 b | c',
        '',
        'Changed files (1) & more',
        '',
        '- dspy/README.md'
      ].join('\n')
    )
  })

  test('JSON outputs: objects and arrays parsed, every other output the string the action set', () => {
    expect(
      outputsAsJson({
        configs: '{"dspy":{"timeout_minutes":90}}',
        matrix: '["a"]',
        version: '1.10',
        any: 'true',
        reason: '[x] is not JSON'
      })
    ).toEqual({
      configs: { dspy: { timeout_minutes: 90 } },
      matrix: ['a'],
      version: '1.10',
      any: 'true',
      reason: '[x] is not JSON'
    })
  })
})

test('output and annotation parsing follow the runner file formats', () => {
  expect(parseOutputFile('a<<ghadelimiter_1\nx\ny\nghadelimiter_1\nb=2\n')).toEqual({
    a: 'x\ny',
    b: '2'
  })
  expect(
    parseAnnotations('::warning file=a%2Cb.toml,line=3,title=T::50%25 done%0Anext\nplain\n')
  ).toEqual([
    { level: 'warning', file: 'a,b.toml', line: 3, title: 'T', message: '50% done\nnext' }
  ])
})

test('expressions in action.yml defaults are evaluated as the runner would', async () => {
  const { evaluateDefaults } = await import('../src/run-bundle.js')
  expect(
    evaluateDefaults({ token: '${{ github.token }}', other: '${{ secrets.X }}', plain: 'a' }, 'tok')
  ).toEqual({
    token: 'tok',
    other: '',
    plain: 'a'
  })
})

describe('the bin', () => {
  test.each([['--help'], ['-h']])('%s: exit 0, usage and every action on stdout', (flag) => {
    const r = cli(flag)
    expect(r.status).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/^usage: contribs-actions <action>/)
    for (const action of catalog.actions) expect(r.stdout).toContain(`  ${action}\n`)
  })

  test('<action> --help: exit 0, its inputs with descriptions and defaults', () => {
    const r = cli('read-ci-config', '--help')
    expect(r.status).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/^usage: contribs-actions read-ci-config /)
    expect(r.stdout).toMatch(
      / {2}--path VALUE\n {6}Repository root \(the checkout\)\. \(default: \.\)\n/
    )
    expect(r.stdout).toMatch(/ {2}--package VALUE\n {6}One subpackage folder;/)
    expect(cli('bump-versions', '-h').stdout).toContain('--dry-run, --no-dry-run')
  })

  test('--version prints the version of packages/cli/package.json', () => {
    const { version } = JSON.parse(
      readFileSync(path.join(REPO_ROOT, 'packages/cli/package.json'), 'utf8')
    ) as { version: string }
    const r = cli('--version')
    expect(r.status).toBe(0)
    expect(r.stdout).toBe(`${version}\n`)
  })

  test('a mistyped flag: exit 2, nothing on stdout, stderr names the flag meant', () => {
    const r = cli('read-ci-config', '--packag', 'dspy')
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain("unknown option '--packag' (did you mean '--package'?)")
    expect(r.stderr).toContain('contribs-actions read-ci-config --help')
  })

  test.each([[[]], [['no-such-action']], [['read-ci-config', '--token', 'abc']]])(
    'usage error %j: exit 2, the message on stderr only',
    (argv) => {
      const r = cli(...argv)
      expect(r.status).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(/^contribs-actions: /)
    }
  )

  test('text: the job summary as plain text, then the outputs', () => {
    const r = cli('read-ci-config', '--path', EXAMPLE_REPO, '--package', 'dspy')
    expect(r.status).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/^read-ci-config\n\nread the CI settings of 1 package/)
    expect(r.stdout).toMatch(/\npackage +timeout \(min\) +python +skip_ollama/)
    expect(r.stdout).toMatch(/\ndspy +90 +3\.11, 3\.12 +true /)
    expect(r.stdout).not.toMatch(/[|`#]/)
    expect(r.stdout).toContain('\noutputs\nskip_ollama: true\ntimeout_minutes: 90\n')
  })

  test('--format json: one object of the outputs, a JSON-valued output as an object', () => {
    const r = cli('read-ci-config', '--path', EXAMPLE_REPO, '--packages', 'all', '--format', 'json')
    expect(r.status).toBe(0)
    const outputs = JSON.parse(r.stdout) as { configs: Record<string, unknown>; summary: string }
    expect(Object.keys(outputs).sort()).toEqual(['configs', 'summary'])
    expect(typeof outputs.configs).toBe('object')
    expect(outputs.configs.dspy).toMatchObject({ timeout_minutes: 90, skip_ollama: true })
    expect(outputs.summary).toMatch(/^read the CI settings of 6 packages/)
  })

  test('a bare boolean flag reaches the action: --dry-run plans, --dry-run=false needs a token', () => {
    const planned = cli('bump-versions', '--path', EXAMPLE_REPO, '--version', '0.8.0', '--dry-run')
    expect(planned.status).toBe(0)
    expect(planned.stdout).toContain('dry run for 0.8.0')
    expect(planned.stdout).toMatch(/\n1 +_integration_core +0\.6\.0 -> 0\.8\.0 +would open /)
    const written = cli(
      'bump-versions',
      '--path',
      EXAMPLE_REPO,
      '--version',
      '0.8.0',
      '--dry-run=false'
    )
    expect(written.status).toBe(1)
    expect(written.stderr).toContain('input `token` is required')
  })

  test("the action's failure: its exit status, the error on stderr and not on stdout", () => {
    const r = cli('read-ci-config', '--path', EXAMPLE_REPO, '--package', 'nope')
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('error: no subpackage "nope"')
    expect(r.stdout).not.toContain('nope')
  })

  test('--debug prints the step log with its debug lines; without it, neither', () => {
    const dir = copyExampleRepo()
    initGitRepo(dir)
    const base = commitAll(dir, 'empty')
    writeFiles(dir, { '_integration_core/README.md': '# changed\n' })
    commitAll(dir, 'change the core')
    const args = ['discover', '--path', dir, '--base', base]
    const debug = cli(...args, '--debug')
    expect(debug.status).toBe(0)
    expect(debug.stderr).toContain('-- Decision\n')
    expect(debug.stderr).toContain(
      'debug: _integration_core runs: changed _integration_core/README.md\ndebug: crewai runs: dependent of _integration_core\n'
    )
    const quiet = cli(...args)
    expect(quiet.status).toBe(0)
    expect(quiet.stderr).not.toContain('debug:')
    expect(quiet.stdout).toBe(debug.stdout)
  })

  test('an error on a file names its place once', () => {
    const dir = copyExampleRepo()
    writeFiles(dir, {
      'pyproject.toml': readFileSync(path.join(dir, 'pyproject.toml'), 'utf8').concat(
        '\n[tool.uv.workspace]\nmembers = "libs/*"\n'
      )
    })
    const r = cli('read-ci-config', '--path', dir, '--packages', 'all')
    expect(r.status).toBe(1)
    const line =
      readFileSync(path.join(dir, 'pyproject.toml'), 'utf8')
        .split('\n')
        .indexOf('members = "libs/*"') + 1
    expect(r.stderr).toContain(
      `pyproject.toml:${line}: error: [tool.uv.workspace] members must be a list of strings (got "libs/*")\n`
    )
  })
})

test('the packed package runs on its own: npm pack ships the action bundles it runs', () => {
  // A copy of what packing reads (the CLI and the actions beside it), so packing here never
  // touches the work tree another test may be running the CLI from.
  const repo = tempDir('contribs-pack-')
  for (const rel of ['bin', 'dist', 'scripts', 'package.json'])
    cpSync(path.join(REPO_ROOT, 'packages/cli', rel), path.join(repo, 'packages/cli', rel), {
      recursive: true
    })
  for (const action of catalog.actions)
    for (const rel of ['action.yml', 'dist'])
      cpSync(
        path.join(REPO_ROOT, 'actions', action, rel),
        path.join(repo, 'actions', action, rel),
        {
          recursive: true
        }
      )
  const out = tempDir('contribs-packed-')
  execFileSync('npm', ['pack', '--silent', '--pack-destination', out], {
    cwd: path.join(repo, 'packages/cli'),
    stdio: 'ignore'
  })
  const [tarball] = readdirSync(out)
  execFileSync('tar', ['xzf', tarball], { cwd: out })
  const installed = path.join(out, 'package')
  expect(readdirSync(path.join(installed, 'actions')).sort()).toEqual(catalog.actions)
  expect(readdirSync(path.join(repo, 'packages/cli'))).not.toContain('actions') // postpack
  // Nothing outside the unpacked folder holds an actions/ folder it could fall back on.
  const r = spawnSync(
    process.execPath,
    [
      path.join(installed, 'bin/contribs-actions.mjs'),
      'read-ci-config',
      '--path',
      EXAMPLE_REPO,
      '--package',
      'dspy',
      '--format',
      'json'
    ],
    { encoding: 'utf8' }
  )
  expect(r.stderr).toBe('')
  expect(JSON.parse(r.stdout)).toMatchObject({ timeout_minutes: '90' })
})

describe('contribs-actions codeowners', () => {
  test('prints the whole file: other lines kept, a stale line rewritten, a missing one added at the end', () => {
    const dir = copyExampleRepo()
    const file = path.join(dir, '.github/CODEOWNERS')
    const example = readFileSync(file, 'utf8')
    const stale = example
      .replace('/dspy/ @akihikokuroda', '/dspy/ @someone-who-left')
      .replace('/citations/ @planetf1\n', '')
    writeFiles(dir, { '.github/CODEOWNERS': stale })
    const r = cli('codeowners', '--path', dir)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(r.stdout).toBe(
      `${example.replace('/citations/ @planetf1\n', '')}/citations/ @planetf1\n`
    )
    // The example's own file is what the command prints for it.
    expect(cli('codeowners', '--path', EXAMPLE_REPO).stdout).toBe(example)
  })

  test('settings that do not read: exit 1, the file and line on stderr', () => {
    const dir = copyExampleRepo()
    writeFiles(dir, {
      'pyproject.toml':
        readFileSync(path.join(dir, 'pyproject.toml'), 'utf8') + 'codeowners = "../x"\n'
    })
    const r = cli('codeowners', '--path', dir)
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(
      /^contribs-actions codeowners: pyproject.toml:\d+: .*codeowners must be/
    )
  })

  test('--help prints its usage; an unknown flag is a usage error', () => {
    expect(cli('codeowners', '--help').stdout).toMatch(/^usage: contribs-actions codeowners /)
    const r = cli('codeowners', '--pth', '.')
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("Try 'contribs-actions codeowners --help'.")
  })
})
