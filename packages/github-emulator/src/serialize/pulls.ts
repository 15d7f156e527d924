import type { Core } from '../core.js'
import type { Issue, RepoState } from '../model/types.js'
import { authorAssociation, issueLabels } from './issues.js'
import { repository } from './repo.js'
import { simpleUser } from './users.js'
import { repoApi, repoHtml } from './urls.js'

export interface PullShas {
  head: string
  base: string
}

function teamJson(core: Core, org: string, slug: string): Record<string, unknown> {
  const t = core.team(org, slug)
  const api = `${core.baseUrl}/orgs/${encodeURIComponent(org)}/teams/${encodeURIComponent(slug)}`
  return {
    id: t?.id ?? 0,
    node_id: t?.nodeId ?? '',
    url: api,
    html_url: `https://github.com/orgs/${org}/teams/${slug}`,
    name: t?.name ?? slug,
    slug,
    description: null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'push',
    members_url: `${api}/members{/member}`,
    repositories_url: `${api}/repos`,
    type: 'organization',
    parent: null
  }
}

export function team(core: Core, org: string, slug: string): Record<string, unknown> {
  return teamJson(core, org, slug)
}

/** `team-full` (GET /orgs/{org}/teams/{team_slug}), with its organization. */
export function teamFull(core: Core, org: string, slug: string): Record<string, unknown> {
  const o = core.user(org)
  const api = `${core.baseUrl}/orgs/${encodeURIComponent(org)}`
  return {
    ...teamJson(core, org, slug),
    members_count: core.team(org, slug)?.members.length ?? 0,
    repos_count: [...core.repos.values()].filter((r) => r.owner.toLowerCase() === org.toLowerCase())
      .length,
    created_at: '2020-01-01T00:00:00Z',
    updated_at: '2020-01-01T00:00:00Z',
    organization: {
      login: o.login,
      id: o.id,
      node_id: core.userNodeId(o.login),
      url: api,
      repos_url: `${api}/repos`,
      events_url: `${api}/events`,
      hooks_url: `${api}/hooks`,
      issues_url: `${api}/issues`,
      members_url: `${api}/members{/member}`,
      public_members_url: `${api}/public_members{/member}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${o.id}?v=4`,
      description: null,
      has_organization_projects: true,
      has_repository_projects: true,
      public_repos: 0,
      public_gists: 0,
      followers: 0,
      following: 0,
      html_url: `https://github.com/${encodeURIComponent(o.login)}`,
      created_at: '2020-01-01T00:00:00Z',
      updated_at: '2020-01-01T00:00:00Z',
      archived_at: null,
      type: 'Organization'
    }
  }
}

/** `pull-request-simple`: list items and the requested_reviewers response. */
export function pullSimple(
  core: Core,
  repo: RepoState,
  record: Issue,
  shas: PullShas
): Record<string, unknown> {
  const p = record.pull!
  const api = repoApi(core, repo)
  const self = `${api}/pulls/${record.number}`
  const html = `${repoHtml(repo)}/pull/${record.number}`
  const side = (ref: string, sha: string, at: RepoState = repo) => ({
    label: `${at.owner}:${ref}`,
    ref,
    sha,
    user: simpleUser(core, at.owner),
    repo: repository(core, at)
  })
  // A fork's head is in the fork (gone forks are not emulated: it was seeded and stays).
  const [forkOwner, forkName] = (p.headRepo ?? '/').split('/')
  const headRepo = (p.headRepo && core.repo(forkOwner, forkName)) || repo
  return {
    url: self,
    id: p.id,
    node_id: p.nodeId,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${record.number}`,
    commits_url: `${self}/commits`,
    review_comments_url: `${self}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${record.number}/comments`,
    statuses_url: `${api}/statuses/${shas.head}`,
    number: record.number,
    state: record.state,
    locked: false,
    title: record.title,
    user: simpleUser(core, record.user),
    body: record.body,
    labels: issueLabels(core, repo, record),
    milestone: null,
    active_lock_reason: null,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    closed_at: record.closedAt,
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeCommitSha,
    assignee: record.assignees.length > 0 ? simpleUser(core, record.assignees[0]) : null,
    assignees: record.assignees.map((a) => simpleUser(core, a)),
    requested_reviewers: p.requestedReviewers.map((r) => simpleUser(core, r)),
    requested_teams: p.requestedTeams.map((t) => teamJson(core, repo.owner, t)),
    head: side(p.head, shas.head, headRepo),
    base: side(p.base, shas.base),
    _links: {
      self: { href: self },
      html: { href: html },
      issue: { href: `${api}/issues/${record.number}` },
      comments: { href: `${api}/issues/${record.number}/comments` },
      review_comments: { href: `${self}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${self}/commits` },
      statuses: { href: `${api}/statuses/${shas.head}` }
    },
    author_association: authorAssociation(core, repo, record.user),
    auto_merge: null,
    draft: p.draft
  }
}

/** `pull-request`: GET/PATCH/POST responses, with merge state and diff statistics. */
export function pullFull(
  core: Core,
  repo: RepoState,
  issue: Issue,
  shas: PullShas,
  extra: {
    mergeable: boolean | null
    commits: number
    additions: number
    deletions: number
    files: number
  }
): Record<string, unknown> {
  const p = issue.pull!
  return {
    ...pullSimple(core, repo, issue, shas),
    merged: p.merged,
    mergeable: issue.state === 'open' ? extra.mergeable : null,
    rebaseable: issue.state === 'open' ? extra.mergeable : null,
    mergeable_state: issue.state !== 'open' ? 'unknown' : extra.mergeable ? 'clean' : 'dirty',
    merged_by: p.mergedBy ? simpleUser(core, p.mergedBy) : null,
    comments: repo.comments.filter((c) => c.issueNumber === issue.number).length,
    review_comments: 0,
    maintainer_can_modify: p.maintainerCanModify,
    commits: extra.commits,
    additions: extra.additions,
    deletions: extra.deletions,
    changed_files: extra.files
  }
}
