import type { TokenKind, TokenSpec } from './model/types.js'

export type RateResource = 'core' | 'search'

export interface RateBucket {
  limit: number
  used: number
  /** Epoch seconds when the window resets. */
  reset: number
}

/** GITHUB_TOKEN gets 1,000/h per repository; apps and PATs 5,000/h; search 30/min. */
const CORE_LIMITS: Record<TokenKind, number> = { actions: 1000, app: 5000, user: 5000 }
const WINDOW_S: Record<RateResource, number> = { core: 3600, search: 60 }

/**
 * Primary rate-limit accounting per token and resource, on the emulator clock. Counting always
 * happens (the headers are real); refusing requests at zero is opt-in (`enforceRateLimits`),
 * because a frozen clock would otherwise never reset the window.
 */
export class RateLimits {
  private readonly buckets = new Map<string, RateBucket>()

  bucket(
    token: Pick<TokenSpec, 'token' | 'kind' | 'rateLimit'>,
    resource: RateResource,
    nowMs: number
  ): RateBucket {
    const key = `${token.token}\0${resource}`
    const nowS = Math.floor(nowMs / 1000)
    let b = this.buckets.get(key)
    if (!b || nowS >= b.reset) {
      b = {
        limit: resource === 'search' ? 30 : (token.rateLimit ?? CORE_LIMITS[token.kind]),
        used: 0,
        reset: nowS + WINDOW_S[resource]
      }
      this.buckets.set(key, b)
    }
    return b
  }

  /** Requests without valid credentials share one 60/h bucket. */
  anonymous(nowMs: number): RateBucket {
    return this.bucket({ token: '\0anonymous', kind: 'user', rateLimit: 60 }, 'core', nowMs)
  }

  consume(bucket: RateBucket): void {
    bucket.used += 1
  }

  reset(): void {
    this.buckets.clear()
  }
}

export function rateHeaders(bucket: RateBucket, resource: RateResource): Record<string, string> {
  return {
    'x-ratelimit-limit': String(bucket.limit),
    'x-ratelimit-remaining': String(Math.max(0, bucket.limit - bucket.used)),
    'x-ratelimit-used': String(bucket.used),
    'x-ratelimit-reset': String(bucket.reset),
    'x-ratelimit-resource': resource
  }
}
