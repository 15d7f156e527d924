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

/**
 * Where a tracked package stands on the archival timeline: the `stage` of each item of
 * archival-sweep's `issues` output, which a release action reads for its notes.
 *
 * - `watching`: tracked, no milestone reached yet; `paused`: the pause label is on (the clock
 *   stands still); `reminded`, `release-notes`: the reminder or the release-notes notice posted;
 * - `archived`: the issue carries the archive label; `unarchived`: the archive milestone was
 *   posted but the label was taken off, or the package is archived and its issue no longer
 *   tracks it (the reverse change is proposed), or its archive pull request was closed because it
 *   recovered first;
 * - stale issues: `opened` (this run), `pending` (to open), `closed` (resolved);
 * - `untracked`: the label is on but its events do not show it applied; `skipped`: no package.
 */
const ARCHIVAL_STAGES = [
  'watching',
  'paused',
  'reminded',
  'release-notes',
  'archived',
  'unarchived',
  'opened',
  'pending',
  'closed',
  'untracked',
  'skipped'
] as const
export type ArchivalStage = (typeof ARCHIVAL_STAGES)[number]

/** One item of archival-sweep's `issues` output (JSON), as documented in its README. */
export interface ArchivalIssueReport {
  issue: number | null
  package: string | null
  kind: TrackingKind
  /** Whole days of running clock (paused time not counted); null when the clock is stopped. */
  age_days: number | null
  stage: ArchivalStage
  /** Steps taken this run (in a dry run: the steps it would take). */
  actions: string[]
  /** Steps due but left for the next run (max-operations reached). */
  pending: string[]
  url?: string
  /** While the pause label is on: the date it was applied (YYYY-MM-DD). */
  paused_since?: string
  /** The pull request that archives or unarchives the package, opened or found open this run. */
  pull?: { number: number; url: string }
  note?: string
}

/**
 * Reads archival-sweep's `issues` output: the packages and their stages, for release notes. An
 * item whose package or stage is missing or unknown is left out (an older or newer sweep may
 * write stages this reader does not know); text that is not a JSON list is an error.
 */
export function parseArchivalIssues(json: string): ArchivalIssueReport[] {
  let data: unknown
  try {
    data = JSON.parse(json)
  } catch (e) {
    throw new Error(`archival-sweep's issues output is not JSON: ${(e as Error).message}`, {
      cause: e
    })
  }
  if (!Array.isArray(data)) throw new Error("archival-sweep's issues output is not a JSON list")
  return data.filter(
    (item): item is ArchivalIssueReport =>
      !!item &&
      typeof item === 'object' &&
      typeof item.package === 'string' &&
      (ARCHIVAL_STAGES as readonly string[]).includes(item.stage)
  )
}
