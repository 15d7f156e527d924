import { createServer, type IncomingMessage, type Server } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Clock, type AdvanceBy } from './clock.js'
import { Core, DEFAULT_TOKENS, type SeedRepoOptions } from './core.js'
import type { FaultSpec } from './faults.js'
import { ApiError } from './http/errors.js'
import { seedRun } from './model/runs.js'
import type {
  TokenSpec,
  RunSpec,
  Issue,
  Comment,
  Label,
  IssueEvent,
  Run,
  Release
} from './model/types.js'
import { parseSignature } from './model/signature.js'
import type { RequestRecord } from './request-log.js'
import { ApiServer } from './server.js'

export interface EmulatorOptions {
  /** Start time of the (frozen) emulator clock. Default: now, truncated to the second. */
  now?: string | Date
  /** Where bare repositories live. Default: a temp dir, deleted by close(). */
  dataDir?: string
  /** 0 or omitted: any free port. */
  port?: number
  /** Search index lag in ms of emulator time (items invisible to search until then). Default 0. */
  searchLagMs?: number
  /** Refuse requests once a primary rate-limit bucket is empty. Default false (count only). */
  enforceRateLimits?: boolean
  /** Keep response bodies in the request log (for contract tests). Default false. */
  logBodies?: boolean
}

export interface CommitOptions {
  owner: string
  repo: string
  /** Default: the default branch. Created from `from` (default: the default branch) if missing. */
  branch?: string
  from?: string
  /** Path → new content; null deletes the path. */
  files: Record<string, string | null>
  message?: string
  author?: { name: string; email: string }
}

/** A read-only view of one repository's issue-side state, for assertions. */
export interface RepoView {
  owner: string
  repo: string
  gitDir: string
  defaultBranch: string
  actionsCanCreatePullRequests: boolean
  collaborators: string[]
  /** Issues and pull requests (pull requests have `pull`). */
  issues: Issue[]
  pulls: Issue[]
  labels: Label[]
  comments: Comment[]
  events: IssueEvent[]
  runs: Run[]
  /** Releases (drafts included) in creation order, each with its assets. */
  releases: Release[]
}

export interface EmulatorState {
  repo(owner: string, repo: string): RepoView
  repos(): RepoView[]
}

export interface Emulator {
  readonly url: string
  readonly port: number
  readonly dataDir: string
  seedRepo(options: SeedRepoOptions): Promise<{ gitDir: string }>
  /** Commits files straight into a branch (a "human push"); not logged as an API request. */
  commit(options: CommitOptions): Promise<{ sha: string }>
  addToken(spec: TokenSpec): void
  addCollaborator(owner: string, repo: string, login: string): void
  addTeam(org: string, slug: string, members: string[]): void
  setRepoSettings(
    owner: string,
    repo: string,
    settings: { actionsCanCreatePullRequests?: boolean; dropTriageWithoutPush?: boolean }
  ): void
  seedRun(owner: string, repo: string, run: RunSpec): void
  addFault(fault: FaultSpec): void
  /** Every fault, or with `owner/repo` the faults scoped to that repository. */
  clearFaults(repo?: string): void
  setNow(now: string | Date): void
  advance(by: number | AdvanceBy): void
  now(): string
  setSearchLag(ms: number): void
  requests(): RequestRecord[]
  clearRequests(): void
  readonly state: EmulatorState
  reset(): Promise<void>
  close(): Promise<void>
}

/** Emulators started in this process and not closed yet, oldest first. */
const open = new Set<Emulator>()

/**
 * The emulators still open, oldest first: test/kit/cleanup.ts closes the ones a test started
 * and left open (a test that timed out never reaches its `finally`).
 */
export function openEmulators(): Emulator[] {
  return [...open]
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const ownsDir = options.dataDir === undefined
  const dataDir = ownsDir
    ? await mkdtemp(join(tmpdir(), 'github-emulator-'))
    : resolve(options.dataDir!)
  const core = new Core(new Clock(options.now), dataDir, {
    searchLagMs: options.searchLagMs ?? 0,
    enforceRateLimits: options.enforceRateLimits ?? false,
    logBodies: options.logBodies ?? false
  })
  // The control API needs the handle, which needs the listening server: break the cycle.
  const ref: { handle?: EmulatorHandle } = {}
  const api = new ApiServer(core, (req, url, body) => control(ref.handle!, req, url, body))
  const server = createServer((req, res) => {
    api.handle(req, res).catch((e: unknown) => {
      console.error('github-emulator: unexpected error', e)
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })
  await new Promise<void>((ok, fail) => {
    server.once('error', fail)
    server.listen(options.port ?? 0, '127.0.0.1', () => ok())
  })
  const port = (server.address() as AddressInfo).port
  core.baseUrl = `http://127.0.0.1:${port}`
  ref.handle = new EmulatorHandle(core, server, port, ownsDir)
  open.add(ref.handle)
  return ref.handle
}

class EmulatorHandle implements Emulator {
  readonly url: string

  constructor(
    private readonly core: Core,
    private readonly server: Server,
    readonly port: number,
    private readonly ownsDir: boolean
  ) {
    this.url = core.baseUrl
  }

  get dataDir(): string {
    return this.core.dataDir
  }

  seedRepo(options: SeedRepoOptions): Promise<{ gitDir: string }> {
    return this.core.seedRepo(options)
  }

  async commit(options: CommitOptions): Promise<{ sha: string }> {
    const repo = this.core.requireRepo(options.owner, options.repo)
    return this.core.mutex.run(repo.fullName.toLowerCase(), async () => {
      const git = repo.git
      const branch = options.branch ?? repo.defaultBranch
      let head = await git.branchSha(branch)
      if (!head) head = await git.resolveCommit(options.from ?? repo.defaultBranch)
      const changes = []
      for (const [path, content] of Object.entries(options.files)) {
        changes.push({
          path,
          sha: content === null ? null : await git.writeBlob(Buffer.from(content))
        })
      }
      const tree = await git.buildTree(head ? await git.treeOf(head) : null, changes)
      const fallback = {
        name: 'octocat',
        email: 'octocat@users.noreply.github.com',
        date: this.core.now()
      }
      const sig = parseSignature(options.author, 'author', fallback)
      const sha = await git.commitTree({
        tree,
        parents: head ? [head] : [],
        message: options.message ?? 'Update files',
        author: sig,
        committer: sig
      })
      await git.updateRef(`refs/heads/${branch}`, sha)
      repo.pushedAt = this.core.now()
      return { sha }
    })
  }

  addToken(spec: TokenSpec): void {
    this.core.addToken(spec)
  }

  addCollaborator(owner: string, repo: string, login: string): void {
    this.core.addCollaborator(owner, repo, login)
  }

  addTeam(org: string, slug: string, members: string[]): void {
    this.core.addTeam(org, slug, members)
  }

  setRepoSettings(
    owner: string,
    repo: string,
    settings: { actionsCanCreatePullRequests?: boolean; dropTriageWithoutPush?: boolean }
  ): void {
    const r = this.core.requireRepo(owner, repo)
    if (settings.actionsCanCreatePullRequests !== undefined) {
      r.actionsCanCreatePullRequests = settings.actionsCanCreatePullRequests
    }
    if (settings.dropTriageWithoutPush !== undefined)
      r.dropTriageWithoutPush = settings.dropTriageWithoutPush
  }

  seedRun(owner: string, repo: string, run: RunSpec): void {
    seedRun(this.core, owner, repo, run)
  }

  addFault(fault: FaultSpec): void {
    this.core.faults.add(fault)
  }

  clearFaults(repo?: string): void {
    this.core.faults.clear(repo)
  }

  setNow(now: string | Date): void {
    this.core.clock.set(now)
  }

  advance(by: number | AdvanceBy): void {
    this.core.clock.advance(by)
  }

  now(): string {
    return this.core.now()
  }

  setSearchLag(ms: number): void {
    this.core.options.searchLagMs = ms
  }

  requests(): RequestRecord[] {
    return this.core.log.map((r) => ({ ...r }))
  }

  clearRequests(): void {
    this.core.log = []
  }

  get state(): EmulatorState {
    const core = this.core
    const view = (owner: string, name: string): RepoView => {
      const r = core.requireRepo(owner, name)
      const issues = [...r.issues.values()].sort((a, b) => a.number - b.number)
      return {
        owner: r.owner,
        repo: r.name,
        gitDir: r.git.gitDir,
        defaultBranch: r.defaultBranch,
        actionsCanCreatePullRequests: r.actionsCanCreatePullRequests,
        collaborators: [...r.collaborators],
        issues,
        pulls: issues.filter((i) => i.pull),
        labels: [...r.labels],
        comments: [...r.comments],
        events: [...r.events].sort((a, b) => a.seq - b.seq),
        runs: [...r.runs.values()],
        releases: [...r.releases.values()].sort((a, b) => a.id - b.id)
      }
    }
    return {
      repo: view,
      repos: () => [...core.repos.values()].map((r) => view(r.owner, r.name))
    }
  }

  async reset(): Promise<void> {
    const core = this.core
    for (const r of core.repos.values()) {
      r.git.close()
      await rm(r.git.gitDir, { recursive: true, force: true })
    }
    core.repos.clear()
    core.teams.clear()
    core.tokens.clear()
    for (const t of DEFAULT_TOKENS) core.tokens.set(t.token, t)
    core.faults.clear()
    core.rate.reset()
    core.log = []
  }

  private closing?: Promise<void>

  /** Idempotent: a second call waits for the first. */
  close(): Promise<void> {
    this.closing ??= this.shutDown()
    return this.closing
  }

  private async shutDown(): Promise<void> {
    open.delete(this)
    for (const r of this.core.repos.values()) r.git.close()
    await new Promise<void>((ok) => {
      this.server.close(() => ok())
      this.server.closeAllConnections()
    })
    if (this.ownsDir) await rm(this.core.dataDir, { recursive: true, force: true })
  }
}

/** JSON form of the state for the control API (no git handles, no Maps). */
function stateJson(handle: EmulatorHandle): unknown {
  return handle.state.repos().map((view) => ({
    ...view,
    issues: view.issues.map(({ search: _search, ...rest }) => rest),
    pulls: undefined
  }))
}

/**
 * The control API under `/_emulator/` (never under GitHub's paths): the same operations as the
 * in-process handle, for emulators started as a separate process.
 */
async function control(
  emu: EmulatorHandle,
  req: IncomingMessage,
  url: URL,
  body: unknown
): Promise<{ status: number; body?: unknown }> {
  const method = (req.method ?? 'GET').toUpperCase()
  const parts = url.pathname.split('/').slice(2).map(decodeURIComponent)
  const b = (body ?? {}) as Record<string, unknown>
  const key = `${method} ${parts[0] ?? ''}`
  switch (key) {
    case 'GET health':
      return { status: 200, body: { ok: true, url: emu.url } }
    case 'POST repos':
      if (parts.length === 1)
        return { status: 201, body: await emu.seedRepo(b as unknown as SeedRepoOptions) }
      if (parts[3] === 'collaborators') {
        emu.addCollaborator(parts[1], parts[2], String(b.login))
        return { status: 204 }
      }
      if (parts[3] === 'runs') {
        emu.seedRun(parts[1], parts[2], b as unknown as RunSpec)
        return { status: 204 }
      }
      if (parts[3] === 'commits') {
        return {
          status: 201,
          body: await emu.commit({
            ...(b as object),
            owner: parts[1],
            repo: parts[2]
          } as CommitOptions)
        }
      }
      break
    case 'PATCH repos':
      emu.setRepoSettings(parts[1], parts[2], b)
      return { status: 204 }
    case 'POST tokens':
      emu.addToken(b as unknown as TokenSpec)
      return { status: 204 }
    case 'POST teams':
      emu.addTeam(String(b.org), String(b.slug), (b.members as string[]) ?? [])
      return { status: 204 }
    case 'POST faults':
      emu.addFault(b as unknown as FaultSpec)
      return { status: 204 }
    case 'DELETE faults':
      emu.clearFaults()
      return { status: 204 }
    case 'GET clock':
      return { status: 200, body: { now: emu.now() } }
    case 'POST clock':
      if (b.now !== undefined) emu.setNow(String(b.now))
      if (b.advance !== undefined) emu.advance(b.advance as number | AdvanceBy)
      return { status: 200, body: { now: emu.now() } }
    case 'POST search-lag':
      emu.setSearchLag(Number(b.ms ?? 0))
      return { status: 204 }
    case 'GET requests':
      return { status: 200, body: emu.requests() }
    case 'DELETE requests':
      emu.clearRequests()
      return { status: 204 }
    case 'GET state':
      return { status: 200, body: stateJson(emu) }
    case 'POST reset':
      await emu.reset()
      return { status: 204 }
  }
  throw new ApiError(404, `No control operation ${method} ${url.pathname}`)
}
