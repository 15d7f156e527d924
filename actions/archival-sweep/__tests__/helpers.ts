// The sweep's built bundle against the GitHub emulator, with the emulator's clock as "now".
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { getOctokit } from '@actions/github'
import { BundleRunResult, runBundle } from '@contribs-actions/cli'
import { startEmulator, type Emulator, type RequestRecord } from '@contribs-actions/github-emulator'
import { trackingMarker } from '@contribs-actions/shared'
import { afterAll, beforeAll } from '@jest/globals'
import { cleanupTempDirs, copyExampleRepo, initGitRepo } from '../../../test/kit/fixtures.js'

export type Octokit = ReturnType<typeof getOctokit>

/** Day 0 of every story: a Monday morning. */
export const T0 = '2026-01-05T09:00:00Z'
export const DAY = 86_400_000
export const OWNER = 'acme'

export async function emulator(): Promise<Emulator> {
  return startEmulator({ now: T0 })
}

/**
 * Starts the emulator before a file's tests, hands it and a maintainer's client to `use`, and
 * closes it (and removes the file's temporary folders) after them.
 */
export function withEmulator(use: (started: { emu: Emulator; gh: Octokit }) => void): void {
  let emu: Emulator | undefined
  beforeAll(async () => {
    emu = await emulator()
    use({ emu, gh: client(emu) })
  })
  afterAll(async () => {
    await emu?.close()
    cleanupTempDirs()
  })
}

/** A human maintainer's client (octocat, push access). */
export function client(emu: Emulator, token = 'user-token'): Octokit {
  return getOctokit(token, { baseUrl: emu.url, request: { fetch: globalThis.fetch } })
}

/** Puts the emulator clock at `day` (fractions allowed) of the story. */
export function setDay(emu: Emulator, day: number): void {
  emu.setNow(new Date(Date.parse(T0) + day * DAY))
}

/** The story day of a GitHub timestamp. */
export function dayOf(iso: string): number {
  return (Date.parse(iso) - Date.parse(T0)) / DAY
}

/** A tracking issue as smoke-reporter opens it: the label at creation and the marker in the body. */
export async function openTrackingIssue(
  gh: Octokit,
  repo: string,
  pkg: string,
  label = 'contribs-broken'
): Promise<number> {
  const { data } = await gh.rest.issues.create({
    owner: OWNER,
    repo,
    title: `[${label}] ${pkg}: smoke red since 2026-01-05`,
    body: `The smoke test of \`${pkg}\` is red.\n\n${trackingMarker(pkg)}`,
    labels: [label]
  })
  return data.number
}

export interface SweepOptions {
  inputs?: Record<string, string>
  workspace: string
  /** Default 0: any other exit code throws with the step's output. `any`: the caller checks. */
  exitCode?: number | 'any'
  /** More environment, e.g. RUNNER_DEBUG. */
  env?: Record<string, string>
}

export async function sweep(
  emu: Emulator,
  repo: string,
  options: SweepOptions
): Promise<BundleRunResult & { issues: SweepIssue[] }> {
  const r = await runBundle({
    action: 'archival-sweep',
    inputs: { token: 'actions-token', 'actions-token': 'actions-token', ...options.inputs },
    workspace: options.workspace,
    event: { name: 'schedule', payload: { schedule: '17 6 * * 1,4' } },
    env: {
      GITHUB_API_URL: emu.url,
      GITHUB_REPOSITORY: `${OWNER}/${repo}`,
      CONTRIBS_ACTIONS_TIME_SCALE: '0.01',
      ...options.env
    }
  })
  if (options.exitCode !== 'any' && r.exitCode !== (options.exitCode ?? 0))
    throw new Error(`sweep failed (${r.exitCode}):\n${r.stdout}\n${r.stderr}`)
  // A run stopped by an error has no outputs.
  const issues =
    r.outputs.issues === undefined ? [] : (JSON.parse(r.outputs.issues) as SweepIssue[])
  return { ...r, issues }
}

export interface SweepIssue {
  issue: number | null
  package: string | null
  kind: string
  age_days: number | null
  stage: string
  actions: string[]
  pending: string[]
  url?: string
  note?: string
  paused_since?: string
  pull?: { number: number; url: string }
}

const MILESTONE = /<!-- contribs-actions:milestone day=(\d+) episode=(\S+) -->/

/** The milestone comments on an issue: day, episode and story day posted, oldest first. */
export function milestonesPosted(
  emu: Emulator,
  repo: string,
  issue: number
): { day: number; episode: string; postedOn: number; user: string }[] {
  return emu.state
    .repo(OWNER, repo)
    .comments.filter((c) => c.issueNumber === issue)
    .sort((a, b) => a.seq - b.seq)
    .flatMap((c) => {
      const m = MILESTONE.exec(c.body)
      return m
        ? [{ day: Number(m[1]), episode: m[2], postedOn: dayOf(c.createdAt), user: c.user }]
        : []
    })
}

/** Whether a request is the sweep's lease bookkeeping: its lease file, or the state branch made for it. */
function isLeaseBookkeeping(request: RequestRecord): boolean {
  if (decodeURIComponent(request.path).includes('/contents/.github/bot-state/archival-sweep.lease'))
    return true
  const ref = (request.requestBody as { ref?: string } | undefined)?.ref
  return (
    request.route === 'POST /repos/{owner}/{repo}/git/refs' &&
    ref === 'refs/heads/bot-state/auto-issue-bot'
  )
}

/**
 * Write requests the emulator saw for a repository since the last clearRequests(), as
 * `METHOD /route`: the sweep's effects. The lease a sweep with work takes and releases (see
 * leaseWrites) is left out.
 */
export function writes(emu: Emulator, repo: string): string[] {
  return emu
    .requests()
    .filter((r) => r.write && r.path.startsWith(`/repos/${OWNER}/${repo}/`))
    .filter((r) => !isLeaseBookkeeping(r))
    .map((r) => r.route ?? `${r.method} ${r.path}`)
}

/** The lease writes since the last clearRequests(): the lease file's updates and the branch made for it. */
export function leaseWrites(emu: Emulator, repo: string): string[] {
  return emu
    .requests()
    .filter((r) => r.write && r.path.startsWith(`/repos/${OWNER}/${repo}/`))
    .filter(isLeaseBookkeeping)
    .map((r) => r.route ?? `${r.method} ${r.path}`)
}

/** A stale issue as the sweep opens it: the stale label at creation and the stale marker. */
export async function openStaleIssue(gh: Octokit, repo: string, pkg: string): Promise<number> {
  const { data } = await gh.rest.issues.create({
    owner: OWNER,
    repo,
    title: `[contribs-stale] ${pkg}: upstream floor >=0.5.0 is below 0.6.0`,
    body: trackingMarker(pkg, 'stale'),
    labels: ['contribs-stale']
  })
  return data.number
}

export interface IssueSnapshot {
  number: number
  title: string
  state: string
  labels: string[]
  comments: string[]
}

/**
 * What a sweep leaves on GitHub: the repository's labels, and every issue with its state, labels
 * and comments (bodies, oldest first). Two runs that wrote the same things have equal snapshots;
 * a duplicate or a lost write shows as a difference. Episode ids (label event ids) differ between
 * repositories of one emulator, so markers show `episode=E`.
 */
export function snapshot(
  emu: Emulator,
  repo: string
): { labels: string[]; issues: IssueSnapshot[] } {
  const state = emu.state.repo(OWNER, repo)
  const name = (id: number) => state.labels.find((l) => l.id === id)?.name ?? `#${id}`
  return {
    labels: state.labels.map((l) => l.name).sort(),
    issues: [...state.issues]
      .sort((a, b) => a.number - b.number)
      .map((i) => ({
        number: i.number,
        title: i.title,
        state: i.state,
        labels: i.labels.map(name).sort(),
        comments: state.comments
          .filter((c) => c.issueNumber === i.number)
          .sort((a, b) => a.seq - b.seq)
          .map((c) => c.body.replace(/ episode=\S+ -->/g, ' episode=E -->'))
      }))
  }
}

/**
 * A git checkout of the example repository, served by the emulator as `repo`: what the sweep
 * reads when it opens archive pull requests or meets a hostile checkout. Its folder is returned.
 */
export async function seedExampleRepo(emu: Emulator, repo: string): Promise<string> {
  const checkout = copyExampleRepo()
  initGitRepo(checkout)
  await emu.seedRepo({ owner: OWNER, repo, source: checkout })
  return checkout
}

/**
 * A checkout of the example repository with `minimum_upstream_version = "0.6.0"`: langchain
 * (`mellea>=0.5.0`) is below it, every other package (`>=0.6.0`) meets it.
 */
export function minimumCheckout(): string {
  const checkout = copyExampleRepo()
  const file = path.join(checkout, 'pyproject.toml')
  const text = readFileSync(file, 'utf8')
  const from = 'minimum_upstream_version = "0.5.0"'
  if (!text.includes(from)) throw new Error(`${from} not in ${file}`)
  writeFileSync(file, text.replace(from, 'minimum_upstream_version = "0.6.0"'))
  initGitRepo(checkout)
  return checkout
}

/**
 * Day 22 of a story in which one sweep uses every write route it has: tracking issue #1 (dspy,
 * labelled on day 0) owes its day-7, day-14 and day-21 milestones (three comments, the `archived`
 * label created and added); stale issue #2 (dspy, whose floor now meets the minimum) is commented
 * on and closed; langchain, below the minimum, gets a new stale issue (#3). Run the sweep on
 * `minimumCheckout()`.
 */
export async function everyWriteDue(emu: Emulator, gh: Octokit, repo: string): Promise<void> {
  await emu.seedRepo({ owner: OWNER, repo })
  setDay(emu, 0)
  await openTrackingIssue(gh, repo, 'dspy')
  await openStaleIssue(gh, repo, 'dspy')
  setDay(emu, 22)
}
