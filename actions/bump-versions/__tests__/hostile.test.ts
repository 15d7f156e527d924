// Repository content bump-versions must refuse before writing anything: a pyproject.toml that is
// not UTF-8 (in the checkout, or only on the default branch it edits) would be committed with
// U+FFFD in place of its bytes; an OWNERS it cannot read would drop the package's reviewers.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import { jest } from '@jest/globals'
import {
  cleanupTempDirs,
  commitAll,
  EXAMPLE_REPO,
  git,
  tempDir,
  writeLink
} from '../../../test/kit/fixtures.js'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'
import { branches, runBump, seedExample } from './kit.js'
import { expectOneFileError } from '../../../test/kit/step-log.js'

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

const NO_LOCK = { 'lock-command': '' }
const FILE = 'citations/pyproject.toml'
const utf8 = readFileSync(path.join(EXAMPLE_REPO, FILE), 'utf8').replace(
  'citations for Mellea',
  'citations f\u00fcr Mellea'
)
const NOT_UTF8 =
  'not UTF-8: byte 0xFC at line 4, column 27; pip, uv and hatch read UTF-8 only, so save the file as UTF-8'

test('a Latin-1 pyproject.toml in the checkout: one error naming it, nothing written', async () => {
  const s = await seedExample(emu, 'latin1-checkout')
  writeFileSync(path.join(s.workspace, FILE), Buffer.from(utf8, 'latin1'))
  emu.clearRequests()
  const r = await runBump(emu, s, { inputs: NO_LOCK })
  expect(r.exitCode).toBe(1)
  expect(r.annotations).toEqual([
    expect.objectContaining({
      level: 'error',
      file: FILE,
      line: 4,
      message: `${FILE}:4:27: ${NOT_UTF8}`
    })
  ])
  expect(emu.requests().filter((q) => q.write)).toEqual([])
  expect(branches(s)).toEqual(['main'])
})

test('a Latin-1 pyproject.toml only on the default branch is refused as it is read from GitHub', async () => {
  const s = await seedExample(emu, 'latin1-remote')
  // Someone pushes the Latin-1 bytes to main after the checkout was made: the checkout is behind.
  const clone = path.join(tempDir('bump-push-'), 'clone')
  git(path.dirname(clone), 'clone', '-q', s.gitDir, clone)
  writeFileSync(path.join(clone, FILE), Buffer.from(utf8, 'latin1'))
  commitAll(clone, 'latin-1 description')
  git(clone, 'push', '-q', 'origin', 'main')
  emu.clearRequests()
  const r = await runBump(emu, s, { inputs: NO_LOCK })
  expect(r.exitCode).toBe(1)
  expect(r.annotations).toEqual([
    expect.objectContaining({
      level: 'error',
      file: FILE,
      line: 4,
      message: `${FILE}:4:27: ${NOT_UTF8}`
    })
  ])
  expect(emu.requests().filter((q) => q.write)).toEqual([])
  expect(branches(s)).toEqual(['main'])
})

test('OWNERS linked to the process environment: refused, nothing of it printed, nothing written', async () => {
  const s = await seedExample(emu, 'owners-environ')
  writeLink(s.workspace, 'dspy/OWNERS', '/proc/self/environ')
  emu.clearRequests()
  const r = await runBump(emu, s, {
    inputs: NO_LOCK,
    env: { HOSTILE_MARKER: 'HOSTILE_MARKER_VALUE_6c1f' }
  })
  expect(r.exitCode).toBe(1)
  expect(r.annotations).toEqual([
    expect.objectContaining({
      level: 'error',
      file: 'dspy/OWNERS',
      message: 'dspy/OWNERS: a symbolic link to a path outside the checkout (not followed)'
    })
  ])
  expect(`${r.stdout}${r.stderr}${r.summary}`).not.toContain('HOSTILE_MARKER')
  expect(emu.requests().filter((q) => q.write)).toEqual([])
})

// A link to a device would never end if read, and a loop never resolves: refused unread.
test.each([
  {
    name: '/dev/zero',
    file: 'pyproject.toml',
    target: '/dev/zero',
    says: 'a symbolic link to a path outside the checkout (not followed)'
  },
  {
    name: '/dev/zero',
    file: FILE,
    target: '/dev/zero',
    says: 'a symbolic link to a path outside the checkout (not followed)'
  },
  {
    name: 'itself (a loop)',
    file: FILE,
    target: 'pyproject.toml',
    says: 'a symbolic link that loops, or a chain of too many links (not followed)'
  }
])(
  '$file linked to $name: one error naming it, nothing written',
  async ({ file, target, says }) => {
    const s = await seedExample(emu, `link-${file.replace(/\W/g, '')}-${target.replace(/\W/g, '')}`)
    writeLink(s.workspace, file, target)
    emu.clearRequests()
    const r = await runBump(emu, s, { inputs: NO_LOCK })
    expectOneFileError(r, file, says)
    expect(emu.requests().filter((q) => q.write)).toEqual([])
    expect(branches(s)).toEqual(['main'])
  }
)
