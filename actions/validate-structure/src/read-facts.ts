import { lstatSync } from 'node:fs'
import path from 'node:path'
import {
  ARCHIVED_FILE,
  FileTree,
  Finding,
  globFileMatches,
  parseSmokeMatrix,
  readArchived,
  readCodeowners,
  UserError,
  locateRepoFile,
  pathExists,
  readRepoText,
  RepoBase,
  ruleLevelLine,
  UnreadableFileError
} from '@contribs-actions/shared'
import { checkFolders, type PackageContext } from './check-package.js'
import { readCorePaths } from './core-paths.js'
import { walkLayout } from './layout.js'
import type { Registrations } from './registrations.js'
import { Levels, levelsByCode } from './rules.js'
import type { RepoFacts } from './validate.js'

/** Grandfathered paths that are gone; the list file is read again only when there is one. */
function staleGrandfather(repo: RepoBase): RepoFacts['staleGrandfather'] {
  const g = repo.grandfather
  // Synchronous like the rest of the reading: a few paths, and fs.promises would load another
  // Node module at start-up. A path that is a link counts as there, and is not followed.
  const stale = g.paths.filter((p) => !pathExists(path.join(repo.root, p)))
  if (!stale.length) return []
  // Read (safely) once already, by openRepo; a list that is gone meanwhile has no lines.
  const lines = (readRepoText(repo.root, g.file) ?? '').split(/\r?\n/)
  return stale.map((p) => {
    const i = lines.findIndex((l) => l.includes(JSON.stringify(p)) || l.includes(`"${p}/`))
    return { path: p, line: i >= 0 ? i + 1 : undefined }
  })
}

/**
 * What every package is judged against, read before any package: the settings, the core paths
 * list and the rule levels (the table's `rules`, with the `rules` input's levels over them). A
 * malformed core paths file or a level for no known rule fails here, before any package is judged.
 */
export function readContext(repo: RepoBase, inputLevels: Levels = new Map()): PackageContext {
  const { settings } = repo
  const corePaths = readCorePaths(repo.root, settings.core_paths_file)
  const root = repo.rootPyproject
  const table = settings.table
  const levels = levelsByCode(settings.rules, (key) => ({
    name: `[tool.${table}.rules]`,
    file: root?.file,
    line: root && ruleLevelLine(root, table, key)
  }))
  for (const [code, level] of inputLevels) levels.set(code, level)
  return { settings, corePaths, corePathsFile: settings.core_paths_file, levels }
}

/**
 * The folder facts, from `tree`: the folder rules' findings on each package's folder and
 * namespace layout (in `dirs` order), and which grandfathered paths still exist.
 */
export function readFacts(
  repo: RepoBase,
  dirs: string[],
  context: PackageContext,
  tree: FileTree
): RepoFacts {
  const walk = {
    namespace: context.settings.namespace,
    mirrorDirs: new Set(context.settings.mirror_dirs),
    // Without a core paths list only the first level below mirrors is listed (for the warning).
    descend: (dotted: string) => context.corePaths?.has(dotted) ?? false
  }
  const folderFindings: Finding[][] = []
  let nestedBelowMirrors = false
  for (const dir of dirs) {
    const layout = walkLayout(tree, dir, walk)
    folderFindings.push(checkFolders(dir, layout, context))
    nestedBelowMirrors ||= (layout.namespace?.inner?.nested.length ?? 0) > 0
  }
  return {
    folderFindings,
    nestedBelowMirrors,
    staleGrandfather: staleGrandfather(repo),
    registrations: readRegistrations(repo, new Set(dirs))
  }
}

/** A file the registration checks could not use, as the one finding about it. */
function problemOf(error: unknown, file: string): Finding {
  if (!(error instanceof UserError)) throw error
  const what = error instanceof UnreadableFileError ? `${file} is ${error.message}` : error.message
  return {
    severity: 'error',
    message: what,
    file: error.file ?? file,
    line: error.line,
    column: error.column
  }
}

/**
 * The files the opt-in checks read (see Registrations): CODEOWNERS, the smoke matrix, and the
 * archived list when the smoke matrix or the extras are checked. Nothing is read for a check
 * that is off.
 */
function readRegistrations(repo: RepoBase, dirs: ReadonlySet<string>): Registrations {
  const { settings } = repo
  const out: Registrations = {}
  if (settings.codeowners !== false) {
    const location = typeof settings.codeowners === 'string' ? settings.codeowners : undefined
    try {
      out.codeowners = { file: readCodeowners(repo.root, location) }
    } catch (e) {
      out.codeowners = { problem: problemOf(e, location ?? 'CODEOWNERS') }
    }
  }
  if (settings.check_smoke_matrix) {
    const file = settings.smoke_matrix_file
    try {
      const text = readRepoText(repo.root, file)
      out.smokeMatrix = { matrix: text === undefined ? undefined : parseSmokeMatrix(text, file) }
    } catch (e) {
      out.smokeMatrix = { problem: problemOf(e, file) }
    }
  }
  if (settings.check_smoke_matrix || settings.check_extras) {
    try {
      out.archived = { entries: readArchived(repo.root, (d) => dirs.has(d)).entries }
    } catch (e) {
      const code = settings.check_smoke_matrix ? 'CA118' : 'CA119'
      out.archived = { entries: new Map(), problem: { ...problemOf(e, ARCHIVED_FILE), code } }
    }
  }
  return out
}

/**
 * Notices for the symbolic links where a package could be (top-level entries, or what the
 * package globs' last part matches) that do not end at a file inside the checkout (a link to a
 * folder, out of the checkout, or a loop). The tree lists a link as a file, as git records
 * it, so such a folder is never a package and nothing in it is read: said here, so a package
 * committed as a link is not silently missing.
 */
export function skippedLinks(repo: Pick<RepoBase, 'root' | 'tree' | 'layout'>): string[] {
  const notices: string[] = []
  const entries =
    repo.layout.kind === 'globs'
      ? globFileMatches(repo.tree, repo.layout)
      : (repo.tree.list('')?.files ?? [])
  for (const name of entries) {
    if (!lstatSync(path.join(repo.root, name), { throwIfNoEntry: false })?.isSymbolicLink())
      continue
    try {
      locateRepoFile(repo.root, name)
    } catch (e) {
      // A link to a file over the size limit is a file, only a big one: not a folder.
      if (!(e instanceof UnreadableFileError) || e.reason === 'too-large') continue
      const what = e.message.replace(/ \(not \w+\)$/, '')
      notices.push(`skipped ${name}: a symbolic link is never a package, nor followed (${what})`)
    }
  }
  return notices
}
