// A pull request must not shrink its own matrix through the settings that decide what a package
// is and which changes count: those come from the base commit until the change is merged, with a
// warning naming each one the change sets differently. Real git repositories built from the
// example repo; discover's run() in-process.
import { cleanupTempDirs, git } from '../../../test/kit/fixtures.js'
import { change, discoverIn, exampleRepo, prPayload } from './helpers.js'

afterAll(cleanupTempDirs)

const BREAK_DSPY = { 'dspy/mellea_contribs/dspy/__init__.py': 'raise SystemExit("broken")\n' }
const GRANDFATHER = '.github/scripts/grandfather_legacy.json'

/** The example repo on main, then a pull request branch; returns the folder and main's commit. */
function repoOnBranch(): { dir: string; base: string } {
  const { dir, main } = exampleRepo()
  git(dir, 'checkout', '-q', '-b', 'feature')
  return { dir, base: main }
}

/** The root pyproject.toml with lines added to the settings table. */
const withSettings = (dir: string, lines: string) => ({
  'pyproject.toml': git(dir, 'show', 'main:pyproject.toml').replace(
    '[tool.mellea-contribs]\n',
    `[tool.mellea-contribs]\n${lines}\n`
  )
})

const shapingWarnings = (awaited: Awaited<ReturnType<typeof discoverIn>>) =>
  awaited.result.findings
    .filter((f) => f.severity === 'warning' && /until the change is merged/.test(f.message))
    .map((f) => f.message)

test.each([
  ['exclude_dirs', 'exclude_dirs = ["dspy"]'],
  ['package_globs', 'package_globs = ["crewai", "langchain"]']
])('a change that breaks dspy and sets %s to leave it out still tests it', async (key, line) => {
  const { dir, base } = repoOnBranch()
  change(dir, { ...BREAK_DSPY, ...withSettings(dir, line) })
  const d = await discoverIn(dir, 'pull_request', prPayload(base))
  expect(d.matrix).toContain('dspy')
  expect(shapingWarnings(d)).toEqual([
    expect.stringMatching(
      new RegExp(`^this change sets \\[tool\\.mellea-contribs\\] ${key} to .*base commit`)
    )
  ])
  // Once merged, a push on main reads its own checkout: the setting takes effect.
  const pushed = await discoverIn(dir, 'push', { before: base, ref: 'refs/heads/main' })
  expect(pushed.matrix).not.toContain('dspy')
  expect(shapingWarnings(pushed)).toEqual([])
})

test('a change that adds a uv workspace leaving out the package it breaks still tests it', async () => {
  const { dir, base } = repoOnBranch()
  const root = git(dir, 'show', 'main:pyproject.toml')
  change(dir, {
    ...BREAK_DSPY,
    'pyproject.toml': `${root}\n[tool.uv.workspace]\nmembers = ["*"]\nexclude = ["dspy"]\n`
  })
  const d = await discoverIn(dir, 'pull_request', prPayload(base))
  // The root pyproject.toml changed: everything runs, every package the base commit finds.
  expect(d.matrix).toContain('dspy')
  expect(shapingWarnings(d)).toEqual([
    expect.stringMatching(
      /^this change sets \[tool\.uv\.workspace\] members and exclude to \["\*"\] and \["dspy"\]; .* base commit \w+'s none \(top-level folders\) applies/
    )
  ])
  const pushed = await discoverIn(dir, 'push', { before: base, ref: 'refs/heads/main' })
  expect(pushed.matrix).not.toContain('dspy')
})

test('a change that grandfathers the package it breaks still tests it', async () => {
  const { dir, base } = repoOnBranch()
  change(dir, {
    ...BREAK_DSPY,
    [GRANDFATHER]: JSON.stringify({ legacy_paths: ['dspy'] })
  })
  const d = await discoverIn(dir, 'pull_request', prPayload(base))
  expect(d.matrix).toContain('dspy')
  expect(shapingWarnings(d)).toEqual([expect.stringContaining('edits the grandfather list')])
  const pushed = await discoverIn(dir, 'push', { before: base, ref: 'refs/heads/main' })
  expect(pushed.matrix).not.toContain('dspy')
})

test('a setting given as an input is the workflow’s, not the change’s: no warning, it applies', async () => {
  const { dir, base } = repoOnBranch()
  change(dir, { ...BREAK_DSPY, ...withSettings(dir, 'package_globs = ["crewai"]') })
  const d = await discoverIn(dir, 'pull_request', prPayload(base), {
    'package-globs': 'crewai,langchain'
  })
  // The root pyproject.toml changed, so every package runs: every package the input finds.
  expect(d.matrix).toEqual(['crewai', 'langchain'])
  expect(shapingWarnings(d)).toEqual([])
})

test('a change that widens nothing and shrinks nothing reads the checkout once, with no warning', async () => {
  const { dir, base } = repoOnBranch()
  change(dir, { ...BREAK_DSPY, ...withSettings(dir, 'run_all = ["tools/**"]') })
  const d = await discoverIn(dir, 'pull_request', prPayload(base))
  expect(d.matrix).toContain('dspy')
  expect(shapingWarnings(d)).toEqual([])
})
