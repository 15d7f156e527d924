// The GitHub client and runtime every writing action shares, as the runner runs the built
// bundles: a bad event file, a stalled connection, a refused permission, a wrong token or
// repository, and a rate limit longer than the step may wait each end the step with one clear
// line, never a stack trace or a step that hangs.
import { jest } from '@jest/globals'
import { BundleRunOptions, BundleRunResult, runBundle } from '@contribs-actions/cli'
import { startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../kit/budgets.js'
import { EXAMPLE_REPO } from '../../kit/fixtures.js'
import { expectNoStackTrace } from '../../kit/step-log.js'

jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

const OWNER = 'acme'
const REPO = 'contribs'
let emu: Emulator

beforeAll(async () => {
  emu = await startEmulator({ now: '2026-01-05T09:00:00Z' })
  await emu.seedRepo({ owner: OWNER, repo: REPO, files: { 'README.md': '# contribs\n' } })
})
afterAll(() => emu.close())
beforeEach(() => {
  emu.clearFaults()
  emu.clearRequests()
})

/** What each writing action needs to start: its token and whatever says what to do. */
const ACTIONS: Record<string, Partial<BundleRunOptions>> = {
  'smoke-reporter': {
    inputs: { mode: 'record', package: 'dspy', outcome: 'failure', 'run-id': '7' }
  },
  'bump-versions': { inputs: { version: '0.8.0' } },
  'archival-sweep': {},
  release: { inputs: { mode: 'publish', version: '0.6.0' } }
}

function run(action: string, extra: Partial<BundleRunOptions> = {}): Promise<BundleRunResult> {
  const base = ACTIONS[action]
  return runBundle({
    action,
    workspace: EXAMPLE_REPO,
    event: { name: 'workflow_dispatch', payload: {} },
    ...base,
    ...extra,
    inputs: {
      token: 'app-token',
      'actions-token': 'actions-token',
      ...base.inputs,
      ...extra.inputs
    },
    env: {
      GITHUB_API_URL: emu.url,
      GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
      GITHUB_RUN_ID: '7',
      GITHUB_RUN_ATTEMPT: '1',
      CONTRIBS_ACTIONS_TIME_SCALE: '0.01',
      ...extra.env
    }
  })
}

/** The step failed with exactly one error line, and no stack trace anywhere. */
function oneError(result: BundleRunResult): string {
  const errors = result.annotations.filter((a) => a.level === 'error')
  if (result.exitCode !== 1 || errors.length !== 1)
    throw new Error(
      `expected one error and exit 1, got ${result.exitCode}:\n${result.stdout}\n${result.stderr}`
    )
  expectNoStackTrace(result)
  return errors[0].message
}

describe.each(Object.keys(ACTIONS))('%s: an event file that is not a JSON object', (action) => {
  test('`null` is a clear error, not a crash', async () => {
    const r = await run(action, { event: { name: 'repository_dispatch', payload: null } })
    expect(oneError(r)).toMatch(/event\.json: event payload is not a JSON object \(got null\)$/)
    expect(emu.requests()).toEqual([])
  })

  test('a truncated file is "not valid JSON", as discover says it', async () => {
    const r = await run(action, {
      event: { name: 'repository_dispatch', text: '{"client_payload": ' }
    })
    expect(oneError(r)).toMatch(/event\.json: event payload is not valid JSON: /)
    expect(emu.requests()).toEqual([])
  })
})

test('a connection that never answers ends the step with a message once its retries are spent', async () => {
  const route = 'GET /repos/{owner}/{repo}/contents/{path}'
  emu.addFault({ method: 'GET', route, kind: 'stall', count: 100 })
  const r = await run('smoke-reporter')
  expect(oneError(r)).toMatch(
    /^could not read the smoke state .*: GET \/repos\/acme\/contribs\/contents\/\.github\/bot-state\/dspy\.json: no answer from GitHub \(timed out after 5 s\); GitHub or the network failed, a re-run usually passes$/
  )
  // The first try and plugin-retry's three, each ended by the request timeout.
  expect(emu.requests().filter((q) => q.fault === 'stall')).toHaveLength(4)
  expect(emu.requests().filter((q) => q.write)).toEqual([])
})

test('a permission the token lacks is one line naming it', async () => {
  emu.addToken({
    token: 'contents-only',
    kind: 'app',
    login: 'reader[bot]',
    permissions: { contents: 'read' }
  })
  const r = await run('archival-sweep', { inputs: { token: 'contents-only' } })
  expect(oneError(r)).toBe(
    "GitHub call failed: GET /repos/acme/contribs/issues: HTTP 403 Resource not accessible by integration; the token lacks `issues: read`: grant it in the job's `permissions:` (or the GitHub App's repository permissions)"
  )
})

test('a wrong token or repository is one line naming the call and what to check', async () => {
  const badToken = await run('bump-versions', { inputs: { token: 'not-a-token' } })
  expect(oneError(badToken)).toBe(
    'GitHub call failed: GET /repos/acme/contribs: HTTP 401 Bad credentials; the token is invalid or expired: check the `token` input'
  )
  const badRepo = await run('bump-versions', { inputs: { repository: 'acme/contirbs' } })
  expect(oneError(badRepo)).toMatch(
    /^GitHub call failed: GET \/repos\/acme\/contirbs: HTTP 404 Not Found; acme\/contirbs, or what the request names in it, does not exist or the token cannot see it/
  )
})

test('a rate limit asking for a wait longer than the step may take stops at once, saying so', async () => {
  const route = 'GET /repos/{owner}/{repo}/issues'
  emu.addFault({ method: 'GET', route, kind: 'secondary', retryAfter: 3600 })
  const r = await run('archival-sweep')
  expect(oneError(r)).toMatch(
    /^GitHub call failed: GET \/repos\/acme\/contribs\/issues: secondary rate limit: GitHub asks to wait 3600 s, past this step's time budget for GitHub calls \(10 min, .* left\); stopped instead of waiting, re-run the job later$/
  )
  // the sweep's lease is read first; the rate-limited call is the only one after it
  expect(emu.requests().filter((q) => q.fault)).toHaveLength(1)
  expect(emu.requests().at(-1)?.fault).toBe('secondary')
})

test.each(Object.keys(ACTIONS))(
  '%s: the token is masked before the first call, and never printed, even with debug logging on',
  async (action) => {
    emu.addToken({ token: 'secret-app-token-5e1f', kind: 'app', login: 'bot[bot]' })
    // A call that fails (the repository is missing), with every debug switch on: the stack trace
    // of the failure is printed, and must not carry the token.
    const r = await run(action, {
      inputs: { token: 'secret-app-token-5e1f', repository: 'acme/missing' },
      env: { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' }
    })
    expect(r.exitCode).toBe(1)
    const lines = r.stdout.split('\n')
    const mask = lines.findIndex((l) => l === '::add-mask::secret-app-token-5e1f')
    expect(mask).toBeGreaterThanOrEqual(0)
    const elsewhere = [
      ...lines.filter((_, i) => i !== mask),
      r.stderr,
      r.summary,
      JSON.stringify(r.outputs)
    ].filter((text) => text.includes('secret-app-token-5e1f'))
    expect(elsewhere).toEqual([])
    expect(emu.requests().length).toBeGreaterThan(0)
  }
)
