import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { Clock } from './clock.js'
import { Faults } from './faults.js'
import { BareRepo } from './git/bare-repo.js'
import { Ids, nodeId } from './ids.js'
import { KeyedMutex } from './mutex.js'
import { RateLimits } from './rate-limit.js'
import type { RequestRecord } from './request-log.js'
import type { RepoState, Team, TokenSpec } from './model/types.js'

export interface UserRecord {
  login: string
  id: number
  type: 'User' | 'Bot' | 'Organization'
}

export interface SeedRepoOptions {
  owner: string
  repo: string
  defaultBranch?: string
  /** A local git repository whose branches and tags are copied into the bare repo. */
  source?: string
  /** Without `source`: one initial commit on the default branch with these files. */
  files?: Record<string, string>
  actionsCanCreatePullRequests?: boolean
  /** Users with push access besides the owner. Default: ['octocat'] (the default user token). */
  collaborators?: string[]
  private?: boolean
  /** Drop labels/assignees on issue create for tokens without push access. Default true. */
  dropTriageWithoutPush?: boolean
  /** Repo owner's account type in JSON. Default 'Organization'. */
  ownerType?: 'Organization' | 'User'
}

/** The path prefix of the upload host (see Core.uploadsUrl). */
export const UPLOADS_PREFIX = '/api/uploads'

/** Where an asset's bytes are served once GET asset redirects (GitHub: a signed storage URL). */
export const ASSET_STORAGE_PREFIX = '/release-asset-storage'

export const DEFAULT_TOKENS: TokenSpec[] = [
  { token: 'actions-token', kind: 'actions', login: 'github-actions[bot]' },
  { token: 'app-token', kind: 'app', login: 'contribs-bot[bot]' },
  { token: 'user-token', kind: 'user', login: 'octocat' }
]

/** All emulator state; route handlers read and change it, the server wraps it in HTTP. */
export class Core {
  baseUrl = 'http://127.0.0.1'

  /**
   * Where release assets are uploaded: GitHub sends them to another host (uploads.github.com,
   * named by a release's `upload_url`); the emulator serves that host under this prefix, as
   * GitHub Enterprise Server does (`https://HOST/api/uploads`).
   */
  get uploadsUrl(): string {
    return `${this.baseUrl}${UPLOADS_PREFIX}`
  }
  readonly ids = new Ids()
  readonly tokens = new Map<string, TokenSpec>()
  readonly repos = new Map<string, RepoState>()
  readonly teams = new Map<string, Team>()
  readonly faults = new Faults()
  readonly rate = new RateLimits()
  readonly mutex = new KeyedMutex()
  log: RequestRecord[] = []
  private readonly users = new Map<string, UserRecord>()
  private readonly orgs = new Set<string>()

  constructor(
    readonly clock: Clock,
    readonly dataDir: string,
    readonly options: { searchLagMs: number; enforceRateLimits: boolean; logBodies: boolean }
  ) {
    for (const t of DEFAULT_TOKENS) this.tokens.set(t.token, t)
  }

  now(): string {
    return this.clock.iso()
  }

  /** Users get ids in first-seen order, so ids are stable for a given scenario. */
  user(login: string): UserRecord {
    const key = login.toLowerCase()
    let u = this.users.get(key)
    if (!u) {
      const type = login.endsWith('[bot]') ? 'Bot' : this.orgs.has(key) ? 'Organization' : 'User'
      u = { login, id: this.ids.next('user'), type }
      this.users.set(key, u)
    }
    return u
  }

  userNodeId(login: string): string {
    return nodeId('user', this.user(login).id)
  }

  repo(owner: string, name: string): RepoState | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase())
  }

  isCollaborator(repo: RepoState, login: string): boolean {
    const l = login.toLowerCase()
    return repo.owner.toLowerCase() === l || repo.collaborators.some((c) => c.toLowerCase() === l)
  }

  /** Push access: apps and GITHUB_TOKEN act with their permissions; users need to collaborate. */
  hasPush(repo: RepoState, token: TokenSpec): boolean {
    if (token.kind !== 'user') return true
    return this.isCollaborator(repo, token.login)
  }

  /** Whether `login` is in one of `org`'s teams: a member of the organisation. */
  isOrgMember(org: string, login: string): boolean {
    const [o, l] = [org.toLowerCase(), login.toLowerCase()]
    for (const team of this.teams.values())
      if (team.org.toLowerCase() === o && team.members.some((m) => m.toLowerCase() === l))
        return true
    return false
  }

  team(org: string, slug: string): Team | undefined {
    return this.teams.get(`${org}/${slug}`.toLowerCase())
  }

  addTeam(org: string, slug: string, members: string[]): Team {
    const id = this.ids.next('team')
    const team: Team = {
      id,
      nodeId: nodeId('team', id),
      org,
      slug,
      name: slug,
      members: [...members]
    }
    this.teams.set(`${org}/${slug}`.toLowerCase(), team)
    return team
  }

  addToken(spec: TokenSpec): void {
    if (!['actions', 'app', 'user'].includes(spec.kind))
      throw new Error(`unknown token kind ${spec.kind}`)
    this.tokens.set(spec.token, { ...spec })
  }

  addCollaborator(owner: string, name: string, login: string): void {
    const repo = this.requireRepo(owner, name)
    if (!this.isCollaborator(repo, login)) repo.collaborators.push(login)
  }

  requireRepo(owner: string, name: string): RepoState {
    const repo = this.repo(owner, name)
    if (!repo) throw new Error(`no emulated repository ${owner}/${name}; seed it first`)
    return repo
  }

  async seedRepo(options: SeedRepoOptions): Promise<{ gitDir: string }> {
    const { owner, repo: name } = options
    if (!owner || !name) throw new Error('seedRepo needs owner and repo')
    if (this.repo(owner, name)) throw new Error(`repository ${owner}/${name} already exists`)
    const defaultBranch = options.defaultBranch ?? 'main'
    if ((options.ownerType ?? 'Organization') === 'Organization') this.orgs.add(owner.toLowerCase())
    const gitDir = join(this.dataDir, 'repos', owner, `${name}.git`)
    await mkdir(gitDir, { recursive: true })
    const git = await BareRepo.init(gitDir, defaultBranch)
    if (options.source) {
      await git.fetchFrom(options.source)
    } else {
      const files = options.files ?? { 'README.md': `# ${name}\n` }
      const changes = []
      for (const [path, content] of Object.entries(files)) {
        changes.push({ path, sha: await git.writeBlob(Buffer.from(content)) })
      }
      const tree = await git.buildTree(null, changes)
      const sig = { name: 'octocat', email: 'octocat@users.noreply.github.com', date: this.now() }
      const commit = await git.commitTree({
        tree,
        parents: [],
        message: 'Initial commit',
        author: sig,
        committer: sig
      })
      await git.updateRef(`refs/heads/${defaultBranch}`, commit)
    }
    await git.setHead(defaultBranch)
    const id = this.ids.next('repo')
    this.user(owner)
    const state: RepoState = {
      id,
      nodeId: nodeId('repo', id),
      owner,
      name,
      fullName: `${owner}/${name}`,
      defaultBranch,
      createdAt: this.now(),
      pushedAt: this.now(),
      git,
      private: options.private ?? false,
      actionsCanCreatePullRequests: options.actionsCanCreatePullRequests ?? false,
      dropTriageWithoutPush: options.dropTriageWithoutPush ?? true,
      collaborators: [...(options.collaborators ?? ['octocat'])],
      labels: [],
      issues: new Map(),
      nextNumber: 1,
      comments: [],
      events: [],
      runs: new Map(),
      releases: new Map()
    }
    this.repos.set(state.fullName.toLowerCase(), state)
    return { gitDir }
  }
}
