import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, writeFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { runBundle, type BundleRunResult } from '@contribs-actions/cli'
import { startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import { loadRepo } from '@contribs-actions/shared'
import { createClient, type Octokit } from '@contribs-actions/shared/github'
import { indent, markdownToText } from './render.js'

export const OWNER = 'acme'
export const REPO = 'mellea-contribs'
const APP_TOKEN = 'app-token'
const ACTIONS_TOKEN = 'actions-token'

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'demo',
  GIT_AUTHOR_EMAIL: 'demo@example.invalid',
  GIT_COMMITTER_NAME: 'demo',
  GIT_COMMITTER_EMAIL: 'demo@example.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1'
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args],
    {
      cwd,
      env: GIT_ENV,
      encoding: 'utf8'
    }
  ).trim()
}

export interface Log {
  step(title: string): void
  note(text: string): void
  action(name: string, r: BundleRunResult, expectFailure?: boolean): void
}

/** The last `count` lines a step logged, without the group and debug commands the runner folds away. */
function lastLogLines(stdout: string, count: number): string {
  const lines = stdout.trim().split('\n')
  return lines
    .filter((l) => !/^::(debug|group|endgroup)::/.test(l))
    .slice(-count)
    .join('\n')
}

export function consoleLog(out: (s: string) => void): Log {
  let n = 0
  return {
    step: (title) => out(`\n${'='.repeat(78)}\n${++n}. ${title}\n${'='.repeat(78)}`),
    note: (text) => out(indent(text, '  ')),
    action: (name, result, expectFailure = false) => {
      const status =
        result.exitCode === 0
          ? 'succeeded'
          : expectFailure
            ? 'failed, as it should'
            : `FAILED (exit ${result.exitCode})`
      out(`\n  ── ${name}: ${status}`)
      out(indent(markdownToText(result.summary) || lastLogLines(result.stdout, 5)))
      if (result.exitCode !== 0 && !expectFailure)
        out(indent(result.stderr.trim().split('\n').slice(-10).join('\n')))
    }
  }
}

/** The repository, its emulated GitHub, and the checkout the actions run in. */
export class World {
  emu!: Emulator
  octokit!: Octokit
  checkout = ''
  gitDir = ''
  private runId = 1000

  constructor(
    readonly work: string,
    readonly exampleRepo: string,
    readonly log: Log
  ) {}

  async start(): Promise<void> {
    const source = path.join(this.work, 'source')
    cpSync(this.exampleRepo, source, { recursive: true })
    git(source, 'init', '-q', '-b', 'main')
    git(source, 'add', '-A')
    git(source, 'commit', '-q', '-m', 'example contribs repository')
    this.emu = await startEmulator({
      now: '2026-01-05T09:00:00Z',
      dataDir: path.join(this.work, 'github')
    })
    this.gitDir = (await this.emu.seedRepo({ owner: OWNER, repo: REPO, source })).gitDir
    // The owners the repository's OWNERS files name are its collaborators.
    const { packages } = await loadRepo(source)
    for (const login of new Set(packages.flatMap((p) => p.owners?.users ?? []))) {
      this.emu.addCollaborator(OWNER, REPO, login)
    }
    this.emu.addTeam('generative-computing', 'crewai-maintainers', ['HendrikStrobelt'])
    this.octokit = createClient({ token: APP_TOKEN, baseUrl: this.emu.url, timeScale: 0.001 })
    this.checkout = path.join(this.work, 'checkout')
    git(this.work, 'clone', '-q', this.gitDir, this.checkout)
  }

  /** Bring the checkout to the default branch head, as actions/checkout would. */
  sync(): string {
    git(this.checkout, 'fetch', '-q', 'origin')
    git(this.checkout, 'checkout', '-q', '-B', 'main', 'origin/main')
    return git(this.checkout, 'rev-parse', 'HEAD')
  }

  /** Commits files on a new branch of the checkout (a contributor's pull request). */
  branch(
    name: string,
    files: Record<string, string | null>,
    message: string
  ): { base: string; head: string } {
    const base = this.sync()
    git(this.checkout, 'checkout', '-q', '-b', name)
    for (const [rel, content] of Object.entries(files)) {
      const abs = path.join(this.checkout, rel)
      if (content === null) rmSync(abs, { recursive: true, force: true })
      else {
        mkdirSync(path.dirname(abs), { recursive: true })
        writeFileSync(abs, content)
      }
    }
    git(this.checkout, 'add', '-A')
    git(this.checkout, 'commit', '-q', '-m', message)
    return { base, head: git(this.checkout, 'rev-parse', 'HEAD') }
  }

  /** Where the release's built files are gathered (the publish job's download folder). */
  get distDir(): string {
    return path.join(this.work, 'dist')
  }

  /** Stand-ins for the wheels and sdists CI builds, one per asset name (the version-free copy is made by release). */
  writeDist(assets: string[]): void {
    mkdirSync(this.distDir, { recursive: true })
    for (const name of assets)
      writeFileSync(path.join(this.distDir, name), `stand-in for ${name}\n`)
  }

  nextRun(): number {
    return ++this.runId
  }

  /** Runs an action's built bundle in the checkout, as the runner would. */
  run(
    action: string,
    inputs: Record<string, string>,
    event: { name: string; payload?: unknown } = { name: 'workflow_dispatch' },
    runId?: number
  ): Promise<BundleRunResult> {
    const writes = ['bump-versions', 'smoke-reporter', 'archival-sweep', 'release'].includes(action)
    return runBundle({
      action,
      inputs: writes ? { token: APP_TOKEN, 'actions-token': ACTIONS_TOKEN, ...inputs } : inputs,
      event,
      workspace: this.checkout,
      env: {
        GITHUB_API_URL: this.emu.url,
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
        GITHUB_RUN_ID: String(runId ?? this.runId),
        GITHUB_RUN_ATTEMPT: '1',
        GITHUB_SHA: git(this.checkout, 'rev-parse', 'HEAD'),
        CONTRIBS_ACTIONS_TIME_SCALE: '0.001'
      }
    })
  }
}
