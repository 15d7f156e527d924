// The release workflow of this repository, its shell run in bash as the runner runs it: the
// version check, the CHANGELOG.md section that becomes the release notes, the version tag that
// is never moved, the GitHub Release and the major tag. A real git repository stands for the
// checkout (with its tags); a fake gh on PATH stands for the GitHub API and records each call.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { cleanupTempDirs, git, REPO_ROOT, tempDir, writeFiles } from '../../kit/fixtures.js'
import { jobRuns } from '../lib/expressions.js'
import { jobs, loadWorkflows, steps, triggers, type Obj } from '../lib/load.js'
import { normalizePermissions } from '../lib/rules.js'
import { fakeTool, findStep, runStep } from '../lib/run-step.js'

afterAll(cleanupTempDirs)

const release = loadWorkflows(['.github/workflows']).find(
  (w) => w.file === '.github/workflows/release.yml'
)!
const REPOSITORY = 'generative-computing/contribs-actions'

describe('the version: X.Y.Z from the dispatch input or the pushed tag', () => {
  const step = findStep(release, 'prepare', 'version')
  const dispatch = (version: string, ref = 'refs/heads/main') =>
    runStep(step, {
      env: {
        EVENT_NAME: 'workflow_dispatch',
        INPUT_VERSION: version,
        REF: ref,
        DEFAULT_BRANCH: 'main'
      }
    })
  const push = (ref: string) =>
    runStep(step, {
      env: { EVENT_NAME: 'push', INPUT_VERSION: '', REF: ref, DEFAULT_BRANCH: 'main' }
    })

  test('a dispatched 1.2.3 (or v1.2.3) and a pushed v10.0.11 give the version, tag and major', () => {
    const want = { version: '1.2.3', tag: 'v1.2.3', major: 'v1' }
    expect(dispatch('1.2.3').outputs).toEqual(want)
    expect(dispatch('v1.2.3').outputs).toEqual(want)
    expect(dispatch('0.1.0').outputs).toEqual({ version: '0.1.0', tag: 'v0.1.0', major: 'v0' })
    const pushed = push('refs/tags/v10.0.11')
    expect(pushed.status).toBe(0)
    expect(pushed.outputs).toEqual({ version: '10.0.11', tag: 'v10.0.11', major: 'v10' })
  })

  test('anything but X.Y.Z is refused before a tag or release is written', () => {
    const bad = ['1.2', '1.2.3.4', '1.2.3-rc.1', '01.2.3', '1.02.3', 'v', '', 'latest', ' 1.2.3']
    for (const version of [...bad, '1.2.3\n4.5.6', '1.2.3; rm -rf ~', 'vv1.2.3']) {
      const r = dispatch(version)
      expect({ version, status: r.status, outputs: r.outputs }).toEqual({
        version,
        status: 1,
        outputs: {}
      })
      expect(r.errors[0]).toContain('the version must be X.Y.Z')
    }
    for (const ref of [
      'refs/tags/v1.2.3-rc1',
      'refs/tags/1.2.3',
      'refs/tags/v1',
      'refs/heads/v1.2.3'
    ]) {
      const r = push(ref)
      expect({ ref, status: r.status }).toEqual({ ref, status: 1 })
      expect(r.errors[0]).toContain(`(got '${ref}')`)
    }
  })

  test('a dispatch on a branch other than the default is refused', () => {
    const r = dispatch('1.2.3', 'refs/heads/feature')
    expect(r.status).toBe(1)
    expect(r.errors).toEqual([
      expect.stringContaining('run the release on main; this run is on refs/heads/feature')
    ])
    expect(r.outputs).toEqual({})
  })
})

describe('the release notes: the version’s section of CHANGELOG.md', () => {
  const step = findStep(release, 'prepare', 'notes')
  const CHANGELOG = `# Changelog

All notable changes to this project are documented in this file.

## [Unreleased]

### Added

- something still to come

## [1.1.0] - 2026-12-20

### Fixed

- a fix that shipped in 1.1.0

## [1.0.0] - 2026-12-05

### Added

- the first release, with [a link](https://example.com) in the text

[Unreleased]: https://github.com/o/r/compare/v1.1.0...HEAD
[1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0
[1.0.0]: https://github.com/o/r/releases/tag/v1.0.0
`

  function notes(version: string, changelog = CHANGELOG) {
    const dir = tempDir('contribs-changelog-')
    writeFiles(dir, { 'CHANGELOG.md': changelog })
    return runStep(step, { cwd: dir, env: { VERSION: version, CHANGELOG: 'CHANGELOG.md' } })
  }

  test('picks the section of the version, and only it', () => {
    const r = notes('1.1.0')
    expect(r.status).toBe(0)
    expect(r.outputs.notes).toBe('### Fixed\n\n- a fix that shipped in 1.1.0')
    expect(r.summary).toContain('## Release notes for 1.1.0')
  })

  test('the last section leaves out the link definitions that end the file', () => {
    expect(notes('1.0.0').outputs.notes).toBe(
      '### Added\n\n- the first release, with [a link](https://example.com) in the text'
    )
  })

  test('headings written `## 3.0.0` or `## v3.0.0` count too; a longer version does not', () => {
    const other = '## v3.0.0\n\n- three\n\n## 2.0.0\n\n- two\n\n## [1.0.0.1]\n\n- not semver\n'
    expect(notes('3.0.0', other).outputs.notes).toBe('- three')
    expect(notes('2.0.0', other).outputs.notes).toBe('- two')
    expect(notes('1.0.0', other).status).toBe(1)
  })

  test('a missing or empty section, or no CHANGELOG.md, fails the run naming the version', () => {
    const missing = notes('2.0.0')
    expect(missing.status).toBe(1)
    expect(missing.errors).toEqual([
      expect.stringContaining('CHANGELOG.md has no section for 2.0.0')
    ])
    expect(missing.outputs).toEqual({})
    const empty = notes('2.0.0', '## [2.0.0] - 2027-01-01\n\n\n## [1.0.0] - 2026-12-05\n\n- one\n')
    expect(empty.status).toBe(1)
    expect(empty.errors[0]).toContain('has no section for 2.0.0')
    const none = runStep(step, {
      cwd: tempDir(),
      env: { VERSION: '1.0.0', CHANGELOG: 'CHANGELOG.md' }
    })
    expect(none.status).toBe(1)
    expect(none.errors[0]).toContain('CHANGELOG.md not found')
  })

  test("this repository's CHANGELOG.md has notes for the version package.json carries", () => {
    const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string
    }
    const r = runStep(step, {
      cwd: REPO_ROOT,
      env: { VERSION: version, CHANGELOG: 'CHANGELOG.md' }
    })
    expect(r.status).toBe(0)
    expect(r.outputs.notes).toMatch(/^### /)
    expect(r.outputs.notes).not.toContain(`## [`)
  })
})

/** A checkout with two commits; HEAD is the second, the one being released. */
function checkout() {
  const dir = tempDir('contribs-release-')
  git(dir, 'init', '-q')
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'first')
  const first = git(dir, 'rev-parse', 'HEAD')
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'second')
  return { dir, first, head: git(dir, 'rev-parse', 'HEAD') }
}

/** A fake gh recording its arguments, one call a line; `gh release view` answers viewStatus. */
function fakeGh(viewStatus = 1) {
  const bin = tempDir('contribs-bin-')
  const log = path.join(bin, 'gh.log')
  fakeTool(
    bin,
    'gh',
    `echo "$*" >> ${JSON.stringify(log)}
if [ "$1 $2" = "release view" ]; then exit ${viewStatus}; fi`
  )
  return {
    bin,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [])
  }
}

describe('the version tag: created once, never moved', () => {
  const step = findStep(release, 'publish', 'Create the version tag')
  const run = (cwd: string, gh: ReturnType<typeof fakeGh>, tag = 'v1.2.3') =>
    runStep(step, {
      cwd,
      env: { TAG: tag, GH_TOKEN: 'token', GITHUB_REPOSITORY: REPOSITORY },
      pathPrepend: [gh.bin]
    })

  test('a new version: the tag is created at the released commit through the API', () => {
    const repo = checkout()
    const gh = fakeGh()
    const r = run(repo.dir, gh)
    expect(r.status).toBe(0)
    expect(gh.calls()).toEqual([
      `api --method POST repos/${REPOSITORY}/git/refs -f ref=refs/tags/v1.2.3 -f sha=${repo.head}`
    ])
  })

  test('a tag of that name at another commit is refused, and nothing is written', () => {
    const repo = checkout()
    git(repo.dir, 'tag', 'v1.2.3', repo.first)
    const gh = fakeGh()
    const r = run(repo.dir, gh)
    expect(r.status).toBe(1)
    expect(r.errors).toEqual([
      expect.stringContaining(`v1.2.3 already exists at ${repo.first}, not at ${repo.head}`)
    ])
    expect(gh.calls()).toEqual([])
  })

  test('the tag already at the released commit (a pushed tag, a re-run) is kept as it is', () => {
    const repo = checkout()
    git(repo.dir, 'tag', 'v1.2.3')
    git(repo.dir, 'tag', '-a', 'v1.2.4', '-m', 'annotated')
    const gh = fakeGh()
    for (const tag of ['v1.2.3', 'v1.2.4']) {
      const r = run(repo.dir, gh, tag)
      expect({ tag, status: r.status }).toEqual({ tag, status: 0 })
      expect(r.stdout).toContain(`::notice::${tag} already points at ${repo.head}`)
    }
    expect(gh.calls()).toEqual([])
  })
})

describe('the GitHub Release and the major tag', () => {
  const create = findStep(release, 'publish', 'Create the GitHub Release')
  const major = findStep(release, 'publish', 'Move the major tag')

  test('the release is created from the tag with the changelog notes; a re-run leaves it', () => {
    const repo = checkout()
    const env = {
      TAG: 'v1.2.3',
      NOTES: '### Fixed\n\n- a fix',
      GH_TOKEN: 'token',
      GH_REPO: REPOSITORY
    }
    const gh = fakeGh()
    const r = runStep(create, { cwd: repo.dir, env, pathPrepend: [gh.bin] })
    expect(r.status).toBe(0)
    const notesFile = path.join(r.runnerTemp, 'release-notes.md')
    expect(gh.calls()).toEqual([
      'release view v1.2.3',
      `release create v1.2.3 --verify-tag --title v1.2.3 --notes-file ${notesFile}`
    ])
    expect(readFileSync(notesFile, 'utf8')).toBe('### Fixed\n\n- a fix\n')

    const again = fakeGh(0)
    expect(runStep(create, { cwd: repo.dir, env, pathPrepend: [again.bin] }).status).toBe(0)
    expect(again.calls()).toEqual(['release view v1.2.3'])
  })

  function moveMajor(setup: (repo: ReturnType<typeof checkout>) => void, tag = 'v1.2.3') {
    const repo = checkout()
    setup(repo)
    const gh = fakeGh()
    const r = runStep(major, {
      cwd: repo.dir,
      env: { TAG: tag, MAJOR: 'v1', GH_TOKEN: 'token', GITHUB_REPOSITORY: REPOSITORY },
      pathPrepend: [gh.bin]
    })
    expect(r.status).toBe(0)
    return { repo, calls: gh.calls(), stdout: r.stdout }
  }

  test('an existing major tag is force-moved to the release; a missing one is created', () => {
    const moved = moveMajor((repo) => git(repo.dir, 'tag', 'v1', repo.first))
    expect(moved.calls).toEqual([
      `api --method PATCH repos/${REPOSITORY}/git/refs/tags/v1 -f sha=${moved.repo.head} -F force=true`
    ])
    const created = moveMajor(() => {})
    expect(created.calls).toEqual([
      `api --method POST repos/${REPOSITORY}/git/refs -f ref=refs/tags/v1 -f sha=${created.repo.head}`
    ])
    // v10.1.0 is another major: v1 still moves to v1.2.3.
    const tenth = moveMajor((repo) => git(repo.dir, 'tag', 'v10.1.0', repo.first))
    expect(tenth.calls).toEqual([expect.stringContaining('--method POST')])
  })

  test('already there, or a later release of the same major exists: the major tag stays', () => {
    const there = moveMajor((repo) => git(repo.dir, 'tag', 'v1'))
    expect(there.calls).toEqual([])
    const later = moveMajor((repo) => {
      git(repo.dir, 'tag', 'v1.3.0', repo.first)
      git(repo.dir, 'tag', 'v1', repo.first)
    }, 'v1.2.4')
    expect(later.calls).toEqual([])
    expect(later.stdout).toContain('::notice::v1 stays at v1.3.0, a later release than v1.2.4')
  })
})

describe('the shape of the workflow', () => {
  const byId = new Map(jobs(release))

  test('started by a manual run with a version, or by a pushed vX.Y.Z tag', () => {
    expect([...triggers(release)].sort()).toEqual(['push', 'workflow_dispatch'])
    const on = release.data.on as Obj
    expect(((on.workflow_dispatch as Obj).inputs as Obj).version).toMatchObject({
      required: true,
      type: 'string'
    })
    expect(on.push).toEqual({ tags: ['v[0-9]+.[0-9]+.[0-9]+'] })
  })

  test('tests and fresh bundles come first; only publish may write, after both', () => {
    const runs = steps(byId.get('test')!).map((s) => s.run)
    expect(runs).toEqual(expect.arrayContaining(['npm ci', 'npm test', 'npm run check-dist']))
    const writers = jobs(release)
      .filter(([, job]) => {
        const p = normalizePermissions(job.permissions)
        return typeof p === 'string' || Object.values(p).includes('write')
      })
      .map(([id]) => id)
    expect(writers).toEqual(['publish'])
    expect(byId.get('publish')!.needs).toEqual(['prepare', 'test'])
    expect(byId.get('test')!.needs).toBe('prepare')
  })

  test('the App token is minted only when the repository names an App', () => {
    const app = steps(byId.get('publish')!).find((s) => s.id === 'app')!
    expect(jobRuns(app.if, { vars: {} })).toBe(false)
    expect(jobRuns(app.if, { vars: { RELEASE_APP_ID: '12345' } })).toBe(true)
  })
})
