// smoke-reporter's built bundle against the GitHub emulator, and what the tests read back.
import { execFileSync } from 'node:child_process'
import { BundleRunResult, runBundle } from '@contribs-actions/cli'
import { startEmulator, type Emulator, type JobSpec } from '@contribs-actions/github-emulator'
import { EXAMPLE_OWNER_USERS, EXAMPLE_REPO } from '../../../test/kit/fixtures.js'

export const OWNER = 'acme'
export const T0 = '2026-01-05T03:30:00Z'
export const BRANCH = 'bot-state/auto-issue-bot'
export const DIR = '.github/bot-state'
/** Every OWNERS individual of examples/contribs-repo. */
export const OWNERS_USERS = EXAMPLE_OWNER_USERS

export async function emulator(): Promise<Emulator> {
  return startEmulator({ now: T0 })
}

/** A repository whose collaborators are the example repo's OWNERS (minus `except`). */
export async function seed(emu: Emulator, repo: string, except: string[] = []): Promise<string> {
  const { gitDir } = await emu.seedRepo({
    owner: OWNER,
    repo,
    files: { 'README.md': '# contribs\n' },
    collaborators: ['octocat', ...OWNERS_USERS.filter((u) => !except.includes(u))]
  })
  return gitDir
}

export interface ReportOptions {
  inputs?: Record<string, string>
  runId: number
  attempt?: number
  sha?: string
  workspace?: string
  token?: string
  /** More environment, e.g. RUNNER_DEBUG for the debug lines. */
  env?: Record<string, string>
}

export async function report(
  emu: Emulator,
  repo: string,
  options: ReportOptions
): Promise<BundleRunResult> {
  const token = options.token ?? 'actions-token'
  return runBundle({
    action: 'smoke-reporter',
    inputs: { token, 'actions-token': 'actions-token', ...options.inputs },
    workspace: options.workspace ?? EXAMPLE_REPO,
    event: { name: 'schedule', payload: { schedule: '17 3 * * *' } },
    env: {
      GITHUB_API_URL: emu.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: `${OWNER}/${repo}`,
      GITHUB_RUN_ID: String(options.runId),
      GITHUB_RUN_ATTEMPT: String(options.attempt ?? 1),
      GITHUB_SHA: options.sha ?? 'c0ffee0000000000000000000000000000000000',
      CONTRIBS_ACTIONS_TIME_SCALE: '0.01',
      ...options.env
    }
  })
}

/** Fails with the step's output when the exit code is not the expected one. */
export function ok(result: BundleRunResult, exitCode = 0): BundleRunResult {
  if (result.exitCode !== exitCode)
    throw new Error(
      `exit ${result.exitCode} (expected ${exitCode}):\n${result.stdout}\n${result.stderr}`
    )
  return result
}

export function gitOut(gitDir: string, ...args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe']
  }).trim()
}

/** The package's state file on the state branch of the bare repo, or undefined. */
export function stateFile(gitDir: string, pkg: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(gitOut(gitDir, 'show', `${BRANCH}:${DIR}/${pkg}.json`)) as Record<
      string,
      unknown
    >
  } catch {
    return undefined
  }
}

export function stateText(gitDir: string, pkg: string): string {
  return execFileSync('git', ['--git-dir', gitDir, 'show', `${BRANCH}:${DIR}/${pkg}.json`], {
    encoding: 'utf8'
  })
}

export function commitCount(gitDir: string): number {
  try {
    return Number(gitOut(gitDir, 'rev-list', '--count', BRANCH))
  } catch {
    return 0
  }
}

/** Jobs of one smoke run as the reusable workflow names them: `smoke (<pkg>) py<version> / package-ci`. */
type Conclusion = JobSpec['conclusion']

export function legs(results: Record<string, Conclusion | [Conclusion, Conclusion]>): JobSpec[] {
  const jobs: JobSpec[] = [{ name: 'plan', conclusion: 'success' }]
  for (const [pkg, r] of Object.entries(results)) {
    if (Array.isArray(r)) {
      jobs.push({ name: `smoke (${pkg}) py3.11 / package-ci`, conclusion: r[0] })
      jobs.push({ name: `smoke (${pkg}) py3.12 / package-ci`, conclusion: r[1] })
    } else jobs.push({ name: `smoke (${pkg}) py3.12 / package-ci`, conclusion: r })
  }
  // The reporter itself, still running.
  jobs.push({ name: 'report', conclusion: null, status: 'in_progress' })
  return jobs
}

export function outputs(result: BundleRunResult): {
  red: string[]
  green: string[]
  opened: { package: string; issue: number; url: string }[]
  commented: { package: string; issue: number; failure: number }[]
  recovered: { package: string; issue: number }[]
} {
  return {
    red: JSON.parse(result.outputs.red) as string[],
    green: JSON.parse(result.outputs.green) as string[],
    opened: JSON.parse(result.outputs.opened) as { package: string; issue: number; url: string }[],
    commented: JSON.parse(result.outputs.commented) as {
      package: string
      issue: number
      failure: number
    }[],
    recovered: JSON.parse(result.outputs.recovered) as { package: string; issue: number }[]
  }
}
