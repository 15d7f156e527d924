// test/kit/cleanup.ts stops what a test leaves running: a bundle that never ends (with a child
// process of its own) and an emulator, left behind by one test, are gone when the next begins;
// a bundle a test was waiting for when its time ran out, too. The tests run in file order, and
// each checks what the one before it left behind.
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { runBundle, runningBundles } from '@contribs-actions/cli'
import { openEmulators, startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import { cleanupTempDirs, tempDir, writeFiles } from '../fixtures.js'
import { BUNDLE_TEST_TIMEOUT_MS } from '../budgets.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

/** The bundle: starts a child that never exits, writes both pids, never exits itself. */
const ENDLESS = `
const { spawn } = require('node:child_process')
const { renameSync, writeFileSync } = require('node:fs')
const path = require('node:path')
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' })
const file = path.join(process.env.GITHUB_WORKSPACE, 'pids.json')
writeFileSync(file + '.tmp', JSON.stringify([process.pid, child.pid]))
renameSync(file + '.tmp', file)
setInterval(() => {}, 1000)
`

let actionsDir: string
let fileEmulator: Emulator

beforeAll(async () => {
  actionsDir = tempDir('endless-action-')
  writeFiles(actionsDir, {
    'endless/action.yml': 'name: endless\nruns:\n  using: node20\n  main: dist/index.js\n',
    'endless/dist/package.json': '{ "type": "commonjs" }\n',
    'endless/dist/index.js': ENDLESS
  })
  fileEmulator = await startEmulator()
})
afterAll(cleanupTempDirs)

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms))

/** Waits until `check` holds; the test's own timeout bounds the wait. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await sleep(20)
}

/** Whether a process with this pid exists and is not a zombie (which /proc shows on Linux). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return true
  }
}

async function answers(emu: Emulator): Promise<boolean> {
  return fetch(`${emu.url}/_emulator/clock`).then(
    (r) => r.ok,
    () => false
  )
}

function endless(): Promise<unknown> {
  return runBundle({ action: 'endless', actionsDir, workspace: tempDir() })
}

const abandoned = {
  pids: [] as number[],
  outcome: undefined as unknown,
  emulator: undefined as Emulator | undefined
}

test('a test that abandons a running bundle and an emulator', async () => {
  const workspace = tempDir()
  const run = runBundle({ action: 'endless', actionsDir, workspace })
  run.then(
    (r) => (abandoned.outcome = r),
    (e: Error) => (abandoned.outcome = e)
  )
  const pidsFile = path.join(workspace, 'pids.json')
  await until(() => existsSync(pidsFile))
  abandoned.pids = JSON.parse(readFileSync(pidsFile, 'utf8')) as number[]
  expect(runningBundles()).toEqual([abandoned.pids[0]])
  expect(abandoned.pids.every(isRunning)).toBe(true)
  abandoned.emulator = await startEmulator()
  expect(await answers(abandoned.emulator)).toBe(true)
})

test('the next test finds the bundle, its child and the emulator gone, and the file emulator open', async () => {
  expect(runningBundles()).toEqual([])
  const [bundle, child] = abandoned.pids
  expect(isRunning(bundle)).toBe(false)
  await until(() => !isRunning(child)) // killed with its group; it may take a moment to die
  expect(abandoned.outcome).toEqual(new Error('the test ended while this bundle ran'))
  expect(openEmulators()).not.toContain(abandoned.emulator)
  expect(await answers(abandoned.emulator!)).toBe(false)
  expect(openEmulators()).toContain(fileEmulator)
  expect(await answers(fileEmulator)).toBe(true)
})

const timedOut = { pid: 0, outcome: undefined as unknown, carriedOn: false }

// `failing`: the test passes when it fails, and this one always fails by timing out, because its
// bundle never ends.
test.failing(
  'a test that times out while it waits for a bundle',
  async () => {
    const run = endless()
    timedOut.pid = runningBundles()[0]
    try {
      await run
    } catch (e) {
      timedOut.outcome = e
      throw e
    }
    timedOut.carriedOn = true // what the test would have done next, in the next test's time
  },
  1_000
)

test('the next test finds that bundle killed, and the timed-out test stopped where it waited', () => {
  expect(timedOut.pid).toBeGreaterThan(0)
  expect(isRunning(timedOut.pid)).toBe(false)
  expect(timedOut.outcome).toEqual(new Error('the test ended while this bundle ran'))
  expect(timedOut.carriedOn).toBe(false)
})

test('a run aborted through its signal, or past its timeoutMs, is killed and rejects', async () => {
  const controller = new AbortController()
  const run = runBundle({
    action: 'endless',
    actionsDir,
    workspace: tempDir(),
    signal: controller.signal
  })
  const [pid] = runningBundles()
  controller.abort(new Error('enough'))
  await expect(run).rejects.toThrow('enough')
  expect(isRunning(pid)).toBe(false)
  const late = runBundle({ action: 'endless', actionsDir, signal: controller.signal })
  await expect(late).rejects.toThrow('enough')
  expect(runningBundles()).toEqual([])
  await expect(
    runBundle({ action: 'endless', actionsDir, workspace: tempDir(), timeoutMs: 200 })
  ).rejects.toThrow('endless ran past its 200 ms and was killed')
})
