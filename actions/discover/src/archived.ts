import {
  ARCHIVED_FILE,
  ArchivedEntry,
  ArchivedList,
  Finding,
  parseArchived,
  readArchived,
  readPyProject,
  readRepoTextAt,
  resolveSettings,
  UserError
} from '@contribs-actions/shared'

/** Where the run's archived packages come from, with what a reader of the run should know. */
export interface ArchivedForRun {
  entries: Map<string, ArchivedEntry>
  findings: Finding[]
}

export interface ArchivedSources {
  root: string
  /** The `skip-archived` input, which outranks the settings table. */
  input?: boolean
  /** `skip_archived` in the checkout's settings. */
  headSetting: boolean
  /** The settings table's name, to read the base's setting from the same table. */
  table: string
  isPackage: (dir: string) => boolean
  /**
   * On a pull request or in the merge queue: the base commit. Undefined for other events, and
   * `null` when the event has one but it could not be found.
   */
  base?: string | null
}

const NOTHING: ArchivedForRun = { entries: new Map(), findings: [] }

/**
 * The archived packages to leave out. Outside pull requests and the merge queue: the checkout's
 * list, when `skip-archived` (or `skip_archived`) is on. On a pull request or in the merge queue
 * the change itself must not shrink its own matrix, so a package is left out only when the base
 * commit lists it too, and `skip_archived` must be on at both ends (the input, set in the
 * workflow, outranks both): adding a package to the list, or turning the setting on, takes effect
 * once merged, and a warning says so. Without a base commit nothing is left out.
 */
export async function archivedForRun(src: ArchivedSources): Promise<ArchivedForRun> {
  if (!(src.input ?? src.headSetting)) return NOTHING
  if (src.base === undefined) return readArchived(src.root, src.isPackage)
  if (src.base === null)
    return {
      entries: new Map(),
      findings: [
        warning(
          'no archived package is left out: the base commit could not be found, and on a pull request or in the merge queue the list is read from the base as well as from the change'
        )
      ]
    }
  const base = src.base
  // Two reads of git objects, side by side; the setting only when no input decides it.
  const [onAtBase, atBase] = await Promise.all([
    src.input ?? baseSkipArchived(src.root, base, src.table),
    readRepoTextAt(src.root, base, ARCHIVED_FILE)
  ])
  if (!onAtBase)
    return {
      entries: new Map(),
      findings: [
        {
          severity: 'warning',
          message: `this change turns [tool.${src.table}] skip_archived on; on a pull request or in the merge queue archived packages are left out only when it is on at the base commit ${base.slice(0, 7)} too, so nothing is left out until the change is merged`,
          file: 'pyproject.toml'
        }
      ]
    }
  return bothEnds(readArchived(src.root, src.isPackage), atBase, base)
}

/** The entries the change's list and the base's (its text) share, and a warning for the rest. */
function bothEnds(head: ArchivedList, baseText: string | undefined, base: string): ArchivedForRun {
  const atBase = baseText === undefined ? new Map() : parseArchived(baseText, () => true).entries
  const entries = new Map<string, ArchivedEntry>()
  const added: string[] = []
  for (const [name, entry] of head.entries) {
    if (atBase.has(name)) entries.set(name, entry)
    else added.push(name)
  }
  const findings = [...head.findings]
  if (added.length)
    findings.push(
      warning(
        `this change adds ${added.map((n) => JSON.stringify(n)).join(', ')} to the archived list; on a pull request or in the merge queue a package is left out only when the base commit ${base.slice(0, 7)} lists it too, so it still runs until the change is merged`
      )
    )
  return { entries, findings }
}

const warning = (message: string): Finding => ({
  severity: 'warning',
  message,
  file: ARCHIVED_FILE
})

/**
 * `skip_archived` in the base commit's root pyproject.toml: false when it has none, or settings
 * that do not read (then the base's own runs report them; leaving nothing out is the safe side).
 */
async function baseSkipArchived(root: string, base: string, table: string): Promise<boolean> {
  const file = 'pyproject.toml'
  try {
    const text = await readRepoTextAt(root, base, file)
    if (text === undefined) return false
    const pyproject = readPyProject(text, file)
    return resolveSettings(pyproject, {}, table).settings.skip_archived
  } catch (e) {
    if (e instanceof UserError) return false
    throw e
  }
}
