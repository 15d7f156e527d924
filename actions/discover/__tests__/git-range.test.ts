// rangeAndChanges starts with three git look-ups run side by side; the careful path (resolveRange, then changedFiles, through the shared git()) must
// give the same range and changes whenever the quick start answers, and take over when it fails.
import { cleanupTempDirs, git, tempDir } from '../../../test/kit/fixtures.js'
import { planRange } from '../src/event-plan.js'
import { changedFiles, commitIds, rangeAndChanges, resolveRange } from '../src/git-range.js'
import { change, exampleRepo, prPayload, touch } from './helpers.js'

afterAll(cleanupTempDirs)

async function careful(dir: string, plan: ReturnType<typeof planRange>) {
  const range = await resolveRange(dir, plan)
  return {
    range,
    changes: range.kind === 'diff' ? await changedFiles(dir, range.base, range.head) : undefined
  }
}

test('the quick start and the careful path agree on every kind of base', async () => {
  const { dir, main } = exampleRepo()
  git(dir, 'checkout', '-q', '-b', 'feature')
  touch(dir, ['crewai/README.md'])
  change(dir, { 'dspy/moved.md': 'x\n', 'citations/README.md': null, 'odd name é.md': 'é\n' })
  git(dir, 'mv', 'langchain/README.md', 'langchain/RENAMED.md')
  git(dir, 'commit', '-q', '-m', 'rename')
  git(dir, 'checkout', '-q', 'main')
  const mainTip = touch(dir, ['_integration_core/README.md'])
  git(dir, 'checkout', '-q', 'feature')
  const head = git(dir, 'rev-parse', 'HEAD')

  const plans = [
    planRange('pull_request', prPayload(mainTip), {}),
    planRange('merge_group', { merge_group: { base_sha: main, head_sha: head } }, {}),
    planRange('push', { before: main, after: head }, {}),
    // A push whose previous tip is not an ancestor: the careful path decides (force push).
    planRange('push', { before: mainTip, after: head }, {})
  ]
  for (const plan of plans)
    expect(await rangeAndChanges(dir, plan)).toEqual(await careful(dir, plan))
})

test('full ids diffed directly skip the look-up and still agree, upper case and a tree id included', async () => {
  const { dir, main } = exampleRepo()
  const head = touch(dir, ['crewai/README.md'])
  const tree = git(dir, 'rev-parse', 'HEAD^{tree}')
  const plans = [
    planRange('merge_group', { merge_group: { base_sha: main, head_sha: head } }, {}),
    planRange('push', {}, { base: main.toUpperCase(), head }),
    // A tree's id is 40 hex digits too, but no commit: both paths refuse it alike.
    planRange('merge_group', { merge_group: { base_sha: tree, head_sha: head } }, {})
  ]
  for (const plan of plans) {
    const quick = await rangeAndChanges(dir, plan).catch((e: Error) => e.message)
    expect(quick).toEqual(await careful(dir, plan).catch((e: Error) => e.message))
  }
})

test('two merge bases (criss-cross merges) and none (unrelated histories): both paths agree', async () => {
  const { dir, main } = exampleRepo()
  git(dir, 'checkout', '-q', '-b', 'x')
  touch(dir, ['crewai/README.md'], 'x1')
  git(dir, 'checkout', '-q', 'main')
  touch(dir, ['dspy/README.md'], 'm1')
  git(dir, 'checkout', '-q', '-b', 'y')
  git(dir, 'merge', '-q', '--no-edit', 'x')
  git(dir, 'checkout', '-q', 'x')
  git(dir, 'merge', '-q', '--no-edit', 'main')
  const xTip = touch(dir, ['langchain/README.md'], 'x2')
  git(dir, 'checkout', '-q', 'y')
  touch(dir, ['citations/README.md'], 'y2')
  expect(git(dir, 'merge-base', '--all', 'x', 'y').split('\n')).toHaveLength(2)
  const crissCross = planRange('pull_request', prPayload(xTip), {})
  const quick = await rangeAndChanges(dir, crissCross)
  expect(quick).toEqual(await careful(dir, crissCross))
  expect(quick.range).toMatchObject({ kind: 'diff', base: git(dir, 'merge-base', 'x', 'y') })

  git(dir, 'checkout', '-q', '--orphan', 'lone')
  git(dir, 'commit', '-q', '-m', 'unrelated')
  const lone = git(dir, 'rev-parse', 'HEAD')
  git(dir, 'checkout', '-q', 'y')
  expect(main).not.toBe(lone)
  const unrelated = planRange('pull_request', prPayload(lone), {})
  expect(await rangeAndChanges(dir, unrelated)).toEqual(await careful(dir, unrelated))
})

test('commitIds reads rev-parse output from the end, whatever the top-level path holds', () => {
  const [h, b, m1, m2] = ['1', '2', '3', '4'].map((c) => c.repeat(40))
  expect(commitIds(`/repo/with\nbreak\n${h}\n${b}\n${h}\n${b}\n^${m1}\n^${m2}\n`, true)).toEqual({
    head: h,
    base: b,
    mergeBase: m1
  })
  expect(commitIds(`/repo\n${h}\n${b}\n${h}\n${b}\n`, true)).toBeUndefined() // no merge base
  expect(commitIds(`/repo\n${h}\n${b}\n`, false)).toEqual({ head: h, base: b })
})

test('when git cannot start, the quick start hands over to the careful path and its error', async () => {
  const missing = `${tempDir()}/no-such-folder`
  const plan = planRange('pull_request', prPayload('a'.repeat(40)), {})
  const quick = await rangeAndChanges(missing, plan).catch((e: Error) => e.message)
  const slow = await careful(missing, plan).catch((e: Error) => e.message)
  expect(quick).toBe(slow)
  expect(String(quick)).toMatch(/^git could not start in .*no-such-folder/)
})

test('outside a git repository both paths fail with the same message', async () => {
  const dir = tempDir()
  const plan = planRange('pull_request', prPayload('a'.repeat(40)), {})
  const quick = await rangeAndChanges(dir, plan).catch((e: Error) => e.message)
  const slow = await careful(dir, plan).catch((e: Error) => e.message)
  expect(quick).toBe(slow)
  expect(String(quick)).toMatch(/not a git repository/)
})
