// discover on every GitHub event, through real git repositories (clones, shallow clones, merge
// queues, force pushes), calling run() in-process.
import { rmSync } from 'node:fs'
import path from 'node:path'
import { cleanupTempDirs, commitAll, git, tempDir, writeFiles } from '../../../test/kit/fixtures.js'
import { ALL, discoverIn, exampleRepo, prPayload, touch } from './helpers.js'

afterAll(cleanupTempDirs)

const clone = (origin: string, ...args: string[]) => {
  const dir = path.join(tempDir('discover-clone-'), 'c')
  git(path.dirname(dir), 'clone', '-q', ...args, `file://${origin}`, dir)
  return dir
}

describe('pull_request', () => {
  test('diffs from the merge-base, so commits on main since the branch point do not count', async () => {
    const { dir } = exampleRepo()
    git(dir, 'checkout', '-q', '-b', 'feature')
    touch(dir, ['crewai/README.md'])
    git(dir, 'checkout', '-q', 'main')
    const mainTip = touch(dir, ['dspy/README.md', '_integration_core/README.md'])
    git(dir, 'checkout', '-q', 'feature')

    const d = await discoverIn(dir, 'pull_request', prPayload(mainTip))
    expect(d.matrix).toEqual(['crewai'])
    expect(d.reason).toBe('changed: crewai')
    expect(d.outputs['changed-count']).toBe('1')
    expect(d.outputs.any).toBe('true')

    // As GitHub checks it out: the merge of the PR into the moved-on base.
    git(dir, 'checkout', '-q', '--detach', mainTip)
    git(dir, 'merge', '-q', '--no-ff', '-m', 'merge', 'feature')
    const merged = await discoverIn(dir, 'pull_request', prPayload(mainTip))
    expect(merged.matrix).toEqual(['crewai'])
  })

  test('pull_request_target diffs the PR head, although the base branch is checked out', async () => {
    const { dir } = exampleRepo()
    git(dir, 'checkout', '-q', '-b', 'feature')
    const prHead = touch(dir, ['citations/README.md'])
    git(dir, 'checkout', '-q', 'main')
    const mainTip = touch(dir, ['dspy/README.md'])

    const d = await discoverIn(dir, 'pull_request_target', prPayload(mainTip, 'main', prHead))
    expect(d.matrix).toEqual(['citations'])

    // A clone of main alone: the PR head commit is fetched (as an object, never checked out).
    const c = clone(dir, '--single-branch', '--branch', 'main')
    expect(() => git(c, 'cat-file', '-e', `${prHead}^{commit}`)).toThrow()
    const fetched = await discoverIn(c, 'pull_request_target', prPayload(mainTip, 'main', prHead))
    expect(fetched.matrix).toEqual(['citations'])
    expect(git(c, 'rev-parse', 'HEAD')).toBe(mainTip)
  })

  test("pull_request_target: the packages are the PR head's, read from git, not the base's checkout", async () => {
    const { dir, main } = exampleRepo()
    git(dir, 'checkout', '-q', '-b', 'feature')
    writeFiles(dir, {
      'vision/pyproject.toml':
        '[project]\nname = "mellea-contribs-vision"\nversion = "0.6.0"\n\n[tool.mellea-contribs.ci]\npython_versions = ["3.12"]\ntimeout_minutes = 20\n',
      'vision/OWNERS': '@octocat\n'
    })
    rmSync(path.join(dir, 'langchain'), { recursive: true })
    const prHead = commitAll(dir, 'add vision, remove langchain')
    git(dir, 'checkout', '-q', 'main')

    const d = await discoverIn(dir, 'pull_request_target', prPayload(main, 'main', prHead))
    // Read at the base, vision is no package and langchain still is: nothing would run.
    expect(d.matrix).toEqual(['vision'])
    expect(d.reason).toBe('changed: vision; deleted: langchain (+0 dependents)')
    expect(JSON.parse(d.outputs.include)).toEqual([
      expect.objectContaining({ package: 'vision', python: '3.12', timeout: 20 })
    ])
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(main)
    expect(git(dir, 'status', '--porcelain')).toBe('')
  })

  test('a head input names the commit whose packages count, wherever the checkout has moved on', async () => {
    const { dir } = exampleRepo()
    const touched = touch(dir, ['langchain/README.md'])
    rmSync(path.join(dir, 'langchain'), { recursive: true })
    commitAll(dir, 'remove langchain')
    const d = await discoverIn(
      dir,
      'workflow_dispatch',
      {},
      {
        base: `${touched}~1`,
        head: touched
      }
    )
    expect(d.matrix).toEqual(['langchain'])
  })

  test('a stacked PR (base branch is not the default branch) runs everything', async () => {
    const { dir, main } = exampleRepo()
    git(dir, 'checkout', '-q', '-b', 'part-2')
    touch(dir, ['crewai/README.md'])
    const d = await discoverIn(dir, 'pull_request', prPayload(main, 'part-1'))
    expect(d.matrix).toEqual(ALL)
    expect(d.reason).toBe('stacked-pr')
    expect(d.result.summary).toContain('stacked PR onto part-1 (not main)')

    // The default branch named explicitly: the PR is not stacked.
    const own = await discoverIn(dir, 'pull_request', prPayload(main, 'part-1'), {
      'default-branch': 'part-1'
    })
    expect(own.matrix).toEqual(['crewai'])

    // The payload's default branch counts when neither the input nor the settings table say.
    const payload = { ...prPayload(main, 'develop'), repository: { default_branch: 'develop' } }
    expect((await discoverIn(dir, 'pull_request', payload)).matrix).toEqual(['crewai'])
  })

  test('a payload without the base sha is a clear error', async () => {
    const { dir } = exampleRepo()
    await expect(discoverIn(dir, 'pull_request', { pull_request: {} })).rejects.toThrow(
      'the pull_request event payload has no pull_request.base.sha'
    )
  })
})

test('merge_group with two queued PRs finds both from the queue base', async () => {
  const { dir, main } = exampleRepo()
  git(dir, 'checkout', '-q', '-b', 'pr-1')
  touch(dir, ['citations/README.md'], 'pr 1')
  git(dir, 'checkout', '-q', '-b', 'pr-2', main)
  touch(dir, ['agent-utilities/README.md'], 'pr 2')
  // The queue's branch for PR 2 holds main + PR 1 + PR 2.
  git(dir, 'checkout', '-q', '-b', 'gh-readonly-queue/main/pr-2', main)
  git(dir, 'merge', '-q', '--no-ff', '-m', 'queue pr 1', 'pr-1')
  git(dir, 'merge', '-q', '--no-ff', '-m', 'queue pr 2', 'pr-2')
  const payload = {
    merge_group: {
      base_sha: main,
      head_sha: git(dir, 'rev-parse', 'HEAD'),
      base_ref: 'refs/heads/main',
      head_ref: 'refs/heads/gh-readonly-queue/main/pr-2'
    }
  }
  const d = await discoverIn(dir, 'merge_group', payload)
  expect(d.matrix).toEqual(['agent-utilities', 'citations'])
  expect(d.reason).toBe('changed: agent-utilities, citations')
})

describe('push', () => {
  test('diffs from `before`', async () => {
    const { dir, main } = exampleRepo()
    touch(dir, ['langchain/README.md'])
    const d = await discoverIn(dir, 'push', { before: main, ref: 'refs/heads/main' })
    expect(d.matrix).toEqual(['langchain'])
  })

  test('a new branch (before is all zeros) runs everything and says so', async () => {
    const { dir } = exampleRepo()
    const d = await discoverIn(dir, 'push', { before: '0'.repeat(40), ref: 'refs/heads/topic' })
    expect(d.matrix).toEqual(ALL)
    expect(d.reason).toMatch(/^new-branch: push created refs\/heads\/topic/)
    expect(d.outputs['template-smoke']).toBe('true')
    expect(d.outputs['changed-count']).toBe('')
  })

  test('a force push (before no longer in the history) runs everything', async () => {
    const { dir } = exampleRepo()
    git(dir, 'checkout', '-q', '-b', 'old')
    const gone = touch(dir, ['crewai/README.md'])
    git(dir, 'checkout', '-q', 'main')
    touch(dir, ['dspy/README.md'])

    // `before` still in the object store but not an ancestor of the head.
    const d = await discoverIn(dir, 'push', { before: gone, ref: 'refs/heads/main' })
    expect(d.matrix).toEqual(ALL)
    expect(d.reason).toMatch(/^force-push: the previous tip \w{7} is not an ancestor of the head/)

    // `before` pruned away entirely.
    git(dir, 'branch', '-q', '-D', 'old')
    git(dir, 'reflog', 'expire', '--expire=now', '--all')
    git(dir, 'gc', '-q', '--prune=now')
    const pruned = await discoverIn(dir, 'push', { before: gone, ref: 'refs/heads/main' })
    expect(pruned.matrix).toEqual(ALL)
    expect(pruned.reason).toMatch(
      /^force-push: the previous tip \w+ is not in the repository's history/
    )

    // GitHub's own `forced` flag.
    const forced = await discoverIn(dir, 'push', { before: gone, forced: true })
    expect(forced.reason).toMatch(/^force-push:/)
  })
})

test.each(['schedule', 'workflow_dispatch', 'repository_dispatch', 'workflow_run'])(
  '%s runs everything with the reason',
  async (event) => {
    const { dir } = exampleRepo()
    const d = await discoverIn(dir, event, {})
    expect(d.matrix).toEqual(ALL)
    expect(d.reason).toBe(
      `no-base: a ${event} run has no base commit to compare with; every subpackage runs`
    )
  }
)

test('the base and head inputs override the event', async () => {
  const { dir, main } = exampleRepo()
  const one = touch(dir, ['dspy/README.md'])
  touch(dir, ['citations/README.md'])
  const d = await discoverIn(dir, 'workflow_dispatch', {}, { base: main, head: one })
  expect(d.matrix).toEqual(['dspy'])
  const named = await discoverIn(dir, 'schedule', {}, { base: 'main~1' })
  expect(named.matrix).toEqual(['citations'])
  await expect(discoverIn(dir, 'push', {}, { base: '--output=x' })).rejects.toThrow(
    'input `base` must be a commit sha, branch or tag'
  )
})

describe('shallow clones', () => {
  function originWithLongMain() {
    const { dir, main } = exampleRepo()
    git(dir, 'checkout', '-q', '-b', 'feature')
    touch(dir, ['crewai/README.md'])
    git(dir, 'checkout', '-q', 'main')
    touch(dir, ['dspy/README.md'])
    for (let i = 0; i < 70; i++) git(dir, 'commit', '-q', '--allow-empty', '-m', `main ${i}`)
    return { dir, main, mainTip: git(dir, 'rev-parse', 'main') }
  }

  test('are deepened until the merge-base is found', async () => {
    const { dir, mainTip } = originWithLongMain()
    const c = clone(dir, '--depth', '1', '--branch', 'feature')
    expect(git(c, 'rev-parse', '--is-shallow-repository')).toBe('true')
    const d = await discoverIn(c, 'pull_request', prPayload(mainTip))
    expect(d.matrix).toEqual(['crewai'])
    expect(d.result.summary).toMatch(/the shallow clone was deepened by \d+ commits/)
  })

  test('a push into a depth-1 clone fetches `before` and checks it is an ancestor', async () => {
    const { dir } = exampleRepo()
    const before = touch(dir, ['agent-utilities/README.md'])
    touch(dir, ['langchain/README.md'])
    const c = clone(dir, '--depth', '1')
    const d = await discoverIn(c, 'push', { before, ref: 'refs/heads/main' })
    expect(d.matrix).toEqual(['langchain'])
  })

  test('when the history cannot be fetched, everything runs and the reason says why', async () => {
    const { dir, mainTip } = originWithLongMain()
    const c = clone(dir, '--depth', '1', '--branch', 'feature')
    rmSync(dir, { recursive: true, force: true })
    const d = await discoverIn(c, 'pull_request', prPayload(mainTip))
    expect(d.matrix).toEqual(ALL)
    expect(d.reason).toMatch(/^base-not-found: the base commit \w+ could not be found or fetched/)
  })
})

test('not a git repository: a clear error when a diff is needed', async () => {
  const dir = tempDir()
  await expect(discoverIn(dir, 'pull_request', prPayload('a'.repeat(40)))).rejects.toThrow(
    'is not a git repository'
  )
})
