import type { BareRepo } from '../git/bare-repo.js'

export type TokenKind = 'actions' | 'app' | 'user'
export type PermissionLevel = 'read' | 'write' | 'none'
/** GitHub App / GITHUB_TOKEN permission scopes the emulator checks. */
export type PermissionScope =
  'contents' | 'issues' | 'pull_requests' | 'actions' | 'metadata' | 'members'

export interface TokenSpec {
  token: string
  kind: TokenKind
  login: string
  /** Omitted: every scope is granted. Given: scopes not listed are `none`. */
  permissions?: Partial<Record<PermissionScope, PermissionLevel>>
  /** Core requests per hour. Default: 1,000 for `actions`, 5,000 otherwise. */
  rateLimit?: number
}

export interface Label {
  id: number
  nodeId: string
  name: string
  color: string
  description: string | null
  default: boolean
}

/** What search can see of an issue: snapshots become visible after the index lag. */
export interface SearchSnapshot {
  visibleFrom: number
  title: string
  body: string
  state: 'open' | 'closed'
  labels: string[]
}

export interface PullData {
  id: number
  nodeId: string
  head: string
  /**
   * `owner/name` of the fork the head branch is in (a pull request from a fork); absent when the
   * head is a branch of this repository. Its commits are fetched into this repository as
   * `refs/pull/<number>/head`, as GitHub keeps them.
   */
  headRepo?: string
  base: string
  /** Head sha frozen when the pull request is closed or merged; live from the branch before. */
  headSha?: string
  baseSha?: string
  draft: boolean
  maintainerCanModify: boolean
  merged: boolean
  mergedAt: string | null
  mergedBy: string | null
  mergeCommitSha: string | null
  requestedReviewers: string[]
  requestedTeams: string[]
}

export interface Issue {
  number: number
  id: number
  nodeId: string
  title: string
  body: string | null
  state: 'open' | 'closed'
  stateReason: string | null
  /** Label ids, in the order they were applied. */
  labels: number[]
  assignees: string[]
  user: string
  createdAt: string
  updatedAt: string
  closedAt: string | null
  closedBy: string | null
  pull?: PullData
  search: SearchSnapshot[]
}

export interface Comment {
  id: number
  nodeId: string
  seq: number
  issueNumber: number
  body: string
  user: string
  createdAt: string
  updatedAt: string
}

export interface IssueEvent {
  id: number
  nodeId: string
  seq: number
  issueNumber: number
  event: string
  actor: string
  tokenKind: TokenKind
  createdAt: string
  label?: { name: string; color: string }
  commitId?: string | null
  assignee?: string
  rename?: { from: string; to: string }
}

export interface JobSpec {
  name: string
  status?: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending'
  conclusion?:
    | 'success'
    | 'failure'
    | 'neutral'
    | 'cancelled'
    | 'skipped'
    | 'timed_out'
    | 'action_required'
    | null
  run_attempt?: number
  id?: number
  started_at?: string
  completed_at?: string | null
  labels?: string[]
  steps?: { name: string; status: string; conclusion: string | null; number: number }[]
}

export interface RunSpec {
  id: number
  attempt?: number
  name?: string
  event?: string
  headBranch?: string
  headSha?: string
  status?: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending'
  conclusion?: string | null
  jobs: JobSpec[]
}

export interface Job {
  id: number
  runId: number
  attempt: number
  name: string
  status: NonNullable<JobSpec['status']>
  conclusion: JobSpec['conclusion'] | null
  startedAt: string
  completedAt: string | null
  labels: string[]
  steps: NonNullable<JobSpec['steps']>
}

export interface Run {
  id: number
  name: string
  event: string
  headBranch: string
  headSha: string
  status: string | null
  conclusion: string | null
  createdAt: string
  updatedAt: string
  runNumber: number
  jobs: Job[]
}

export interface RepoState {
  id: number
  nodeId: string
  owner: string
  name: string
  fullName: string
  defaultBranch: string
  createdAt: string
  pushedAt: string
  git: BareRepo
  private: boolean
  actionsCanCreatePullRequests: boolean
  /** Without push access, issue labels/assignees are silently dropped, as on GitHub. */
  dropTriageWithoutPush: boolean
  collaborators: string[]
  labels: Label[]
  issues: Map<number, Issue>
  nextNumber: number
  comments: Comment[]
  events: IssueEvent[]
  runs: Map<number, Run>
  releases: Map<number, Release>
}

export interface ReleaseAsset {
  id: number
  nodeId: string
  name: string
  label: string | null
  contentType: string
  data: Buffer
  /** `sha256:<hex>` of the content, as GitHub reports it. */
  digest: string
  uploader: string
  createdAt: string
  updatedAt: string
  downloads: number
}

export interface Release {
  id: number
  nodeId: string
  tagName: string
  targetCommitish: string
  name: string | null
  body: string | null
  draft: boolean
  prerelease: boolean
  author: string
  createdAt: string
  publishedAt: string | null
  updatedAt: string
  assets: ReleaseAsset[]
}

export interface Team {
  id: number
  nodeId: string
  org: string
  slug: string
  name: string
  members: string[]
}
