import { UserError } from './errors.js'
import type { Finding } from './findings.js'
import { jsonStringLine, parseRepoJson } from './json-file.js'
import { readRepoText } from './repo-file.js'
import { clip } from './text.js'

/** Where the archived packages are listed (discover leaves them out, validate-structure checks registrations). */
export const ARCHIVED_FILE = '.github/archived.json'

export interface ArchivedEntry {
  package: string
  /** The tracking issue, when the file names it. */
  issue?: string
  reason?: string
  /** The entry's line in the file, when found. */
  line?: number
}

export interface ArchivedList {
  entries: Map<string, ArchivedEntry>
  findings: Finding[]
}

/** The list in the checkout (see parseArchived); a missing file archives nothing. */
export function readArchived(root: string, isPackage: (dir: string) => boolean): ArchivedList {
  const text = readRepoText(root, ARCHIVED_FILE)
  if (text === undefined) return { entries: new Map(), findings: [] }
  return parseArchived(text, isPackage)
}

/**
 * Parses `{"packages": ["x", {"package": "y", "issue": "<url>", "reason": "..."}]}`. A malformed
 * list fails naming the file (and the line, where known); a name that is not a package at head
 * is a warning (it may have been deleted since).
 */
export function parseArchived(text: string, isPackage: (dir: string) => boolean): ArchivedList {
  const data = parseRepoJson(text, ARCHIVED_FILE)
  const list = (data as { packages?: unknown })?.packages
  const shape =
    'must be {"packages": [...]} listing folder names or {"package": "<folder>", "issue": "<url>", "reason": "<why>"} objects'
  // A wrong shape is reported on the `packages` line (the first line when there is none).
  const at = { file: ARCHIVED_FILE, line: jsonStringLine(text, 'packages') ?? 1 }
  if (!Array.isArray(list)) throw new UserError(shape, at)
  const entries = new Map<string, ArchivedEntry>()
  const findings: Finding[] = []
  for (const item of list) {
    const entry: ArchivedEntry | undefined =
      typeof item === 'string'
        ? { package: item }
        : item && typeof item === 'object' && typeof item.package === 'string'
          ? {
              package: item.package,
              ...(typeof item.issue === 'string' ? { issue: item.issue } : {}),
              ...(typeof item.reason === 'string' ? { reason: item.reason } : {})
            }
          : undefined
    if (!entry)
      throw new UserError(`${shape} (got ${clip(JSON.stringify(item) ?? String(item), 80)})`, at)
    const line = jsonStringLine(text, entry.package)
    if (line !== undefined) entry.line = line
    entry.package = entry.package.replace(/\/+$/, '')
    if (!isPackage(entry.package))
      findings.push({
        severity: 'warning',
        message: `${JSON.stringify(entry.package)} is listed as archived but is not a subpackage`,
        file: ARCHIVED_FILE,
        line
      })
    entries.set(entry.package, entry)
  }
  return { entries, findings }
}
