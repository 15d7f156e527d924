// rangeAndChanges starts with three git look-ups run side by side; the careful path (resolveRange, then changedFiles, through the shared git()) must
// give the same range and changes whenever the quick start answers, and take over when it fails.
import { cleanupTempDirs, git, tempDir } from '../../../test/kit/fixtures.js'
import { planRange } from '../src/event-plan.js'
import { changedFiles, rangeAndChanges, resolveRange } from '../src/git-range.js'
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
