/**
 * Route matching on octokit route templates (`GET /repos/{owner}/{repo}/contents/{path}`).
 *
 * Octokit percent-encodes every parameter, `/` included (`contents/a%2Fb.json`,
 * `git/ref/heads%2Fx`), but hand-written clients send `contents/a/b.json`. So segments are split
 * on the raw `/` first and decoded afterwards, and a trailing parameter that names a path-like
 * value (path, ref, branch, label name) swallows the rest of the URL: both forms decode alike.
 */
const GREEDY = new Set(['path', 'ref', 'name', 'branch'])

export interface RouteMatch<T> {
  route: T
  params: Record<string, string>
}

interface Compiled<T> {
  route: T
  segments: string[]
  greedy: boolean
}

export class Router<T extends { method: string; template: string }> {
  private readonly compiled: Compiled<T>[] = []

  add(route: T): void {
    const segments = route.template.split('/').slice(1)
    const last = segments[segments.length - 1]
    const greedy = /^\{(\w+)\}$/.test(last) && GREEDY.has(last.slice(1, -1))
    this.compiled.push({ route, segments, greedy })
  }

  /** Exact-length templates win over greedy ones, so `/issues/{n}/labels` is not a label name. */
  match(method: string, pathname: string): RouteMatch<T> | undefined {
    const raw = pathname.split('/').slice(1)
    // A trailing slash is tolerated on fixed routes (`/repos/o/r/` is the repo).
    const trimmed = raw.length > 1 && raw[raw.length - 1] === '' ? raw.slice(0, -1) : raw
    const candidates = this.compiled.filter((c) => c.route.method === method)
    for (const c of candidates) {
      if (c.segments.length !== trimmed.length) continue
      const params = matchSegments(c.segments, trimmed)
      if (params) return { route: c.route, params }
    }
    for (const c of candidates) {
      if (!c.greedy || raw.length < c.segments.length - 1) continue
      const fixed = c.segments.length - 1
      const params = matchSegments(c.segments.slice(0, fixed), raw.slice(0, fixed))
      if (!params) continue
      const tail = raw.slice(fixed).join('/')
      const value = safeDecode(tail)
      if (value === undefined) continue
      params[c.segments[fixed].slice(1, -1)] = value
      return { route: c.route, params }
    }
    return undefined
  }
}

function matchSegments(template: string[], raw: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {}
  for (let i = 0; i < template.length; i++) {
    const seg = safeDecode(raw[i])
    if (seg === undefined || seg === '') return undefined
    const t = template[i]
    if (t.startsWith('{') && t.endsWith('}')) params[t.slice(1, -1)] = seg
    else if (t !== seg) return undefined
  }
  return params
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text)
  } catch {
    return undefined
  }
}
