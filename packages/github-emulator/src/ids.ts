/**
 * Deterministic ids: one counter per kind of object, each starting at its own base so ids of
 * different kinds never collide (and a test can tell them apart at a glance). The same sequence
 * of operations always produces the same ids.
 */
const BASES = {
  user: 1000,
  repo: 100_000,
  label: 200_000,
  issue: 1_000_000,
  pull: 2_000_000,
  comment: 3_000_000,
  event: 4_000_000,
  team: 5000,
  release: 6_000_000,
  asset: 7_000_000,
  request: 1
} as const

export type IdKind = keyof typeof BASES

const NODE_PREFIX: Record<IdKind, string> = {
  user: 'U',
  repo: 'R',
  label: 'LA',
  issue: 'I',
  pull: 'PR',
  comment: 'IC',
  event: 'E',
  team: 'T',
  release: 'RE',
  asset: 'RA',
  request: 'RQ'
}

export class Ids {
  private readonly counters = new Map<IdKind, number>()
  /** A global sequence used to order events and comments that share a timestamp. */
  private seq = 0

  next(kind: IdKind): number {
    const n = this.counters.get(kind) ?? BASES[kind]
    this.counters.set(kind, n + 1)
    return n
  }

  nextSeq(): number {
    return ++this.seq
  }
}

/** GraphQL-style node ids: opaque, stable, shaped like GitHub's (`I_kwDO...`). */
export function nodeId(kind: IdKind, id: number | string): string {
  return `${NODE_PREFIX[kind]}_kw${Buffer.from(`${kind}:${id}`).toString('base64url')}`
}
