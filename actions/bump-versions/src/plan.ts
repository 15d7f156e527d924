import { eq, gt, valid } from '@renovatebot/pep440'
import {
  Finding,
  isUserError,
  Owners,
  PyProject,
  readPyProject,
  setProjectVersion
} from '@contribs-actions/shared'
import { unifiedDiff } from './diff.js'
import { upstreamLineFindings } from './preflight.js'

/** One thing that can be bumped: a subpackage, or the root meta-package. */
export interface Target {
  /** The subpackage folder, or the root project's name for the meta-package. */
  id: string
  /** Folder relative to the repository root; '' for the root meta-package. */
  dir: string
  /** `<dir>/pyproject.toml`. */
  file: string
  /** `<dir>/uv.lock`. */
  lockFile: string
  /** Where it sits in the dependency graph (1: waits for nothing), for the summary only. */
  wave: number
  /** The siblings it waits for: its bump opens once each is at the version (targets.ts says which). */
  dependsOn: string[]
  /**
   * Siblings its extras name that it does not wait for, since they need it back (a cycle through
   * an extra; see targets.ts).
   */
  cycleExtras?: string[]
  /**
   * The siblings whose lock records this package's version (they reach it through a
   * `[tool.uv.sources]` path): its bump commit refreshes their locks too.
   */
  lockedBy: string[]
  root: boolean
  owners?: Owners
  /** The pyproject text on the default branch (or in the checkout when planning offline). */
  text?: string
}

export interface Edit {
  text: string
  diff: string
  line: number
  inserted: boolean
}

export type PackageState =
  | { state: 'at'; current: string }
  | { state: 'ahead'; current: string }
  | { state: 'dynamic'; line?: number }
  | { state: 'missing' }
  | { state: 'below'; current?: string; edit: Edit; pyproject: PyProject }

export type Entry = Target & PackageState

export interface Plan {
  version: string
  entries: Entry[]
  /** Every target with a pyproject, by wave (index 0 is wave 1): the graph, not an order of work. */
  waves: string[][]
  /** Packages below the version whose bump opens now: nothing they wait for is below it. */
  ready: string[]
  /** Packages below the version that wait -> the siblings they wait for that are still below it. */
  waitsFor: Map<string, string[]>
  /** Pre-flight errors: any one stops the run before a single write. */
  problems: Finding[]
  /** Every package is at (or past) the version; dynamic versions are not counted. */
  done: boolean
  /** Package id -> why it is bumped now, waits, or is left alone: for the debug log. */
  why: Map<string, string>
}

/** A user error about one package's file becomes a pre-flight problem; anything else is a bug. */
function userProblem(error: unknown, target: Target, problems: Finding[]): PackageState {
  if (!isUserError(error)) throw error
  problems.push({
    severity: 'error',
    package: target.id,
    file: target.file,
    line: error.line,
    message: error.message
  })
  return { state: 'missing' }
}

function stateOf(
  target: Target,
  version: string,
  upstream: string,
  problems: Finding[]
): PackageState {
  if (target.text === undefined) return { state: 'missing' }
  let p: PyProject
  try {
    p = readPyProject(target.text, target.file)
  } catch (e) {
    return userProblem(e, target, problems)
  }
  if (p.dynamicVersion) return { state: 'dynamic', line: p.lines.find(['project'], 'dynamic') }
  const current = p.version
  if (current !== undefined) {
    if (!valid(current)) {
      problems.push({
        severity: 'error',
        package: target.id,
        file: target.file,
        line: p.lines.find(['project'], 'version'),
        message: `[project] version ${JSON.stringify(current)} is not a PEP 440 version, so it cannot be compared with ${version}`
      })
      return { state: 'missing' }
    }
    if (eq(current, version)) return { state: 'at', current }
    if (gt(current, version)) return { state: 'ahead', current }
  }
  try {
    const e = setProjectVersion(target.text, version, target.file)
    if (e.kind !== 'edited') throw new Error(`${target.file}: expected an edit, got ${e.kind}`)
    problems.push(...upstreamLineFindings(p, target.id, upstream))
    return {
      state: 'below',
      current,
      pyproject: p,
      edit: {
        text: e.text,
        line: e.line,
        inserted: e.inserted,
        diff: unifiedDiff(target.file, target.text, e.text)
      }
    }
  } catch (e) {
    return userProblem(e, target, problems)
  }
}

/**
 * Everything the run will do, decided before any write: each package's state against the
 * version, the exact edit and diff for every package below it (ready or not, for the plan
 * output), the pre-flight check of their upstream lines, and which packages are ready: below the
 * version, with every sibling they wait for at (or past) it. A sibling with a dynamic version or
 * no pyproject cannot be compared, so nothing waits for it.
 */
export function buildPlan(version: string, targets: Target[], upstream: string): Plan {
  const problems: Finding[] = []
  const entries: Entry[] = targets.map((target) => ({
    ...target,
    ...stateOf(target, version, upstream, problems)
  }))
  const waves: string[][] = []
  for (const e of entries) {
    if (e.state === 'missing' && e.text === undefined) continue
    while (waves.length < e.wave) waves.push([])
    waves[e.wave - 1].push(e.id)
  }
  const downgrade = downgradeProblem(entries, version)
  if (downgrade) problems.push(downgrade)
  const below = new Set(entries.filter((e) => e.state === 'below').map((e) => e.id))
  const waitsFor = new Map<string, string[]>()
  for (const e of entries) {
    const blocking = e.dependsOn.filter((d) => below.has(d))
    if (below.has(e.id) && blocking.length) waitsFor.set(e.id, blocking)
  }
  return {
    version,
    entries,
    waves,
    ready: [...below].filter((id) => !waitsFor.has(id)),
    waitsFor,
    problems,
    // A dynamic version is the build backend's business: reported every run, never waited for.
    done: entries.every(
      (e) => ['at', 'ahead', 'dynamic'].includes(e.state) || e.text === undefined
    ),
    why: reasons(entries, version, waitsFor)
  }
}

/**
 * A version that every package with one is already above (none at it, none below) is not a
 * release to follow but a downgrade or a typo (`0.1.0` for `0.10.0`): the run fails rather than
 * report everything done. A package ahead of an otherwise followed version is left alone.
 */
function downgradeProblem(entries: Entry[], version: string): Finding | undefined {
  const ahead = entries.flatMap((e) => (e.state === 'ahead' ? [`${e.id} ${e.current}`] : []))
  if (!ahead.length || entries.some((e) => e.state === 'at' || e.state === 'below')) return
  return {
    severity: 'error',
    message: `packages are above ${version} (a downgrade or a typo): ${ahead.join(', ')}; versions are never lowered, so give the upstream's new version`
  }
}

/** Why each package is bumped now, waits for its siblings, or is left alone. */
function reasons(entries: Entry[], version: string, waitsFor: Map<string, string[]>) {
  const why = new Map<string, string>()
  for (const e of entries) {
    if (e.state !== 'below') {
      why.set(e.id, leftAlone(e, version))
      continue
    }
    const move = `${e.current ?? '(no version)'} -> ${version}`
    const blocking = waitsFor.get(e.id)
    if (blocking) why.set(e.id, `${move} waits for ${blocking.join(', ')}: still below ${version}`)
    else if (e.dependsOn.length)
      why.set(e.id, `${move} now: what it waits for (${e.dependsOn.join(', ')}) is at ${version}`)
    else why.set(e.id, `${move} now: it waits for no sibling`)
  }
  return why
}

function leftAlone(entry: Entry, version: string): string {
  switch (entry.state) {
    case 'at':
      return `already at ${version}`
    case 'ahead':
      return `at ${entry.current}, ahead of ${version}`
    case 'dynamic':
      return 'dynamic version: left to the build backend'
    default:
      return entry.text === undefined
        ? `no ${entry.file}`
        : `${entry.file} cannot be bumped (a pre-flight problem)`
  }
}
