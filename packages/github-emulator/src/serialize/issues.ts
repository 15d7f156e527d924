import type { Core } from '../core.js'
import { labelById } from '../model/issues.js'
import type { Comment, Issue, IssueEvent, Label, RepoState } from '../model/types.js'
import { integration } from './apps.js'
import { simpleUser } from './users.js'
import { repoApi, repoHtml } from './urls.js'

export function label(core: Core, repo: RepoState, l: Label): Record<string, unknown> {
  return {
    id: l.id,
    node_id: l.nodeId,
    url: `${repoApi(core, repo)}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    color: l.color,
    default: l.default,
    description: l.description
  }
}

export function issueLabels(core: Core, repo: RepoState, issue: Issue): Record<string, unknown>[] {
  return issue.labels
    .map((id) => labelById(repo, id))
    .filter((l): l is Label => l !== undefined)
    .map((l) => label(core, repo, l))
}

export function authorAssociation(core: Core, repo: RepoState, login: string): string {
  if (login.toLowerCase() === repo.owner.toLowerCase()) return 'OWNER'
  if (core.isCollaborator(repo, login)) return 'COLLABORATOR'
  return 'NONE'
}

export function issue(core: Core, repo: RepoState, i: Issue): Record<string, unknown> {
  const api = `${repoApi(core, repo)}/issues/${i.number}`
  const html = `${repoHtml(repo)}/${i.pull ? 'pull' : 'issues'}/${i.number}`
  const comments = repo.comments.filter((c) => c.issueNumber === i.number).length
  const out: Record<string, unknown> = {
    url: api,
    repository_url: repoApi(core, repo),
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: html,
    id: i.id,
    node_id: i.nodeId,
    number: i.number,
    title: i.title,
    user: simpleUser(core, i.user),
    labels: issueLabels(core, repo, i),
    state: i.state,
    locked: false,
    assignee: i.assignees.length > 0 ? simpleUser(core, i.assignees[0]) : null,
    assignees: i.assignees.map((a) => simpleUser(core, a)),
    milestone: null,
    comments,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_at: i.closedAt,
    author_association: authorAssociation(core, repo, i.user),
    active_lock_reason: null,
    body: i.body,
    closed_by: i.closedBy ? simpleUser(core, i.closedBy) : null,
    timeline_url: `${api}/timeline`,
    performed_via_github_app: null,
    state_reason: i.stateReason
  }
  if (i.pull) {
    const pulls = `${repoApi(core, repo)}/pulls/${i.number}`
    out.draft = i.pull.draft
    out.pull_request = {
      url: pulls,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      merged_at: i.pull.mergedAt
    }
  }
  return out
}

export function comment(core: Core, repo: RepoState, c: Comment): Record<string, unknown> {
  const api = repoApi(core, repo)
  const target = repo.issues.get(c.issueNumber)
  return {
    id: c.id,
    node_id: c.nodeId,
    url: `${api}/issues/comments/${c.id}`,
    html_url: `${repoHtml(repo)}/${target?.pull ? 'pull' : 'issues'}/${c.issueNumber}#issuecomment-${c.id}`,
    body: c.body,
    user: simpleUser(core, c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    issue_url: `${api}/issues/${c.issueNumber}`,
    author_association: authorAssociation(core, repo, c.user),
    performed_via_github_app: null
  }
}

export function issueEvent(core: Core, repo: RepoState, e: IssueEvent): Record<string, unknown> {
  const api = repoApi(core, repo)
  const out: Record<string, unknown> = {
    id: e.id,
    node_id: e.nodeId,
    url: `${api}/issues/events/${e.id}`,
    actor: simpleUser(core, e.actor),
    event: e.event,
    commit_id: e.commitId ?? null,
    commit_url: e.commitId ? `${api}/commits/${e.commitId}` : null,
    created_at: e.createdAt,
    performed_via_github_app: e.tokenKind === 'app' ? integration(core, e.actor, repo.owner) : null
  }
  if (e.label) out.label = { name: e.label.name, color: e.label.color }
  if (e.assignee) {
    out.assignee = simpleUser(core, e.assignee)
    out.assigner = simpleUser(core, e.actor)
  }
  if (e.rename) out.rename = e.rename
  if (e.event === 'closed' || e.event === 'reopened') {
    out.state_reason = e.event === 'closed' ? 'completed' : 'reopened'
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
