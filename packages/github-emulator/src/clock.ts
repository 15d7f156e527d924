/**
 * The emulator's clock. It is frozen: time moves only when a test (or the control API) sets
 * or advances it, so every `created_at`, event order and rate-limit reset is reproducible.
 */
export class Clock {
  private ms: number

  constructor(now?: string | Date | number) {
    this.ms = now === undefined ? Math.floor(Date.now() / 1000) * 1000 : toMs(now)
  }

  now(): number {
    return this.ms
  }

  iso(): string {
    return isoSeconds(this.ms)
  }

  set(now: string | Date | number): void {
    this.ms = toMs(now)
  }

  advance(by: number | AdvanceBy): void {
    this.ms += typeof by === 'number' ? by : advanceMs(by)
  }
}

export interface AdvanceBy {
  days?: number
  hours?: number
  minutes?: number
  seconds?: number
  ms?: number
}

function advanceMs(by: AdvanceBy): number {
  return (
    (by.days ?? 0) * 86_400_000 +
    (by.hours ?? 0) * 3_600_000 +
    (by.minutes ?? 0) * 60_000 +
    (by.seconds ?? 0) * 1000 +
    (by.ms ?? 0)
  )
}

function toMs(value: string | Date | number): number {
  const ms = typeof value === 'number' ? value : new Date(value).getTime()
  if (!Number.isFinite(ms)) throw new Error(`invalid date: ${String(value)}`)
  return ms
}

/** GitHub timestamps have second precision and a `Z` suffix: 2026-01-01T00:00:00Z. */
function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}
