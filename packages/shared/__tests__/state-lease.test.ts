// The shared lease on bot state, against the GitHub emulator over HTTP: a lease kept in a JSON
// file written with compare-and-swap (the way an action holding one for a whole run would keep
// it), its fence in front of creates, and comments posted at most once.
import { startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import {
  commentOnce,
  createClient,
  DEFAULT_LEASE_POLICY,
  FENCE_HEADER,
  fencedRequest,
  hiddenMarker,
  Holder,
  Lease,
  LeaseAccess,
  leaseCheck,
  leaseFor,
  LeaseLostError,
  leaseStatus,
  newHolder,
  Octokit,
  parseLease,
  statusOf
} from '../src/github/index.js'

let emu: Emulator
const owner = 'acme'
const repo = 'contribs'
const PATH = 'lease.json'
const MIN = 60_000
const policy = DEFAULT_LEASE_POLICY

beforeAll(async () => {
  emu = await startEmulator({ now: '2026-01-05T03:30:00Z' })
  await emu.seedRepo({ owner, repo, files: { 'README.md': '# x\n' } })
})
afterAll(() => emu.close())

const client = () => createClient({ token: 'app-token', baseUrl: emu.url, timeScale: 0.001 })
const now = () => Date.parse(emu.now())

/** The lease file and its blob sha (undefined: no file). */
async function readLease(octokit: Octokit): Promise<{ lease?: Lease; sha?: string }> {
  try {
    const { data } = await octokit.rest.repos.getContent({ owner, repo, path: PATH })
    const file = data as { content: string; sha: string }
    const text = Buffer.from(file.content, 'base64').toString('utf8')
    return { lease: parseLease(JSON.parse(text)), sha: file.sha }
  } catch (e) {
    if (statusOf(e) === 404) return {}
    throw e
  }
}

/** Writes the lease with compare-and-swap; false when someone wrote it since `sha`. */
async function writeLease(octokit: Octokit, lease: Lease, sha?: string): Promise<boolean> {
  try {
    await octokit.rest.repos.createOrUpdateFileContents({
      owner,
      repo,
      path: PATH,
      message: `lease ${lease.run}`,
      content: Buffer.from(JSON.stringify(lease)).toString('base64'),
      ...(sha ? { sha } : {})
    })
    return true
  } catch (e) {
    if (statusOf(e) === 409 || statusOf(e) === 422) return false
    throw e
  }
}

/** Takes the lease when it may (compare-and-swap); whether `me` holds it now. */
async function take(octokit: Octokit, me: Holder): Promise<boolean> {
  const { lease, sha } = await readLease(octokit)
  if (leaseStatus(lease, me, now(), policy).kind === 'held') return false
  return writeLease(octokit, leaseFor(me, now()), sha)
}

function access(octokit: Octokit, me: Holder): LeaseAccess {
  return {
    what: 'the sweep lease',
    read: async () => (await readLease(octokit)).lease,
    now,
    renew: async () => {
      const { lease, sha } = await readLease(octokit)
      if (leaseStatus(lease, me, now(), policy).kind !== 'mine') return false
      return writeLease(octokit, leaseFor(me, now()), sha)
    }
  }
}

const issuePosts = () =>
  emu.requests().filter((q) => q.route === 'POST /repos/{owner}/{repo}/issues').length

test('lease status: free, mine, held by a live holder, stale when not renewed or from an earlier attempt', () => {
  const t = Date.parse('2026-01-05T03:30:00Z')
  const a = newHolder(7, 1)
  const lease = leaseFor(a, t)
  expect(leaseStatus(undefined, a, t, policy)).toEqual({ kind: 'free' })
  expect(leaseStatus(lease, a, t + MIN, policy)).toEqual({ kind: 'mine', remainingMs: 14 * MIN })
  // Expired but nobody took it: still mine (renewing it is safe).
  expect(leaseStatus(lease, a, t + 20 * MIN, policy).kind).toBe('mine')
  expect(leaseStatus(lease, newHolder(8, 1), t + 14 * MIN, policy).kind).toBe('held')
  expect(leaseStatus(lease, newHolder(8, 1), t + 15 * MIN, policy)).toMatchObject({
    kind: 'stale',
    why: 'not renewed since 2026-01-05T03:30:00.000Z'
  })
  expect(leaseStatus(lease, newHolder(7, 2), t, policy).kind).toBe('stale')
  // Another leg of the same run and attempt is a different, live holder.
  expect(leaseStatus(lease, newHolder(7, 1), t, policy).kind).toBe('held')
  expect(parseLease({ run: '7/1', token: 'x', at: 'yesterday' })).toBeUndefined()
})

test('the fence sends while the lease is the holder’s and stops the holder once another run took over', async () => {
  const octokit = client()
  const a = newHolder(1, 1)
  const b = newHolder(2, 1)
  expect(await take(octokit, a)).toBe(true)
  expect(await take(octokit, b)).toBe(false) // held: b leaves the work to a

  emu.clearRequests()
  const fenceA = () => fencedRequest(octokit, leaseCheck(access(octokit, a), a, policy))
  const open = (fence: ReturnType<typeof fenceA>, title: string) =>
    octokit.rest.issues.create({ owner, repo, title, request: fence.request })
  await open(fenceA(), 'sent while held')
  expect(issuePosts()).toBe(1)

  // a is held up past its lease; b takes over.
  emu.advance({ minutes: 16 })
  expect(await take(octokit, b)).toBe(true)
  emu.clearRequests()
  const fence = fenceA()
  const refused = await open(fence, 'never sent').catch((e: unknown) => e)
  expect(refused).toMatchObject({ status: 412 })
  expect(
    (refused as { response: { headers: Record<string, string> } }).response.headers
  ).toHaveProperty(FENCE_HEADER, 'refused')
  expect(fence.refusal()).toBeInstanceOf(LeaseLostError)
  expect((fence.refusal() as Error).message).toMatch(
    /^the sweep lease: the lease passed to run 2\/1/
  )
  // unlessRefused hands the caller the lease's own error, not the 412 that stood in for it.
  await expect(fence.unlessRefused(() => open(fence, 'never sent either'))).rejects.toBeInstanceOf(
    LeaseLostError
  )
  expect(issuePosts()).toBe(0)
})

test('a holder whose lease ran low renews it before it sends', async () => {
  const octokit = client()
  const c = newHolder(3, 1)
  emu.advance({ minutes: 16 }) // whatever held it before is gone
  expect(await take(octokit, c)).toBe(true)
  const before = (await readLease(octokit)).lease!.at
  emu.advance({ minutes: 20 }) // past the lease, and nobody took it
  emu.clearRequests()
  const fence = fencedRequest(octokit, leaseCheck(access(octokit, c), c, policy))
  await octokit.rest.issues.create({
    owner,
    repo,
    title: 'sent after renewing',
    request: fence.request
  })
  expect(issuePosts()).toBe(1)
  const after = (await readLease(octokit)).lease!
  expect(after.token).toBe(c.token)
  expect(Date.parse(after.at) - Date.parse(before)).toBe(20 * MIN)
})

test('commentOnce: found by its marker when it is there; an answer lost after the post is adopted, not posted again', async () => {
  const octokit = client()
  const { data: issue } = await octokit.rest.issues.create({ owner, repo, title: 'comments' })
  const target = { octokit, owner, repo, issue: issue.number }
  const marker = hiddenMarker('test-note', { n: 1, run: '5/1' })
  expect(marker).toBe('<!-- contribs-actions:test-note n=1 run=5/1 -->')
  expect(() => hiddenMarker('x', { v: 'two words' })).toThrow()

  emu.addFault({
    method: 'POST',
    route: 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
    kind: 'drop',
    when: 'after'
  })
  const first = await commentOnce({ ...target, body: 'note', marker, lookFirst: false })
  expect(first.posted).toBe(true)
  const again = await commentOnce({ ...target, body: 'note', marker, lookFirst: true })
  expect(again).toEqual({ url: first.url, posted: false })
  const bodies = emu.state.repo(owner, repo).comments.filter((c) => c.issueNumber === issue.number)
  expect(bodies.map((c) => c.body)).toEqual([`note\n\n${marker}`])
})
