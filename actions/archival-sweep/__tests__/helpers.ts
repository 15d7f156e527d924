// The sweep's built bundle against the GitHub emulator, with the emulator's clock as "now".
import { getOctokit } from '@actions/github'
import { BundleRunResult, runBundle } from '@contribs-actions/cli'
import { startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import { trackingMarker } from '@contribs-actions/shared'

export type Octokit = ReturnType<typeof getOctokit>

/** Day 0 of every story: a Monday morning. */
export const T0 = '2026-01-05T09:00:00Z'
export const DAY = 86_400_000
export const OWNER = 'acme'

export async function emulator(): Promise<Emulator> {
  return startEmulator({ now: T0 })
}

/** A human maintainer's client (octocat, push access). */
export function client(emu: Emulator, token = 'user-token'): Octokit {
  return getOctokit(token, { baseUrl: emu.url, request: { fetch: globalThis.fetch } })
}

/** Puts the emulator clock at day `d` (fractions allowed) of the story. */
export function setDay(emu: Emulator, d: number): void {
  emu.setNow(new Date(Date.parse(T0) + d * DAY))
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
  /** Default 0: any other exit code throws with the step's output. */
  exitCode?: number
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
  if (r.exitCode !== (options.exitCode ?? 0))
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

/** Write requests the emulator saw for a repository since the last clearRequests(). */
export function writes(emu: Emulator, repo: string): string[] {
  return emu
    .requests()
    .filter((r) => r.write && r.path.startsWith(`/repos/${OWNER}/${repo}/`))
    .map((r) => `${r.method} ${r.route}`)
}
