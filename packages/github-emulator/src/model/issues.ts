import type { Core } from '../core.js'
import { ApiError } from '../http/errors.js'
import { nodeId } from '../ids.js'
import type { Issue, IssueEvent, Label, RepoState, TokenSpec } from './types.js'

export function findLabel(repo: RepoState, name: string): Label | undefined {
  const key = name.toLowerCase()
  return repo.labels.find((l) => l.name.toLowerCase() === key)
}

export function labelById(repo: RepoState, id: number): Label | undefined {
  return repo.labels.find((l) => l.id === id)
}

export function createLabel(
  core: Core,
  repo: RepoState,
  name: string,
  color = 'ededed',
  description: string | null = null
): Label {
  const id = core.ids.next('label')
  const label: Label = {
    id,
    nodeId: nodeId('label', id),
    name,
    color: color.toLowerCase(),
    description,
    default: false
  }
  repo.labels.push(label)
  return label
}

/** Issue and addLabels auto-create unknown labels with GitHub's default grey. */
export function ensureLabel(core: Core, repo: RepoState, name: string): Label {
  return findLabel(repo, name) ?? createLabel(core, repo, name)
}

export function getIssue(repo: RepoState, number: number): Issue {
  const issue = repo.issues.get(number)
  if (!issue) throw new ApiError(404, 'Not Found')
  return issue
}

export function recordEvent(
  core: Core,
  repo: RepoState,
  issue: Issue,
  token: TokenSpec,
  event: string,
  extra: Partial<IssueEvent> = {}
): IssueEvent {
  const id = core.ids.next('event')
  const e: IssueEvent = {
    id,
    nodeId: nodeId('event', id),
    seq: core.ids.nextSeq(),
    issueNumber: issue.number,
    event,
    actor: token.login,
    tokenKind: token.kind,
    createdAt: core.now(),
    ...extra
  }
  repo.events.push(e)
  return e
}

/** Marks an issue changed: bumps updated_at and queues a search snapshot behind the index lag. */
export function touch(core: Core, repo: RepoState, issue: Issue): void {
  issue.updatedAt = core.now()
  issue.search.push({
    visibleFrom: core.clock.now() + core.options.searchLagMs,
    title: issue.title,
    body: issue.body ?? '',
    state: issue.state,
    labels: issue.labels.map((id) => labelById(repo, id)?.name ?? '').filter(Boolean)
  })
}

/** Applies labels (union) and records a `labeled` event for each one the issue did not have. */
export function addLabels(
  core: Core,
  repo: RepoState,
  issue: Issue,
  token: TokenSpec,
  names: string[]
): boolean {
  let changed = false
  for (const name of names) {
    const label = ensureLabel(core, repo, name)
    if (issue.labels.includes(label.id)) continue
    issue.labels.push(label.id)
    recordEvent(core, repo, issue, token, 'labeled', {
      label: { name: label.name, color: label.color }
    })
    changed = true
  }
  return changed
}

export function removeLabel(
  core: Core,
  repo: RepoState,
  issue: Issue,
  token: TokenSpec,
  label: Label
): void {
  issue.labels = issue.labels.filter((id) => id !== label.id)
  recordEvent(core, repo, issue, token, 'unlabeled', {
    label: { name: label.name, color: label.color }
  })
}

/** Replaces the label set: unlabeled events for dropped labels, labeled for new ones. */
export function setLabels(
  core: Core,
  repo: RepoState,
  issue: Issue,
  token: TokenSpec,
  names: string[]
): boolean {
  const wanted = names.map((n) => ensureLabel(core, repo, n))
  let changed = false
  for (const id of [...issue.labels]) {
    const label = labelById(repo, id)
    if (label && !wanted.some((w) => w.id === id)) {
      removeLabel(core, repo, issue, token, label)
      changed = true
    }
  }
  return (
    addLabels(
      core,
      repo,
      issue,
      token,
      wanted.map((w) => w.name)
    ) || changed
  )
}

/** Validates assignees like GitHub: only users with push access; never teams or unknown logins. */
export function checkAssignees(core: Core, repo: RepoState, logins: string[]): void {
  const invalid = logins.filter((l) => !core.isCollaborator(repo, l) || l.includes('/'))
  if (invalid.length > 0) {
    throw new ApiError(422, 'Validation Failed', [
      {
        value: invalid,
        resource: 'Issue',
        field: 'assignees',
        code: 'invalid',
        message: `assignees ${invalid.join(', ')} cannot be assigned to this issue`
      }
    ])
  }
}

export function setState(
  core: Core,
  repo: RepoState,
  issue: Issue,
  token: TokenSpec,
  state: 'open' | 'closed',
  reason: string | null
): boolean {
  if (issue.state === state) {
    if (state === 'closed' && reason) issue.stateReason = reason
    return false
  }
  issue.state = state
  if (state === 'closed') {
    issue.closedAt = core.now()
    issue.closedBy = token.login
    issue.stateReason = reason ?? 'completed'
    recordEvent(core, repo, issue, token, 'closed')
  } else {
    issue.closedAt = null
    issue.closedBy = null
    issue.stateReason = 'reopened'
    recordEvent(core, repo, issue, token, 'reopened')
  }
  return true
}
