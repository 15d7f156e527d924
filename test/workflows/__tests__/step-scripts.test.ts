// The shell inside the workflows, run in bash as the runner runs it: the smoke plan (fed by the
// real read-ci-config bundle), the upstream repin against a real git repository, the model
// server's checksum check, the template render and the install step. Fake tools on PATH stand in
// for the network (curl) and for uv, and record how they were called.
import { runBundle } from '@contribs-actions/cli'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { cleanupTempDirs, EXAMPLE_REPO, git, tempDir, writeFiles } from '../../kit/fixtures.js'
import { evaluate, jobRuns } from '../lib/expressions.js'
import { jobs, loadWorkflows, type Obj } from '../lib/load.js'
import { fakeTool, findStep, runStep } from '../lib/run-step.js'
import { jest } from '@jest/globals'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../kit/budgets.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

afterAll(cleanupTempDirs)

const wfs = new Map(loadWorkflows(['.github/workflows']).map((w) => [w.file, w]))
const smoke = wfs.get('.github/workflows/smoke.yml')!
const packageCi = wfs.get('.github/workflows/package-ci.yml')!
const contribsCi = wfs.get('.github/workflows/contribs-ci.yml')!

/** A copy of the example repository in a temporary folder (the checkout). */
function checkout(): string {
  const dir = tempDir('contribs-checkout-')
  execFileSync('cp', ['-R', `${EXAMPLE_REPO}/.`, dir])
  return dir
}

describe('smoke plan: the opted-in list, their CI settings, one leg per Python version', () => {
  const list = findStep(smoke, 'plan', 'list')
  const legs = findStep(smoke, 'plan', 'legs')

  test('from the example repo to the matrix GitHub would run', async () => {
    const root = checkout()
    const read = runStep(list, {
      cwd: root,
      env: { ROOT: '.', MATRIX_FILE: '.github/smoke-matrix.json' }
    })
    expect(read.status).toBe(0)
    const packages = JSON.parse(read.outputs.packages) as string[]
    expect(packages).toEqual([
      '_integration_core',
      'agent-utilities',
      'citations',
      'crewai',
      'dspy',
      'langchain'
    ])

    // The real read-ci-config bundle, as the `config` step runs it.
    const config = await runBundle({
      action: 'read-ci-config',
      inputs: { packages: read.outputs.packages },
      workspace: root
    })
    expect(config.exitCode).toBe(0)

    const built = runStep(legs, {
      env: { PACKAGES: read.outputs.packages, CONFIGS: config.outputs.configs, MAX_LEGS: '256' }
    })
    expect(built.status).toBe(0)
    expect(built.outputs.any).toBe('true')
    const include = JSON.parse(built.outputs.include) as { package: string; python: string }[]
    expect(include).toHaveLength(7)
    expect(include.filter((l) => l.package === 'dspy')).toEqual([
      { package: 'dspy', python: '3.11', timeout: 90 },
      { package: 'dspy', python: '3.12', timeout: 90 }
    ])
    expect(include).toContainEqual({ package: 'crewai', python: '3.12', timeout: 30 })
    expect(built.summary).toContain('| dspy | 3.11 | 90 |')

    // The smoke job GitHub builds from those outputs: one call of package-ci per leg, named so
    // that smoke-reporter finds the package in the first parentheses.
    const job = new Map(jobs(smoke)).get('smoke')!
    const ctx = {
      needs: {
        plan: { result: 'success', outputs: { any: 'true', include: built.outputs.include } }
      }
    }
    expect(jobRuns(job.if, ctx)).toBe(true)
    expect(evaluate(((job.strategy as Obj).matrix as Obj).include as string, ctx)).toEqual(include)
    expect(evaluate(job.name as string, { matrix: include[0] })).toBe(
      'smoke (_integration_core) py3.12'
    )
  })

  test('a missing or malformed list stops the run with the file and the expected shape', () => {
    const root = tempDir()
    const missing = runStep(list, { cwd: root, env: { ROOT: '.', MATRIX_FILE: 'smoke.json' } })
    expect(missing.status).toBe(1)
    expect(missing.errors[0]).toMatch(/^::error file=smoke\.json::smoke\.json not found/)
    for (const bad of ['{"subpackages": "dspy"}', '["dspy"]', '{"subpackages": [1]}', 'nope']) {
      writeFiles(root, { 'smoke.json': bad })
      const r = runStep(list, { cwd: root, env: { ROOT: '.', MATRIX_FILE: 'smoke.json' } })
      expect({ bad, status: r.status }).toEqual({ bad, status: 1 })
      expect(r.errors[0]).toContain('must be {"subpackages": ["<folder>", ...]}')
    }
  })

  test('an empty list runs no leg; more legs than a matrix holds is an error', () => {
    const empty = runStep(legs, { env: { PACKAGES: '[]', CONFIGS: '{}', MAX_LEGS: '256' } })
    expect(empty.outputs).toEqual({ include: '[]', any: 'false' })
    const configs = { a: { python_versions: ['3.11', '3.12', '3.13'], timeout_minutes: 30 } }
    const over = runStep(legs, {
      env: { PACKAGES: '["a"]', CONFIGS: JSON.stringify(configs), MAX_LEGS: '2' }
    })
    expect(over.status).toBe(1)
    expect(over.errors[0]).toContain('makes 3 legs; GitHub runs at most 2 jobs per matrix')
  })
})

describe('upstream repin: one commit, from a checked ref, against a real git repository', () => {
  const server = tempDir('contribs-git-server-')
  const upstream = path.join(server, 'generative-computing', 'mellea')
  mkdirSync(upstream, { recursive: true })
  git(upstream, 'init', '-q')
  git(upstream, 'commit', '-q', '--allow-empty', '-m', 'release')
  const released = git(upstream, 'rev-parse', 'HEAD')
  git(upstream, 'tag', '-a', 'v0.7.0', '-m', 'v0.7.0')
  git(upstream, 'commit', '-q', '--allow-empty', '-m', 'work on main')
  const head = git(upstream, 'rev-parse', 'HEAD')
  const base = {
    GITHUB_SERVER_URL: `file://${server}`,
    UPSTREAM_REPOSITORY: 'generative-computing/mellea'
  }

  const resolveStep = findStep(smoke, 'plan', 'upstream')
  const repin = findStep(packageCi, 'package-ci', 'repin')

  test('smoke resolves main to its head and an annotated tag to its commit', () => {
    const main = runStep(resolveStep, { env: { ...base, UPSTREAM_REF: 'main' } })
    expect(main.status).toBe(0)
    expect(main.outputs.sha).toBe(head)
    const tag = runStep(resolveStep, { env: { ...base, UPSTREAM_REF: 'v0.7.0' } })
    expect(tag.outputs.sha).toBe(released)
    const sha = runStep(resolveStep, { env: { ...base, UPSTREAM_REF: released } })
    expect(sha.outputs.sha).toBe(released)
  })

  test('package-ci reinstalls the upstream from git at that commit', () => {
    const bin = tempDir('contribs-bin-')
    const log = path.join(bin, 'uv.log')
    fakeTool(bin, 'uv', `printf '%s\\n' "$@" >> ${JSON.stringify(log)}`)
    const r = runStep(repin, {
      env: { ...base, UPSTREAM_REF: 'main', UPSTREAM_PACKAGE: 'mellea' },
      pathPrepend: [bin]
    })
    expect(r.status).toBe(0)
    expect(r.outputs.sha).toBe(head)
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
      'pip',
      'install',
      '--reinstall-package',
      'mellea',
      `mellea @ git+file://${server}/generative-computing/mellea@${head}`
    ])
    expect(r.summary).toContain(`repinned to generative-computing/mellea@${head} (main)`)
  })

  test('a ref, repository or package that is not a plain name stops before git or uv runs', () => {
    const bin = tempDir('contribs-bin-')
    const log = path.join(bin, 'calls.log')
    for (const tool of ['uv', 'git']) fakeTool(bin, tool, `echo ${tool} >> ${JSON.stringify(log)}`)
    const cases: [Record<string, string>, RegExp][] = [
      [{ UPSTREAM_REF: 'main; rm -rf ~' }, /upstream-ref must be a branch, tag or commit sha/],
      [{ UPSTREAM_REF: '--upload-pack=evil' }, /upstream-ref must be/],
      [{ UPSTREAM_REF: '../../etc' }, /upstream-ref must be/],
      [{ UPSTREAM_REPOSITORY: 'evil.com/x/y' }, /upstream-repository must be owner\/name/],
      [
        { UPSTREAM_PACKAGE: 'mellea @ https://evil' },
        /upstream-package must be a distribution name/
      ]
    ]
    for (const [over, message] of cases) {
      const r = runStep(repin, {
        env: { ...base, UPSTREAM_REF: 'main', UPSTREAM_PACKAGE: 'mellea', ...over },
        pathPrepend: [bin]
      })
      expect({ over, status: r.status }).toEqual({ over, status: 1 })
      expect(r.errors[0]).toMatch(message)
    }
    expect(existsSync(log)).toBe(false)
  })

  test('a ref the upstream does not have is an error naming it', () => {
    const r = runStep(resolveStep, { env: { ...base, UPSTREAM_REF: 'no-such-branch' } })
    expect(r.status).toBe(1)
    expect(r.errors[0]).toContain("no branch or tag 'no-such-branch'")
  })
})

describe('the model server: a pinned release, its sha256 checked before anything runs', () => {
  const step = findStep(packageCi, 'package-ci', 'ollama')

  /** A fake release tarball, and a fake curl serving it (and answering the health check). */
  function fakeRelease() {
    const work = tempDir('contribs-ollama-')
    const tree = path.join(work, 'tree')
    const ran = path.join(work, 'ollama-ran.log')
    fakeTool(path.join(tree, 'bin'), 'ollama', `echo "$*" >> ${JSON.stringify(ran)}`)
    const tarball = path.join(work, 'release.tgz')
    execFileSync('tar', ['-czf', tarball, '-C', tree, 'bin'])
    const sha = execFileSync('sha256sum', [tarball], { encoding: 'utf8' }).split(' ')[0]
    const bin = path.join(work, 'fake-bin')
    const calls = path.join(work, 'curl.log')
    fakeTool(
      bin,
      'curl',
      `out=""; url=""
while [ $# -gt 0 ]; do case "$1" in --output) out="$2"; shift 2 ;; -*) shift ;; *) url="$1"; shift ;; esac; done
echo "$url" >> ${JSON.stringify(calls)}
if [ -n "$out" ]; then cp ${JSON.stringify(tarball)} "$out"; fi`
    )
    return { sha, bin, ran, calls }
  }

  test('the right checksum: extracted, started, models pulled, on PATH for the tests', () => {
    const f = fakeRelease()
    const r = runStep(step, {
      env: { OLLAMA_VERSION: '0.13.0', OLLAMA_SHA256: f.sha, OLLAMA_PULL: 'granite4:micro' },
      pathPrepend: [f.bin]
    })
    expect(r.status).toBe(0)
    expect(readFileSync(f.calls, 'utf8').split('\n')[0]).toBe(
      'https://github.com/ollama/ollama/releases/download/v0.13.0/ollama-linux-amd64.tgz'
    )
    expect(readFileSync(f.ran, 'utf8')).toContain('pull granite4:micro')
    expect(r.path.trim()).toBe(path.join(r.runnerTemp, 'ollama', 'bin'))
    expect(r.env).toContain('OLLAMA_HOST=127.0.0.1:11434')
  })

  test('a wrong checksum refuses the download: nothing extracted, nothing run', () => {
    const f = fakeRelease()
    const r = runStep(step, {
      env: { OLLAMA_VERSION: '0.13.0', OLLAMA_SHA256: 'a'.repeat(64), OLLAMA_PULL: '' },
      pathPrepend: [f.bin]
    })
    expect(r.status).toBe(1)
    expect(r.errors).toEqual([
      expect.stringContaining('ollama-linux-amd64.tgz 0.13.0 does not match ollama-sha256')
    ])
    expect(existsSync(f.ran)).toBe(false)
    expect(existsSync(path.join(r.runnerTemp, 'ollama', 'bin'))).toBe(false)
    expect(r.path).toBe('')
  })

  test('a version or checksum that is not one is refused before any download', () => {
    const f = fakeRelease()
    for (const env of [
      { OLLAMA_VERSION: 'latest', OLLAMA_SHA256: f.sha, OLLAMA_PULL: '' },
      { OLLAMA_VERSION: '0.13.0', OLLAMA_SHA256: 'deadbeef', OLLAMA_PULL: '' }
    ]) {
      const r = runStep(step, { env, pathPrepend: [f.bin] })
      expect(r.status).toBe(1)
    }
    expect(existsSync(f.calls)).toBe(false)
  })

  test('an ARM64 runner downloads the arm64 asset (and needs its own checksum)', () => {
    const f = fakeRelease()
    runStep(step, {
      env: {
        OLLAMA_VERSION: '0.13.0',
        OLLAMA_SHA256: f.sha,
        OLLAMA_PULL: '',
        RUNNER_ARCH: 'ARM64'
      },
      pathPrepend: [f.bin]
    })
    expect(readFileSync(f.calls, 'utf8')).toContain('/v0.13.0/ollama-linux-arm64.tgz')
  })

  test('skipped when the package sets skip_ollama, or the caller turns it off', () => {
    const job = new Map(jobs(packageCi)).get('package-ci')!
    const s = (job.steps as Obj[]).find((x) => x.id === 'ollama')!
    const ctx = (skip: string, version = '0.13.0') => ({
      steps: { config: { outputs: { skip_ollama: skip } } },
      inputs: { 'ollama-version': version }
    })
    expect(jobRuns(s.if, ctx('false'))).toBe(true)
    expect(jobRuns(s.if, ctx('true'))).toBe(false)
    expect(jobRuns(s.if, ctx('false', ''))).toBe(false)
  })
})

describe('package-ci install and timeout steps', () => {
  const install = findStep(packageCi, 'package-ci', 'Install the package')
  const timeout = findStep(packageCi, 'package-ci', 'timeout')

  function withFakeUv() {
    const bin = tempDir('contribs-bin-')
    const log = path.join(bin, 'uv.log')
    fakeTool(bin, 'uv', `echo "$*" >> ${JSON.stringify(log)}`)
    return { bin, log }
  }

  test('by default: uv sync with every extra and group, --locked when the package has a lock', () => {
    const pkg = tempDir()
    const uv = withFakeUv()
    runStep(install, { cwd: pkg, env: { INSTALL_COMMAND: '' }, pathPrepend: [uv.bin] })
    writeFileSync(path.join(pkg, 'uv.lock'), '')
    runStep(install, { cwd: pkg, env: { INSTALL_COMMAND: '' }, pathPrepend: [uv.bin] })
    expect(readFileSync(uv.log, 'utf8').trim().split('\n')).toEqual([
      'sync --all-extras --all-groups',
      'sync --all-extras --all-groups --locked'
    ])
  })

  test("the caller's own install command runs instead", () => {
    const uv = withFakeUv()
    const r = runStep(install, {
      env: { INSTALL_COMMAND: 'uv pip install -e . && echo installed' },
      pathPrepend: [uv.bin]
    })
    expect(r.stdout).toContain('installed')
    expect(readFileSync(uv.log, 'utf8').trim()).toBe('pip install -e .')
  })

  test("the package's extra_pytest_args reach pytest as the arguments it meant", () => {
    const test_ = findStep(packageCi, 'package-ci', 'Test')
    const bin = tempDir('contribs-bin-')
    // A fake pytest printing the arguments pytest would read from PYTEST_ADDOPTS (shlex split).
    fakeTool(
      bin,
      'uv',
      `python3 -c 'import json, os, shlex; print(json.dumps(shlex.split(os.environ.get("PYTEST_ADDOPTS", ""))))'`
    )
    const argv = (extra: unknown) => {
      const r = runStep(test_, {
        env: { TEST_COMMAND: 'uv run --no-sync pytest', EXTRA_PYTEST_ARGS: JSON.stringify(extra) },
        pathPrepend: [bin]
      })
      expect(r.status).toBe(0)
      return JSON.parse(r.stdout.trim()) as string[]
    }
    expect(argv(null)).toEqual([])
    expect(argv("-m 'not e2e' -x")).toEqual(['-m', 'not e2e', '-x'])
    expect(argv(['-m', 'not e2e', "it's"])).toEqual(['-m', 'not e2e', "it's"])
    const bad = runStep(test_, {
      env: { TEST_COMMAND: 'true', EXTRA_PYTEST_ARGS: '{"a": 1}' },
      pathPrepend: [bin]
    })
    expect(bad.status).toBe(1)
    expect(bad.errors[0]).toContain('extra_pytest_args must be a string or a list of strings')
  })

  test("a timeout that differs from the package's setting is a warning naming both", () => {
    const r = runStep(timeout, { env: { GIVEN: '30', CONFIGURED: '90', PACKAGE: 'dspy' } })
    expect(r.status).toBe(0)
    expect(r.warnings).toEqual([
      expect.stringContaining(
        'dspy: this job runs with timeout-minutes 30, but the package asks for 90'
      )
    ])
    expect(
      runStep(timeout, { env: { GIVEN: '90', CONFIGURED: '90', PACKAGE: 'dspy' } }).warnings
    ).toEqual([])
  })
})

describe('template smoke: the cookiecutter template rendered into the repository', () => {
  const render = findStep(contribsCi, 'template-smoke', 'render')

  /** A fake uvx running "cookiecutter": renders {{cookiecutter.dir_name}} as my-algo. */
  function fakeUvx() {
    const bin = tempDir('contribs-bin-')
    fakeTool(
      bin,
      'uvx',
      `out=""; tpl=""
while [ $# -gt 0 ]; do case "$1" in --output-dir) out="$2"; shift 2 ;; --from) shift 2 ;; --*) shift ;; cookiecutter) shift ;; *) tpl="$1"; shift ;; esac; done
cp -R "$tpl/{{cookiecutter.dir_name}}" "$out/my-algo"`
    )
    return bin
  }
  const env = { ROOT: '.', TEMPLATE_DIR: 'cookiecutter', COOKIECUTTER_VERSION: '2.6.0' }

  test('the rendered package lands next to the others, ready for validate-structure', () => {
    const root = checkout()
    const r = runStep(render, { cwd: root, env, pathPrepend: [fakeUvx()] })
    expect(r.status).toBe(0)
    expect(r.outputs.package).toBe('my-algo')
    expect(existsSync(path.join(root, 'my-algo', 'pyproject.toml'))).toBe(true)
  })

  test('a rendered folder that collides with a package, or no template, is an error', () => {
    const root = checkout()
    mkdirSync(path.join(root, 'my-algo'))
    const clash = runStep(render, { cwd: root, env, pathPrepend: [fakeUvx()] })
    expect(clash.status).toBe(1)
    expect(clash.errors[0]).toContain('my-algo/ collides with an existing folder')
    const none = runStep(render, { cwd: tempDir(), env, pathPrepend: [fakeUvx()] })
    expect(none.status).toBe(1)
    expect(none.errors[0]).toContain('no cookiecutter template at cookiecutter/')
  })
})
