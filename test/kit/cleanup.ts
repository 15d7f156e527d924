// Loaded before every test file (jest.config.js, setupFilesAfterEnv). When a test ends (passed,
// failed or timed out) whatever it started is stopped before the next test begins: the action
// bundles runBundle spawned, each with its whole process group, and the emulators the test
// started. Jest does not stop a test it gave up on; without this, a bundle it had started could
// open a pull request while the next test counts them. Emulators started in beforeAll belong to
// the file and are closed when the file ends.
import { afterAll, afterEach, beforeEach } from '@jest/globals'
import { stopBundles } from '@contribs-actions/cli'
import { openEmulators, type Emulator } from '@contribs-actions/github-emulator'

/** The emulators open when the current test began: the file's, not the test's. */
let fileEmulators = new Set<Emulator>()

beforeEach(() => {
  fileEmulators = new Set(openEmulators())
})

afterEach(async () => {
  const bundles = await stopBundles('the test ended while this bundle ran')
  const emulators = openEmulators().filter((e) => !fileEmulators.has(e))
  await Promise.all(emulators.map((e) => e.close()))
  // Only a test that jest gave up on, or one that did not wait for what it started, gets here.
  if (bundles + emulators.length > 0)
    console.warn(`test kit: stopped ${bundles} bundle(s) and ${emulators.length} emulator(s)`)
})

// This runs before the file's own afterAll hooks (declared first), so the file's emulators are
// usually still open here; closing them twice is harmless.
afterAll(async () => {
  await stopBundles('the test file ended while this bundle ran')
  await Promise.all(openEmulators().map((e) => e.close()))
})
