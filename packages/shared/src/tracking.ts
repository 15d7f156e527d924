/**
 * Hidden markers in issue bodies that tie a tracking issue to its package. smoke-reporter writes
 * them and finds its issue by them (issues listed by label, never the search API, whose index
 * lags); archival-sweep reads them to know which package an issue is about. The format is part
 * of the suite's contract with repositories that already have such issues: do not change it.
 */
export type TrackingKind = 'tracking' | 'stale'

export function trackingMarker(pkg: string, kind: TrackingKind = 'tracking'): string {
  return `<!-- contribs-actions:${kind} package=${pkg} -->`
}

const MARKER = /<!--\s*contribs-actions:(tracking|stale)\s+package=([^\s>]+)\s*-->/

/** The package (and kind) named by the first marker in an issue body. */
export function parseTrackingMarker(
  body: string | null | undefined
): { kind: TrackingKind; package: string } | undefined {
  const m = MARKER.exec(body ?? '')
  return m ? { kind: m[1] as TrackingKind, package: m[2] } : undefined
}
