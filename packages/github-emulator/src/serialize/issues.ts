import type { Core } from '../core.js'
import { labelById } from '../model/issues.js'
import type { Comment, Issue, IssueEvent, Label, RepoState } from '../model/types.js'
import { integration } from './apps.js'
import { simpleUser } from './users.js'
import { repoApi, repoHtml } from './urls.js'

export function label(core: Core, repo: RepoState, record: Label): Record<string, unknown> {
  return {
    id: record.id,
    node_id: record.nodeId,
    url: `${repoApi(core, repo)}/labels/${encodeURIComponent(record.name)}`,
    name: record.name,
    color: record.color,
    default: record.default,
    description: record.description
  }
}

export function issueLabels(core: Core, repo: RepoState, issue: Issue): Record<string, unknown>[] {
  return issue.labels
    .map((id) => labelById(repo, id))
    .filter((l): l is Label => l !== undefined)
    .map((l) => label(core, repo, l))
}

/** As GitHub ranks them: the owner, a member of the owning organisation, a collaborator. */
export function authorAssociation(core: Core, repo: RepoState, login: string): string {
  if (login.toLowerCase() === repo.owner.toLowerCase()) return 'OWNER'
  if (core.isOrgMember(repo.owner, login)) return 'MEMBER'
  if (core.isCollaborator(repo, login)) return 'COLLABORATOR'
  return 'NONE'
}

export function issue(core: Core, repo: RepoState, record: Issue): Record<string, unknown> {
  const api = `${repoApi(core, repo)}/issues/${record.number}`
  const html = `${repoHtml(repo)}/${record.pull ? 'pull' : 'issues'}/${record.number}`
  const comments = repo.comments.filter((c) => c.issueNumber === record.number).length
  const out: Record<string, unknown> = {
    url: api,
    repository_url: repoApi(core, repo),
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: html,
    id: record.id,
    node_id: record.nodeId,
    number: record.number,
    title: record.title,
    user: simpleUser(core, record.user),
    labels: issueLabels(core, repo, record),
    state: record.state,
    locked: false,
    assignee: record.assignees.length > 0 ? simpleUser(core, record.assignees[0]) : null,
    assignees: record.assignees.map((a) => simpleUser(core, a)),
    milestone: null,
    comments,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    closed_at: record.closedAt,
    author_association: authorAssociation(core, repo, record.user),
    active_lock_reason: null,
    body: record.body,
    closed_by: record.closedBy ? simpleUser(core, record.closedBy) : null,
    timeline_url: `${api}/timeline`,
    performed_via_github_app: null,
    state_reason: record.stateReason
  }
  if (record.pull) {
    const pulls = `${repoApi(core, repo)}/pulls/${record.number}`
    out.draft = record.pull.draft
    out.pull_request = {
      url: pulls,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      merged_at: record.pull.mergedAt
    }
  }
  return out
}

export function comment(core: Core, repo: RepoState, record: Comment): Record<string, unknown> {
  const api = repoApi(core, repo)
  const target = repo.issues.get(record.issueNumber)
  return {
    id: record.id,
    node_id: record.nodeId,
    url: `${api}/issues/comments/${record.id}`,
    html_url: `${repoHtml(repo)}/${target?.pull ? 'pull' : 'issues'}/${record.issueNumber}#issuecomment-${record.id}`,
    body: record.body,
    user: simpleUser(core, record.user),
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    issue_url: `${api}/issues/${record.issueNumber}`,
    author_association: authorAssociation(core, repo, record.user),
    performed_via_github_app: null
  }
}

export function issueEvent(
  core: Core,
  repo: RepoState,
  record: IssueEvent
): Record<string, unknown> {
  const api = repoApi(core, repo)
  const out: Record<string, unknown> = {
    id: record.id,
    node_id: record.nodeId,
    url: `${api}/issues/events/${record.id}`,
    actor: simpleUser(core, record.actor),
    event: record.event,
    commit_id: record.commitId ?? null,
    commit_url: record.commitId ? `${api}/commits/${record.commitId}` : null,
    created_at: record.createdAt,
    performed_via_github_app:
      record.tokenKind === 'app' ? integration(core, record.actor, repo.owner) : null
  }
  if (record.label) out.label = { name: record.label.name, color: record.label.color }
  if (record.assignee) {
    out.assignee = simpleUser(core, record.assignee)
    out.assigner = simpleUser(core, record.actor)
  }
  if (record.rename) out.rename = record.rename
  if (record.event === 'closed' || record.event === 'reopened') {
    out.state_reason = record.event === 'closed' ? 'completed' : 'reopened'
  }
  return out
}

/** Timeline: issue events plus `commented` items, oldest first. */
export function timeline(core: Core, repo: RepoState, number: number): Record<string, unknown>[] {
  const events = repo.events
    .filter((e) => e.issueNumber === number)
    .map((e) => ({ seq: e.seq, item: issueEvent(core, repo, e) }))
  const comments = repo.comments
    .filter((c) => c.issueNumber === number)
    .map((c) => ({
      seq: c.seq,
      item: { event: 'commented', actor: simpleUser(core, c.user), ...comment(core, repo, c) }
    }))
  return [...events, ...comments].sort((a, b) => a.seq - b.seq).map((x) => x.item)
}
