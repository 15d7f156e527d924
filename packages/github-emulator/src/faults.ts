/**
 * `status`: a 5xx answer. `primary`/`secondary`: a rate-limit refusal. `drop`: the connection is
 * destroyed without an answer. `stall`: the connection is held open and never answered, as a
 * stuck proxy does (the client's request timeout must end it).
 */
export type FaultKind = 'status' | 'primary' | 'secondary' | 'drop' | 'stall'

export interface FaultSpec {
  /** HTTP method, e.g. 'PUT'. */
  method: string
  /** Octokit route template, e.g. 'PUT /repos/{owner}/{repo}/contents/{path}' or just the path part. */
  route: string
  kind: FaultKind
  /**
   * `before` (default): the request fails before GitHub does anything. `after`: the handler runs
   * and its effect is kept, then the answer is replaced by the fault, as when GitHub creates an
   * issue and the response is lost to a 502 or a dropped connection.
   */
  when?: 'before' | 'after'
  /** `status`: any 5xx (default 502). `primary`/`secondary`: 403 (default) or 429. */
  status?: number
  /** How many matching requests fail; afterwards the route behaves normally. Default 1. */
  count?: number
  /**
   * How many matching requests pass untouched before the fault starts (default 0): a fault on a
   * run's second write to a route (a state commit after the first) without timing the arming.
   */
  skip?: number
  /** `secondary`: the `retry-after` header in seconds (default 1). */
  retryAfter?: number
  /** `primary`: seconds from the emulator clock to `x-ratelimit-reset` (default 1). */
  resetIn?: number
  /**
   * `owner/repo`: only requests about that repository meet the fault, so cases on different
   * repositories can run at once against one emulator. Default: every repository.
   */
  repo?: string
}

export interface ActiveFault extends Required<Omit<FaultSpec, 'status' | 'repo'>> {
  status?: number
  /** Lower case, as repository names compare. */
  repo?: string
}

export const PRIMARY_MESSAGE = 'API rate limit exceeded for installation ID 1.'
export const SECONDARY_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'

/** Injected failures, consumed in the order they were added. */
export class Faults {
  private active: ActiveFault[] = []

  add(spec: FaultSpec): void {
    const method = spec.method.toUpperCase()
    // Accept both 'PUT /repos/...' and '/repos/...' for the route.
    const route = spec.route.includes(' ') ? spec.route.split(' ').slice(1).join(' ') : spec.route
    if (
      spec.kind === 'status' &&
      spec.status !== undefined &&
      (spec.status < 500 || spec.status > 599)
    ) {
      throw new Error(`status fault must be a 5xx, got ${spec.status}`)
    }
    if (spec.when === 'after' && (spec.kind === 'primary' || spec.kind === 'secondary')) {
      throw new Error('a rate-limit refusal happens before the request runs; use when: before')
    }
    if ((spec.kind === 'primary' || spec.kind === 'secondary') && spec.status !== undefined) {
      if (spec.status !== 403 && spec.status !== 429)
        throw new Error('rate-limit faults are 403 or 429')
    }
    this.active.push({
      method,
      route,
      kind: spec.kind,
      when: spec.when ?? 'before',
      status: spec.status,
      count: spec.count ?? 1,
      skip: spec.skip ?? 0,
      retryAfter: spec.retryAfter ?? 1,
      resetIn: spec.resetIn ?? 1,
      repo: spec.repo?.toLowerCase()
    })
  }

  /**
   * The next fault for this request, if any; using it decrements its count. `repo` is the
   * request's repository (`owner/repo`), when its route names one.
   */
  take(method: string, template: string, repo?: string): ActiveFault | undefined {
    const here = repo?.toLowerCase()
    const fault = this.active.find(
      (fault) =>
        fault.method === method &&
        fault.route === template &&
        fault.count > 0 &&
        (fault.repo === undefined || fault.repo === here)
    )
    if (!fault) return undefined
    if (fault.skip > 0) {
      fault.skip -= 1
      return undefined
    }
    fault.count -= 1
    this.active = this.active.filter((f) => f.count > 0)
    return fault
  }

  list(): FaultSpec[] {
    return this.active.map((f) => ({ ...f }))
  }

  /** Every fault, or with `repo` those scoped to that repository. */
  clear(repo?: string): void {
    const scope = repo?.toLowerCase()
    this.active = scope === undefined ? [] : this.active.filter((f) => f.repo !== scope)
  }
}
