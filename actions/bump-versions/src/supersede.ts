/**
 * Bump PRs of other versions, decided from plain data. When a newer upstream version arrives, an
 * open bump PR for an older one would, if merged, move a package to a version nobody follows any
 * more. One whose branch holds only our commit is ours to close (with a comment saying what
 * replaces it) and its branch is deleted; one carrying someone else's commits stays open with a
 * comment saying it is superseded, since the commits are theirs to move. The comments carry a
 * hidden marker, so each is written once. Nothing here makes a request.
 */
import { patternRegExp, Settings, supersedes, validVersion } from '@contribs-actions/shared'
import { hiddenMarker } from '@contribs-actions/shared/github'
import type { OpenPull, Ownership, PullState } from './github.js'

/** An open bump PR of another version than the run's. */
export interface OtherBump extends OpenPull {
  package: string
  version: string
}

/** An open bump PR of an older version, with what the run read about it. */
export interface OlderBump extends OtherBump {
  ownership: Ownership
  /** Our "superseded" comment is on it already. */
  commented: boolean
}

/**
 * `close`: ours, so commented on (unless it is already), its branch deleted, the PR closed.
 * `flag`: someone else's commits, so only the comment. `flagged`: that comment is there already.
 */
export type SupersedeTask = OlderBump & { kind: 'close' | 'flag' | 'flagged' }

/**
 * The package and version of a bump branch of this repository, or undefined when the branch is
 * not one. Longer package names are tried first, so `foo-dspy` is never read as `dspy` of version
 * `…-foo`; the version must be PEP 440.
 */
function bumpBranchOf(
  branch: string,
  settings: Settings,
  packages: string[]
): { package: string; version: string } | undefined {
  const byLength = [...packages].sort((a, b) => b.length - a.length)
  for (const pkg of byLength) {
    const values = { upstream: settings.upstream, package: pkg }
    const version = patternRegExp(settings.bump_branch, values, 'version').exec(branch)?.[1]
    if (version !== undefined && validVersion(version) !== null) return { package: pkg, version }
  }
  return undefined
}

/** The open bump PRs of versions other than `version`, from every open PR. */
export function otherBumps(
  pulls: OpenPull[],
  version: string,
  settings: Settings,
  packages: string[]
): OtherBump[] {
  return pulls.flatMap((openPull) => {
    const bump = bumpBranchOf(openPull.branch, settings, packages)
    return bump && bump.version !== version ? [{ ...openPull, ...bump }] : []
  })
}

/** The marker of the comment saying that `older`'s bump of a package is superseded by `newer`. */
export function supersededMarker(pkg: string, older: string, newer: string): string {
  return hiddenMarker('bump-superseded', { package: pkg.replace(/[\s>]/g, '_'), older, newer })
}

/** Which of the other bumps the run's version supersedes. */
export function isOlder(bump: OtherBump, version: string): boolean {
  return supersedes(version, bump.version)
}

/** What the run does about each older bump PR. */
export function planSupersede(olders: OlderBump[]): SupersedeTask[] {
  return olders.map((olderBump) => ({
    ...olderBump,
    kind: olderBump.ownership.ours ? 'close' : olderBump.commented ? 'flagged' : 'flag'
  }))
}

/** What replaces a superseded bump PR, as the comment says it. */
export type Replacement =
  | { kind: 'pull'; pull: Pick<PullState, 'number' | 'url'> }
  | { kind: 'waits'; on: string[] }
  | { kind: 'current'; state: string }

export function supersededComment(
  task: SupersedeTask,
  version: string,
  replacement: Replacement,
  upstream: string
): string {
  const head = `Superseded: ${upstream} ${version} has been released, so this bump of \`${task.package}\` to ${task.version} is replaced.`
  const by =
    replacement.kind === 'pull'
      ? `Its replacement is #${replacement.pull.number} (${replacement.pull.url}).`
      : replacement.kind === 'waits'
        ? `Its replacement, the bump to ${version}, opens once ${replacement.on.map((d) => `\`${d}\``).join(', ')} ${replacement.on.length === 1 ? 'is' : 'are'} at ${version} on the default branch.`
        : `\`${task.package}\` is ${replacement.state} on the default branch; no bump to ${version} is needed.`
  const what =
    task.kind === 'close'
      ? `The branch \`${task.branch}\` held only the bump commit, so this pull request is closed and the branch deleted.`
      : `The branch \`${task.branch}\` carries commits that are not the bump's (${task.ownership.ours ? '' : task.ownership.why}), so it is left open: merge what is worth keeping elsewhere, then close it.`
  return [head, '', by, '', what].join('\n')
}
