/**
 * Where an archived package is registered besides its label: the archived list (which discover
 * reads to leave it out of CI), the smoke matrix and the meta-package's extras. Archiving takes
 * it out of the last two and records it, with what was taken out, in the first; unarchiving
 * reverses exactly that. Pure: file texts in (as on the default branch), the change out; the
 * writes are in registry-writer.ts.
 */
import {
  addArchived,
  ARCHIVED_FILE,
  ArchivedEntry,
  ArchiveRestore,
  checkRemovedExtras,
  fillPattern,
  findJsonList,
  insertListItem,
  parseArchivedList,
  removeArchived,
  removeFromExtras,
  removeListItem,
  restoreExtras
} from '@contribs-actions/shared'
import type { FileChange } from '@contribs-actions/shared/github'

/** How an archival reaches the default branch: a pull request, a direct commit, or not at all. */
export const ARCHIVE_MODES = ['pull-request', 'commit', 'off'] as const
export type ArchiveMode = (typeof ARCHIVE_MODES)[number]

/** The files an archival may touch; the archived list is always among them. */
export const ARCHIVE_FILES = ['archived-list', 'smoke-matrix', 'extras'] as const
export type ArchiveFile = (typeof ARCHIVE_FILES)[number]

export interface RegistrySettings {
  mode: Exclude<ArchiveMode, 'off'>
  files: ArchiveFile[]
  /** Branch patterns with `{package}`. */
  archiveBranch: string
  unarchiveBranch: string
  /** The label put on the pull requests. */
  label: string
  smokeMatrixFile: string
}

/** The key of the smoke matrix file's list of packages: `{"subpackages": [...]}`. */
const SMOKE_MATRIX_KEY = 'subpackages'
export const META_FILE = 'pyproject.toml'

/** The registry files as they are on the default branch (undefined: no such file). */
export interface RegistryFiles {
  archived?: string
  smokeMatrix?: string
  pyproject?: string
}

export interface RegistryChange {
  direction: 'archive' | 'unarchive'
  package: string
  /** The tracking issue the change is about. */
  issue: number
  branch: string
  title: string
  /** The pull request body; ends with `marker`. */
  body: string
  /** Names the change: a pull request decided on (merged or closed) is found by it. */
  marker: string
  message: string
  files: FileChange[]
  /** What was not changed and why (a file that lacks the package, say). */
  notes: string[]
}

/** The archived list's entries on the default branch (none without the file). */
export function archivedEntries(files: RegistryFiles): ArchivedEntry[] {
  return files.archived === undefined ? [] : parseArchivedList(files.archived)
}

function changeMarker(direction: 'archive' | 'unarchive', pkg: string, id: string): string {
  return `<!-- contribs-actions:${direction} package=${pkg} id=${id} -->`
}

/** The tracking issue number of an entry's `issue` (a URL ending in /issues/N, or #N). */
export function issueNumberOf(entry: ArchivedEntry): number | undefined {
  const m = /(?:\/issues\/|^#)(\d+)$/.exec(entry.issue ?? '')
  return m ? Number(m[1]) : undefined
}

export interface ArchiveFacts {
  package: string
  /** The package's distribution name (its pyproject `name`), for the extras. */
  distribution?: string
  /** The meta-package's own name, for `name[extra]` items of `all`. */
  meta?: string
  issue: number
  issueUrl: string
  /** The label episode that reached the archive milestone: names the change. */
  episode: string
  date: string
  days: number
}

/** The change that archives a package, from the registry files on the default branch. */
export function archiveChange(
  files: RegistryFiles,
  settings: RegistrySettings,
  facts: ArchiveFacts
): RegistryChange {
  const pkg = facts.package
  const out: FileChange[] = []
  const notes: string[] = []
  const restore: ArchiveRestore = {}
  if (settings.files.includes('smoke-matrix')) {
    const edited = withoutInMatrix(files.smokeMatrix, settings.smokeMatrixFile, pkg)
    if (edited === undefined) notes.push(`not in ${settings.smokeMatrixFile}`)
    else {
      out.push({ path: settings.smokeMatrixFile, text: edited.text, mode: '100644' })
      restore.smoke_matrix = true
      restore.smoke_matrix_index = edited.index
    }
  }
  if (settings.files.includes('extras')) {
    const removed =
      files.pyproject !== undefined && facts.distribution
        ? removeFromExtras(files.pyproject, META_FILE, facts.distribution, facts.meta)
        : undefined
    if (!removed || (!removed.removed.extras.length && !removed.removed.members.length))
      notes.push(`not in the extras of ${META_FILE}`)
    else {
      out.push({ path: META_FILE, text: removed.text, mode: '100644' })
      restore.extras = removed.removed
    }
  }
  const entry: ArchivedEntry = {
    package: pkg,
    issue: facts.issueUrl,
    since: facts.date,
    reason: `red for ${facts.days} days on the archival timeline (#${facts.issue})`,
    restore
  }
  out.unshift({ path: ARCHIVED_FILE, text: addArchived(files.archived, entry), mode: '100644' })
  const marker = changeMarker('archive', pkg, facts.episode)
  const listed = out.map((f) => `\`${f.path}\``).join(', ')
  return {
    direction: 'archive',
    package: pkg,
    issue: facts.issue,
    branch: fillPattern(settings.archiveBranch, { package: pkg }),
    title: `Archive ${pkg}`,
    body:
      `\`${pkg}\` reached the end of its archival timeline (#${facts.issue}): this records it in ` +
      `\`${ARCHIVED_FILE}\`, so CI leaves it out, and takes it out of what installs and smoke-tests ` +
      `it. Files: ${listed}.${notes.length ? ` Unchanged: ${notes.join('; ')}.` : ''}\n\n` +
      `When the package is green again, archival-sweep opens the reverse pull request.\n\n${marker}`,
    marker,
    message: `chore(${pkg}): archive (#${facts.issue})`,
    files: out,
    notes
  }
}

/** The change that puts an archived package back, undoing what its entry says was taken out. */
export function unarchiveChange(
  files: RegistryFiles,
  settings: RegistrySettings,
  entry: ArchivedEntry & { restore: ArchiveRestore },
  issue: number
): RegistryChange {
  const pkg = entry.package
  const out: FileChange[] = []
  const notes: string[] = []
  if (entry.restore.smoke_matrix) {
    const edited = withInMatrix(
      files.smokeMatrix,
      settings.smokeMatrixFile,
      pkg,
      entry.restore.smoke_matrix_index
    )
    if (edited === undefined) notes.push(`${settings.smokeMatrixFile} has no list to add it to`)
    else if (edited !== files.smokeMatrix)
      out.push({ path: settings.smokeMatrixFile, text: edited, mode: '100644' })
  }
  if (entry.restore.extras && files.pyproject !== undefined) {
    const removed = checkRemovedExtras(entry.restore.extras, ARCHIVED_FILE)
    const back = restoreExtras(files.pyproject, META_FILE, removed)
    notes.push(...back.left.map((l) => `${l}: nowhere to put it back`))
    if (back.text !== files.pyproject)
      out.push({ path: META_FILE, text: back.text, mode: '100644' })
  }
  const archived = removeArchived(files.archived ?? '', pkg)
  out.unshift({ path: ARCHIVED_FILE, text: archived, mode: '100644' })
  const marker = changeMarker('unarchive', pkg, entry.since ?? String(issue))
  return {
    direction: 'unarchive',
    package: pkg,
    issue,
    branch: fillPattern(settings.unarchiveBranch, { package: pkg }),
    title: `Unarchive ${pkg}`,
    body:
      `The tracking issue of \`${pkg}\` (#${issue}) no longer carries the tracking label: the ` +
      `package recovered. This takes it off \`${ARCHIVED_FILE}\` and puts back what archiving ` +
      `took out. Files: ${out.map((f) => `\`${f.path}\``).join(', ')}.` +
      `${notes.length ? ` Not restored: ${notes.join('; ')}.` : ''}\n\n${marker}`,
    marker,
    message: `chore(${pkg}): unarchive (#${issue})`,
    files: out,
    notes
  }
}

/** The smoke matrix without `pkg`, and where it was; undefined when it does not list it. */
function withoutInMatrix(
  text: string | undefined,
  file: string,
  pkg: string
): { text: string; index: number } | undefined {
  if (text === undefined) return undefined
  const list = findJsonList(text, SMOKE_MATRIX_KEY, file)
  const index = list?.items.findIndex((i) => i.value === pkg) ?? -1
  return list && index >= 0 ? { text: removeListItem(text, list, index), index } : undefined
}

/**
 * The smoke matrix with `pkg` back at `index` (the end when unknown); the same text when it is
 * listed, undefined when the file has no list.
 */
function withInMatrix(
  text: string | undefined,
  file: string,
  pkg: string,
  index: number | undefined
): string | undefined {
  if (text === undefined) return undefined
  const list = findJsonList(text, SMOKE_MATRIX_KEY, file)
  if (!list) return undefined
  if (list.items.some((i) => i.value === pkg)) return text
  const at = Number.isInteger(index) ? (index as number) : list.items.length
  return insertListItem(text, list, at, JSON.stringify(pkg))
}
