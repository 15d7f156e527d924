import { URL } from 'node:url'

export interface PageRequest {
  page: number
  perPage: number
}

/** `per_page` defaults to 30 and is silently capped at 100; `page` starts at 1. */
function pageRequest(query: URLSearchParams): PageRequest {
  const perRaw = Number.parseInt(query.get('per_page') ?? '', 10)
  const pageRaw = Number.parseInt(query.get('page') ?? '', 10)
  const perPage = Number.isFinite(perRaw) && perRaw > 0 ? Math.min(perRaw, 100) : 30
  const page = Number.isFinite(pageRaw) && pageRaw > 0 ? pageRaw : 1
  return { page, perPage }
}

export interface Page<T> {
  items: T[]
  /** The `Link` header value, or undefined when everything fits on one page. */
  link?: string
}

/**
 * Slices `all` and builds an absolute `Link` header like GitHub's: `first`/`prev` on pages after
 * the first, `next`/`last` on pages before the last. The URLs keep the request's other query
 * parameters, so `octokit.paginate` can follow `next` to the end.
 */
export function paginate<T>(all: T[], query: URLSearchParams, requestUrl: URL): Page<T> {
  const { page, perPage } = pageRequest(query)
  const lastPage = Math.max(1, Math.ceil(all.length / perPage))
  const items = all.slice((page - 1) * perPage, page * perPage)
  if (lastPage === 1 && page === 1) return { items }
  const at = (n: number): string => {
    const url = new URL(requestUrl.toString())
    url.searchParams.set('per_page', String(perPage))
    url.searchParams.set('page', String(n))
    return url.toString()
  }
  const parts: string[] = []
  if (page > 1) parts.push(`<${at(Math.min(page - 1, lastPage))}>; rel="prev"`)
  if (page < lastPage) parts.push(`<${at(page + 1)}>; rel="next"`)
  if (page < lastPage) parts.push(`<${at(lastPage)}>; rel="last"`)
  if (page > 1) parts.push(`<${at(1)}>; rel="first"`)
  return { items, link: parts.join(', ') }
}
