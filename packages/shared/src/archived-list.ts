/**
 * The archived list, `.github/archived.json`: the packages CI leaves out (discover reads it) and
 * that archival-sweep records when a package reaches the end of its archival timeline. One
 * definition of the format for both, reading and writing:
 *
 *     {"packages": [
 *       "old-pkg",
 *       {"package": "dspy", "issue": "<tracking issue url>", "since": "2026-01-26",
 *        "reason": "...", "restore": {...}}
 *     ]}
 *
 * A plain name or an object; `issue`, `reason` and `since` are optional. `restore` is written by
 * archival-sweep only: what it took out of the smoke matrix and the meta-package's extras, so the
 * reverse change puts back exactly that. An entry without it was written by a maintainer and is
 * never unarchived by the sweep.
 */
import { UserError } from './errors.js'
import type { Finding } from './findings.js'
import { readRepoText } from './repo-file.js'
import { clip, lineAt } from './text.js'
import { appendListItem, findJsonList, removeListItem } from './json-list-edit.js'
import type { RemovedExtras } from './meta-package.js'

export const ARCHIVED_FILE = '.github/archived.json'

/** What archival-sweep took out when it archived a package. */
export interface ArchiveRestore {
  /** The package was listed in the smoke matrix file. */
  smoke_matrix?: boolean
  /** Its place in the smoke matrix list, so it goes back where it was. */
  smoke_matrix_index?: number
  /** What was taken out of the meta-package's optional dependencies. */
  extras?: RemovedExtras
}

export interface ArchivedEntry {
  package: string
  /** The tracking issue (its URL), when the file names it. */
  issue?: string
  reason?: string
  /** When it was archived (YYYY-MM-DD). */
  since?: string
  restore?: ArchiveRestore
}

const SHAPE =
  'must be {"packages": [...]} listing folder names or {"package": "<folder>", "issue": "<url>", "reason": "<why>"} objects'

function entryOf(item: unknown): ArchivedEntry | undefined {
  if (typeof item === 'string') return { package: item }
  if (!item || typeof item !== 'object') return undefined
  const o = item as Record<string, unknown>
  if (typeof o.package !== 'string') return undefined
  const text = (k: string) => (typeof o[k] === 'string' ? { [k]: o[k] as string } : {})
  const restore =
    o.restore && typeof o.restore === 'object' && !Array.isArray(o.restore)
      ? { restore: o.restore as ArchiveRestore }
      : {}
  return { package: o.package, ...text('issue'), ...text('reason'), ...text('since'), ...restore }
}

/** The entries of an archived list, in file order, each with its 1-based line. */
export function parseArchivedList(text: string): (ArchivedEntry & { line: number })[] {
  const list = findJsonList(text, 'packages', ARCHIVED_FILE)
  if (!list) throw new UserError(SHAPE, { file: ARCHIVED_FILE })
  return list.items.map((item) => {
    const entry = entryOf(item.value)
    const line = lineAt(text, item.start)
    if (!entry)
      throw new UserError(
        `${SHAPE} (got ${clip(JSON.stringify(item.value) ?? String(item.value), 80)})`,
        {
          file: ARCHIVED_FILE,
          line
        }
      )
    entry.package = entry.package.replace(/\/+$/, '')
    return { ...entry, line }
  })
}

/**
 * The list with `entry` added (the file is created when `text` is undefined); other entries and
 * the formatting are kept. An entry for the same package is replaced.
 */
export function addArchived(text: string | undefined, entry: ArchivedEntry): string {
  const json = JSON.stringify(entry)
  if (text === undefined) return `{\n  "packages": [\n    ${json}\n  ]\n}\n`
  const without = removeArchived(text, entry.package)
  const list = findJsonList(without, 'packages', ARCHIVED_FILE)
  if (!list) throw new UserError(SHAPE, { file: ARCHIVED_FILE })
  return appendListItem(without, list, json)
}

/** The list without `pkg` (every entry naming it); the same text when it is not listed. */
export function removeArchived(text: string, pkg: string): string {
  let out = text
  for (;;) {
    const list = findJsonList(out, 'packages', ARCHIVED_FILE)
    if (!list) throw new UserError(SHAPE, { file: ARCHIVED_FILE })
    const index = list.items.findIndex(
      (item) => entryOf(item.value)?.package.replace(/\/+$/, '') === pkg
    )
    if (index < 0) return out
    out = removeListItem(out, list, index)
  }
}

/** The list read for a run: the entries by package, each with its line where found. */
export interface ArchivedList {
  entries: Map<string, ArchivedEntry & { line?: number }>
  findings: Finding[]
}

/** The list in the checkout (see parseArchived); a missing file archives nothing. */
export function readArchived(root: string, isPackage: (dir: string) => boolean): ArchivedList {
  const text = readRepoText(root, ARCHIVED_FILE)
  if (text === undefined) return { entries: new Map(), findings: [] }
  return parseArchived(text, isPackage)
}

/**
 * The list's entries by package (parseArchivedList). A malformed list fails naming the file; a
 * name that is not a package is a warning (it may have been deleted since).
 */
export function parseArchived(text: string, isPackage: (dir: string) => boolean): ArchivedList {
  const entries: ArchivedList['entries'] = new Map()
  const findings: Finding[] = []
  for (const entry of parseArchivedList(text)) {
    if (!isPackage(entry.package))
      findings.push({
        severity: 'warning',
        message: `${JSON.stringify(entry.package)} is listed as archived but is not a subpackage`,
        file: ARCHIVED_FILE,
        line: entry.line
      })
    entries.set(entry.package, entry)
  }
  return { entries, findings }
}
