import { ApiError, validationFailed } from '../http/errors.js'
import { paginate } from '../http/pagination.js'
import type { Issue, RepoState, SearchSnapshot } from '../model/types.js'
import { issue as issueJson } from '../serialize/issues.js'
import { route, type Ctx, type Reply, type RouteDef } from './types.js'

interface Query {
  repos: string[]
  kind?: 'issue' | 'pr'
  state?: 'open' | 'closed'
  labels: string[]
  notLabels: string[]
  authors: string[]
  fields: ('title' | 'body')[]
  terms: string[]
}

/** The subset of GitHub's issue search syntax our actions use (reference §6.30). */
function parseQuery(query: string): Query {
  const out: Query = { repos: [], labels: [], notLabels: [], authors: [], fields: [], terms: [] }
  const re = /(-?)([a-z]+):"([^"]*)"|(-?)([a-z]+):(\S+)|"([^"]*)"|(\S+)/gi
  for (const m of query.matchAll(re)) {
    const neg = (m[1] ?? m[4] ?? '') === '-'
    const key = (m[2] ?? m[5])?.toLowerCase()
    const value = m[3] ?? m[6]
    if (key !== undefined && value !== undefined) {
      const v = value.toLowerCase()
      if (key === 'repo') out.repos.push(v)
      else if ((key === 'is' || key === 'type') && (v === 'issue' || v === 'pr')) out.kind = v
      else if (key === 'is' && v === 'pull-request') out.kind = 'pr'
      else if ((key === 'is' || key === 'state') && (v === 'open' || v === 'closed')) out.state = v
      else if (key === 'label') (neg ? out.notLabels : out.labels).push(v)
      else if (key === 'author') out.authors.push(v)
      else if (key === 'in') {
        for (const f of v.split(',')) if (f === 'title' || f === 'body') out.fields.push(f)
      } else out.terms.push(`${key}:${value}`.toLowerCase())
      continue
    }
    const term = m[7] ?? m[8]
    if (term && !/^(AND|OR|NOT)$/.test(term)) out.terms.push(term.toLowerCase())
  }
  if (out.fields.length === 0) out.fields = ['title', 'body']
  return out
}

/** The newest snapshot the index has caught up with, or undefined if the item is not indexed yet. */
function visibleSnapshot(issue: Issue, now: number): SearchSnapshot | undefined {
  for (let i = issue.search.length - 1; i >= 0; i--) {
    if (issue.search[i].visibleFrom <= now) return issue.search[i]
  }
  return undefined
}

function matches(query: Query, repo: RepoState, issue: Issue, snapshot: SearchSnapshot): boolean {
  if (query.repos.length > 0 && !query.repos.includes(repo.fullName.toLowerCase())) return false
  if (query.kind === 'issue' && issue.pull) return false
  if (query.kind === 'pr' && !issue.pull) return false
  if (query.state && snapshot.state !== query.state) return false
  if (query.authors.length > 0 && !query.authors.includes(issue.user.toLowerCase())) return false
  const labels = snapshot.labels.map((l) => l.toLowerCase())
  // `label:a,b` means a OR b; repeated `label:` qualifiers are ANDed.
  if (!query.labels.every((l) => l.split(',').some((x) => labels.includes(x)))) return false
  if (query.notLabels.some((l) => labels.includes(l))) return false
  const haystack = query.fields.map((f) =>
    (f === 'title' ? snapshot.title : snapshot.body).toLowerCase()
  )
  return query.terms.every((t) => haystack.some((h) => h.includes(t)))
}

function searchIssues(ctx: Ctx): Reply {
  const { core } = ctx
  const q = ctx.query.get('q') ?? ''
  if (q.trim() === '') throw validationFailed({ resource: 'Search', field: 'q', code: 'missing' })
  if (q.length > 256)
    throw new ApiError(422, 'Validation Failed', [
      {
        resource: 'Search',
        field: 'q',
        code: 'invalid',
        message: 'The search is longer than 256 characters.'
      }
    ])
  const parsed = parseQuery(q)
  const now = core.clock.now()
  const hits: { repo: RepoState; issue: Issue }[] = []
  for (const repo of core.repos.values()) {
    for (const issue of repo.issues.values()) {
      const s = visibleSnapshot(issue, now)
      if (s && matches(parsed, repo, issue, s)) hits.push({ repo, issue })
    }
  }
  const sort = ctx.query.get('sort')
  const order = ctx.query.get('order') === 'asc' ? 1 : -1
  const key = (h: { issue: Issue }): string =>
    sort === 'updated' ? h.issue.updatedAt : h.issue.createdAt
  hits.sort(
    (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.issue.id - b.issue.id) * order
  )
  const capped = hits.slice(0, 1000)
  const page = paginate(capped, ctx.query, ctx.url)
  return {
    status: 200,
    body: {
      total_count: hits.length,
      incomplete_results: false,
      search_type: 'lexical',
      items: page.items.map((h) => ({ ...issueJson(core, h.repo, h.issue), score: 1 }))
    },
    headers: page.link ? { link: page.link } : {}
  }
}

export const searchRoutes: RouteDef[] = [
  route('GET', '/search/issues', searchIssues, { resource: 'search' })
]
