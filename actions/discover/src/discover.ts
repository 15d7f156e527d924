import { Finding, getTable, mapLimit, normalizeName, UserError } from '@contribs-actions/shared'
import { affected, DeletedPackage } from './affected.js'
import { ArchivedEntry, readArchived } from './archived.js'
import { runAllGlobs, SortedChanges, sortChanges } from './classify.js'
import { decide, Decision } from './decide.js'
import { planRange, RangePlan } from './event-plan.js'
import { Change, rangeAndChanges, Range, showFile } from './git-range.js'
import { buildLegs, Leg, shardLegs } from './legs.js'
import type { Options } from './options.js'
import { indexRepo, pyprojectFrom, RepoIndex } from './repo-index.js'

/** Everything one run found, for the outputs and the summary. */
export interface Discovery {
  index: RepoIndex
  plan: RangePlan
  range: Range
  changes?: SortedChanges
  deleted: DeletedPackage[]
  decision: Decision
  defaultBranch: string
  matrix: string[]
  legs: Leg[]
  shards: Leg[][]
  skipped: (ArchivedEntry & { reason: string })[]
  findings: Finding[]
}

/**
 * The whole run: the event's range, git's changed files and the package index (read while git
 * works), the rules, archived packages taken out, and the matrix legs.
 */
export async function discover(
  options: Options,
  eventName: string,
  payload: Record<string, unknown>
): Promise<Discovery> {
  const plan = planRange(eventName, payload, options)
  const git = rangeAndChanges(options.root, plan)
  git.catch(() => undefined) // awaited below; this only keeps Node from calling it unhandled meanwhile
  const index = await indexRepo(options.root, options.table)
  const { range, changes: raw } = await git

  const settings = index.settings
  const defaultBranch = defaultBranchOf(options, index, plan)
  const stacked =
    plan.pullRequestBase !== undefined && plan.pullRequestBase !== defaultBranch
      ? { baseRef: plan.pullRequestBase, defaultBranch }
      : undefined

  const changes = raw
    ? sortChanges(raw, {
        isPackage: index.has,
        settings,
        grandfather: index.grandfather,
        runAllGlobs: runAllGlobs(settings, options.runAll)
      })
    : undefined
  const deleted =
    changes && range.kind === 'diff' && !stacked
      ? await deletedPackages(options.root, range.base, raw!, changes)
      : []
  const decision = decide({
    packages: index.dirs,
    verdict: range.kind === 'all' ? range.verdict : undefined,
    stacked,
    changes,
    deleted,
    affected: (changed, gone) => affected(index, changed, gone)
  })

  const findings: Finding[] = [...index.settingsFindings]
  const skipArchived = options.skipArchived ?? settings.skip_archived
  const archived = skipArchived ? readArchived(index.root, index.has) : undefined
  findings.push(...(archived?.findings ?? []))
  const matrix: string[] = []
  const skipped: Discovery['skipped'] = []
  for (const dir of sortedKeys(decision.run)) {
    const entry = archived?.entries.get(dir)
    if (entry)
      skipped.push({
        ...entry,
        reason: `archived${entry.reason ? `: ${entry.reason}` : ''} (listed in .github/archived.json)`
      })
    else matrix.push(dir)
  }
  const { legs, findings: legFindings } = buildLegs(index, matrix)
  findings.push(...legFindings)
  const shards = shardLegs(legs, options.maxLegs, index.dirs)
  return {
    index,
    plan,
    range,
    changes,
    deleted,
    decision,
    defaultBranch,
    matrix,
    legs,
    shards,
    skipped,
    findings
  }
}

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * A map's keys in code point order. They mostly come in order already (the changed packages are
 * inserted sorted), and checking that costs far less than a comparator called 5,000 times in
 * code the engine has not optimised yet.
 */
export function sortedKeys(map: Map<string, unknown>): string[] {
  const keys = [...map.keys()]
  for (let i = 1; i < keys.length; i++) if (!(keys[i - 1] < keys[i])) return keys.sort(byCodePoint)
  return keys
}

/**
 * The `default-branch` input; else `default_branch` when the settings table sets it; else what
 * the event payload says the repository's default branch is; else the built-in `main`.
 */
function defaultBranchOf(options: Options, index: RepoIndex, plan: RangePlan): string {
  if (options.defaultBranch) return options.defaultBranch
  const table = getTable(index.rootPyproject?.data ?? {}, ['tool', index.settings.table])
  if (typeof table?.default_branch === 'string') return index.settings.default_branch
  return plan.payloadDefaultBranch ?? index.settings.default_branch
}

/**
 * Top-level folders gone at head (or no longer packages) whose `pyproject.toml` or `OWNERS` the
 * change deleted or moved away: packages deleted by the change. Their distribution name is read
 * from the base revision, so packages still naming it at head count as their dependents.
 */
async function deletedPackages(
  root: string,
  base: string,
  raw: Change[],
  changes: SortedChanges
): Promise<DeletedPackage[]> {
  if (changes.gone.size === 0) return []
  const removed = new Set<string>()
  for (const c of raw) {
    if (c.status === 'D') removed.add(c.path)
    if (c.status === 'R' && c.from) removed.add(c.from)
  }
  const dirs = [...changes.gone.keys()].filter(
    (d) => removed.has(`${d}/pyproject.toml`) || removed.has(`${d}/OWNERS`)
  )
  return mapLimit(dirs, 8, async (dir) => {
    const file = `${dir}/pyproject.toml`
    if (!removed.has(file)) return { dir }
    const text = await showFile(root, base, file)
    if (text === undefined) return { dir }
    try {
      const py = pyprojectFrom(text, file, [['project']])
      return { dir, key: py.key, name: py.name }
    } catch (e) {
      if (!(e instanceof UserError)) throw e
      // A base pyproject that does not parse still names its distribution, most likely.
      const name = /^\s*name\s*=\s*["']([^"'\n]+)["']/m.exec(text)?.[1]
      return name ? { dir, name, key: normalizeName(name) } : { dir }
    }
  })
}
