/**
 * How an issue is tied to the package it tracks. smoke-reporter opens tracking issues and
 * archival-sweep opens stale issues; both title them `[<label>] <package>: <what>` and put a hidden
 * marker in the body. Both find their issues again by the marker (issues listed by label, never
 * the search API, whose index lags); archival-sweep falls back to the title for issues opened by
 * hand. The formats are part of the suite's contract with repositories that already have such
 * issues: do not change them.
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

/** The title of a tracking or stale issue: `[<label>] <package>: <what>`. */
export function trackingTitle(label: string, pkg: string, what: string): string {
  return `[${label}] ${pkg}: ${what}`
}

/**
 * The package a title written by trackingTitle names (the label compared case-insensitively, as
 * GitHub compares labels); undefined for any other title.
 */
export function packageFromTitle(title: string, label: string): string | undefined {
  const text = title.trimStart()
  const head = `[${label}]`
  if (text.slice(0, head.length).toLowerCase() !== head.toLowerCase()) return undefined
  return /^\s*([^\s:]+)\s*:/.exec(text.slice(head.length))?.[1]
}

/**
 * The issue that tracks each package, by the markers of one kind in their bodies. Issues come
 * oldest first (as listed), and the oldest wins: a duplicate opened by a lost race never takes
 * over an issue people already comment on.
 */
export function trackedByPackage<T extends { body?: string | null }>(
  issues: readonly T[],
  kind: TrackingKind
): Map<string, T> {
  const found = new Map<string, T>()
  for (const issue of issues) {
    const m = parseTrackingMarker(issue.body)
    if (m?.kind === kind && !found.has(m.package)) found.set(m.package, issue)
  }
  return found
}

/**
 * The file name of a package's smoke state: `<package>.json`, a nested package's `/` written as
 * `%2F` (`python%2Finstrumentation%2Fx.json`), so every state file sits in the state folder
 * itself and the name still reads back to the package.
 */
export function stateFileName(pkg: string): string {
  return `${pkg.replace(/%/g, '%25').replace(/\//g, '%2F')}.json`
}

/**
 * Where smoke-reporter keeps a package's smoke state on the state branch:
 * `<state_dir>/<stateFileName>`. archival-sweep reads it too, so it never archives a package the
 * state says is green.
 */
export function statePath(dir: string, pkg: string): string {
  return `${dir.replace(/^\/+|\/+$/g, '')}/${stateFileName(pkg)}`
}
