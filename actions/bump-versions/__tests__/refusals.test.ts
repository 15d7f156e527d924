// What bump-versions refuses before it writes anything, each on its own emulated repository: a
// pyproject that is not UTF-8 (never rewritten with replacement characters), a version every
// package is already above (a downgrade or a typo, not "done"), an inline [project] table.
import { startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import { cleanupTempDirs, EXAMPLE_REPO, writeFiles } from '../../../test/kit/fixtures.js'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { branches, json, OWNER, runBump, seedExample, Seeded } from './kit.js'
import { jest } from '@jest/globals'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'
import { expectNoStackTrace } from '../../../test/kit/step-log.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

let emu: Emulator

beforeAll(async () => {
  emu = await startEmulator({ now: '2026-03-01T12:00:00Z' })
})
afterAll(async () => {
  await emu.close()
  cleanupTempDirs()
})

const CITATIONS = 'citations/pyproject.toml'
const example = (file: string) => readFileSync(path.join(EXAMPLE_REPO, file), 'utf8')
const NO_LOCK = { 'lock-command': '' }

/** Nothing was written: no request that writes, no branch besides main. */
function expectNothingWritten(seeded: Seeded) {
  expect(emu.requests().filter((q) => q.write)).toEqual([])
  expect(branches(seeded)).toEqual(['main'])
}

test('a pyproject that is not UTF-8 stops the run, naming the file; its bytes are never rewritten', async () => {
  // A Latin-1 comment line: `ü` is the single byte FC, which is not UTF-8.
  const text = example(CITATIONS).replace(
    'readme = "README.md"\n',
    'readme = "README.md"\n# Maintainer: J\u00fcrgen\n'
  )
  const latin1 = Buffer.from(text, 'latin1')
  const s = await seedExample(emu, 'latin1', { [CITATIONS]: latin1 })
  emu.clearRequests()
  const r = await runBump(emu, s, { inputs: NO_LOCK })
  expect(r.exitCode).toBe(1)
  expect(r.annotations).toContainEqual(
    expect.objectContaining({
      level: 'error',
      file: CITATIONS,
      message: expect.stringMatching(/UTF-8/)
    })
  )
  expectNoStackTrace(r)
  expectNothingWritten(s)

  // The checkout holds a UTF-8 copy while the default branch keeps the Latin-1 one: the copy
  // that would be edited is the default branch's, and it is refused on its line.
  writeFiles(s.workspace, { [CITATIONS]: text })
  const again = await runBump(emu, s, { inputs: NO_LOCK })
  expect(again.exitCode).toBe(1)
  expect(again.annotations).toContainEqual(
    expect.objectContaining({
      level: 'error',
      file: CITATIONS,
      line: 6,
      message: expect.stringMatching(
        /^citations\/pyproject\.toml:6:16: not UTF-8: byte 0xFC at line 6, column 16;/
      )
    })
  )
  expectNothingWritten(s)
  const onMain = execFileSync('git', [
    '--git-dir',
    s.gitDir,
    'cat-file',
    'blob',
    `main:${CITATIONS}`
  ])
  expect(onMain.equals(latin1)).toBe(true)
})

test('a version every package is above is a downgrade or a typo: the run fails, not "done"', async () => {
  const s = await seedExample(emu, 'downgrade')
  emu.clearRequests()
  const r = await runBump(emu, s, { inputs: { ...NO_LOCK, version: '0.1.0' } })
  expect(r.exitCode).toBe(1)
  expect(r.outputs.done).toBe('false')
  expect(r.outputs.reason).toBe(
    'pre-flight check failed, nothing was written: packages are above 0.1.0 (a downgrade or a typo): ' +
      '_integration_core 0.6.0, agent-utilities 0.6.0, citations 0.6.0, crewai 0.6.0, dspy 0.6.0, ' +
      "langchain 0.6.0, mellea-contribs 0.6.0; versions are never lowered, so give the upstream's new version"
  )
  expect(json(r, 'failed')).toEqual([])
  expectNothingWritten(s)
})

test('an inline [project] table is refused on its line, naming the file', async () => {
  const inline = example(CITATIONS).replace(
    /^\[project\][\s\S]*?\n\n\[project\.optional-dependencies\]\n.*\n/,
    'project = { name = "mellea-contribs-citations", version = "0.6.0", requires-python = ">=3.11", dependencies = ["mellea>=0.6.0"] }\n'
  )
  expect(inline.startsWith('project = {')).toBe(true)
  const s = await seedExample(emu, 'inline', { [CITATIONS]: inline })
  emu.clearRequests()
  const r = await runBump(emu, s, { inputs: NO_LOCK })
  expect(r.exitCode).toBe(1)
  expect(r.annotations).toContainEqual(
    expect.objectContaining({
      level: 'error',
      file: CITATIONS,
      line: 1,
      message: expect.stringMatching(/^inline \[project\] tables are not edited/)
    })
  )
  expect(json(r, 'failed')).toEqual([
    {
      package: 'citations',
      reason: expect.stringMatching(/^citations\/pyproject\.toml:1: inline \[project\] tables/)
    }
  ])
  expectNothingWritten(s)
  expect(emu.state.repo(OWNER, 'inline').pulls).toEqual([])
})
