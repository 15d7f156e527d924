import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Finding, UserError } from '@contribs-actions/shared'

/** Where maintainers mirror the archival sweep's `archived` packages. */
export const ARCHIVED_FILE = '.github/archived.json'

export interface ArchivedEntry {
  package: string
  /** The tracking issue, when the file names it. */
  issue?: string
  reason?: string
}

/**
 * Reads `{"packages": ["x", {"package": "y", "issue": "<url>", "reason": "..."}]}`. A missing
 * file archives nothing; a malformed one fails naming the file; a name that is not a package
 * at head is a warning (it may have been deleted since).
 */
export function readArchived(
  root: string,
  isPackage: (dir: string) => boolean
): { entries: Map<string, ArchivedEntry>; findings: Finding[] } {
  let text: string
  try {
    text = readFileSync(path.join(root, ARCHIVED_FILE), 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { entries: new Map(), findings: [] }
    throw e
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    throw new UserError(`invalid JSON: ${(e as Error).message}`, { file: ARCHIVED_FILE })
  }
  const list = (data as { packages?: unknown })?.packages
  const shape =
    'must be {"packages": [...]} listing folder names or {"package": "<folder>", "issue": "<url>", "reason": "<why>"} objects'
  if (!Array.isArray(list)) throw new UserError(shape, { file: ARCHIVED_FILE })
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
      throw new UserError(`${shape} (got ${JSON.stringify(item)})`, { file: ARCHIVED_FILE })
    entry.package = entry.package.replace(/\/+$/, '')
    if (!isPackage(entry.package))
      findings.push({
        severity: 'warning',
        message: `${JSON.stringify(entry.package)} is listed as archived but is not a subpackage`,
        file: ARCHIVED_FILE,
        line: lineOf(text, entry.package)
      })
    entries.set(entry.package, entry)
  }
  return { entries, findings }
}

function lineOf(text: string, name: string): number | undefined {
  const i = text.indexOf(JSON.stringify(name))
  return i < 0 ? undefined : text.slice(0, i).split('\n').length
}
