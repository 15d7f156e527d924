// Shared set-up of the bump-versions stories: the example repository pushed into the GitHub
// emulator, a clone as the action's checkout, and the built bundle run against both.
import { getOctokit } from '@actions/github'
import { BundleRunResult, runBundle } from '@contribs-actions/cli'
import type { Emulator } from '@contribs-actions/github-emulator'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  copyExampleRepo,
  EXAMPLE_OWNER_USERS,
  git,
  initGitRepo,
  tempDir,
  writeFiles
} from '../../../test/kit/fixtures.js'

export const OWNER = 'generative-computing'
export const V = '0.8.0rc1'
export const LABEL = `sync-mellea-version:${V}`
export const FAKE_LOCK = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'fixtures',
  'fake-lock.mjs'
)
export const LOCK_COMMAND = `node ${FAKE_LOCK} {upstream}`
// The packages that wait for no sibling, and those built on _integration_core.
export const WAVE1 = ['_integration_core', 'agent-utilities', 'citations']
export const ON_CORE = ['crewai', 'dspy', 'langchain']
export const ROOT = 'mellea-contribs'

export interface Seeded {
  repo: string
  gitDir: string
  /** A clone of the seeded repository: the action's checkout (never updated by the stories). */
  workspace: string
}

/** The example repository with `files` changed, as a local git repository to seed from. */
export function exampleSource(files: Record<string, string | Buffer | null> = {}): string {
  const src = copyExampleRepo()
  writeFiles(src, files)
  initGitRepo(src, 'initial import')
  return src
}

/**
 * `source` as `generative-computing/<repo>` in the emulator, with every OWNERS user a
 * collaborator, and a clone of it as the action's checkout (unless `workspace` is given: a
 * checkout of the same content serves every repository seeded from one source).
 */
export async function seedFrom(
  emu: Emulator,
  source: string,
  repo: string,
  options: { actionsCanCreatePullRequests?: boolean; workspace?: string } = {}
): Promise<Seeded> {
  const { workspace: given, ...seedOptions } = options
  const { gitDir } = await emu.seedRepo({ owner: OWNER, repo, source, ...seedOptions })
  for (const login of EXAMPLE_OWNER_USERS) emu.addCollaborator(OWNER, repo, login)
  if (given) return { repo, gitDir, workspace: given }
  const workspace = path.join(tempDir('bump-checkout-'), repo)
  git(path.dirname(workspace), 'clone', '-q', gitDir, workspace)
  return { repo, gitDir, workspace }
}

/** The example repository (with `files` changed) as `generative-computing/<repo>` in the emulator. */
export async function seedExample(
  emu: Emulator,
  repo: string,
  files: Record<string, string | Buffer | null> = {},
  options: { actionsCanCreatePullRequests?: boolean } = {}
): Promise<Seeded> {
  return seedFrom(emu, exampleSource(files), repo, options)
}

export function releaseEvent(version = V) {
  return {
    name: 'repository_dispatch',
    payload: { action: 'mellea-released', client_payload: { version } }
  }
}

export function mergedEvent(number: number, labels = [LABEL]) {
  return {
    name: 'pull_request',
    payload: {
      action: 'closed',
      number,
      pull_request: { number, merged: true, labels: labels.map((name) => ({ name })) }
    }
  }
}

export async function runBump(
  emu: Emulator,
  seeded: Seeded,
  options: {
    inputs?: Record<string, string>
    event?: { name: string; payload?: unknown }
    env?: Record<string, string>
  } = {}
): Promise<BundleRunResult> {
  return runBundle({
    action: 'bump-versions',
    workspace: seeded.workspace,
    inputs: {
      token: 'app-token',
      'actions-token': 'actions-token',
      'lock-command': LOCK_COMMAND,
      ...options.inputs
    },
    event: options.event ?? releaseEvent(),
    env: {
      GITHUB_API_URL: emu.url,
      GITHUB_REPOSITORY: `${OWNER}/${seeded.repo}`,
      CONTRIBS_ACTIONS_TIME_SCALE: '0.01',
      ...options.env
    },
    timeoutMs: 60_000
  })
}

export function client(emu: Emulator, token = 'user-token') {
  return getOctokit(token, { baseUrl: emu.url, request: { fetch: globalThis.fetch } })
}

/** Runs git against the emulator's bare repository. */
export function bare(seeded: Seeded, ...args: string[]): string {
  return git(seeded.gitDir, ...args)
}

export function branches(seeded: Seeded): string[] {
  return bare(seeded, 'for-each-ref', '--format=%(refname:short)', 'refs/heads')
    .split('\n')
    .filter(Boolean)
}

/** The lines that differ between two texts, as [line number, before, after]. */
export function changedLines(a: string, b: string): [number, string, string][] {
  const x = a.split('\n')
  const y = b.split('\n')
  const out: [number, string, string][] = []
  for (let k = 0; k < Math.max(x.length, y.length); k++)
    if (x[k] !== y[k]) out.push([k + 1, x[k], y[k]])
  return out
}

/** Merges every open pull request whose head is one of `branches`, as a maintainer would. */
export async function mergeBumps(
  emu: Emulator,
  seeded: Seeded,
  packages: string[]
): Promise<number[]> {
  const octokit = client(emu)
  const numbers: number[] = []
  for (const pr of emu.state.repo(OWNER, seeded.repo).pulls) {
    const pkg = packages.find((p) => pr.pull!.head === `sync-mellea-${V}-${p}`)
    if (!pkg || pr.state !== 'open') continue
    await octokit.rest.pulls.merge({ owner: OWNER, repo: seeded.repo, pull_number: pr.number })
    numbers.push(pr.number)
  }
  return numbers
}

export const json = (r: BundleRunResult, name: string): unknown => JSON.parse(r.outputs[name])
export const packagesOf = (r: BundleRunResult, name: string): string[] =>
  (json(r, name) as { package: string }[]).map((x) => x.package)

/**
 * What the bump left on GitHub, with the ids and shas that differ between equal runs left out:
 * the repository's labels, each bump branch's commit (tree, parent, subject), and each pull
 * request with its labels and review requests. Two runs that did the same work compare equal;
 * a duplicate branch or PR, a missing label or reviewer does not.
 */
export function bumpState(emu: Emulator, seeded: Seeded) {
  const view = emu.state.repo(OWNER, seeded.repo)
  const labelName = (id: number) => view.labels.find((l) => l.id === id)?.name
  const refs = bare(
    seeded,
    'for-each-ref',
    '--format=%(refname:short) %(tree) %(parent) %(subject)'
  )
  return {
    labels: view.labels
      .map((l) => ({ name: l.name, color: l.color, description: l.description }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
    branches: refs
      .split('\n')
      .filter((line) => line && !line.startsWith('main '))
      .sort(),
    pulls: view.pulls
      .map((p) => ({
        head: p.pull!.head,
        state: p.state,
        title: p.title,
        body: p.body,
        user: p.user,
        labels: p.labels.map(labelName).sort(),
        reviewers: [...p.pull!.requestedReviewers].sort(),
        teams: [...p.pull!.requestedTeams].sort()
      }))
      .sort((a, b) => (a.head < b.head ? -1 : 1))
  }
}
