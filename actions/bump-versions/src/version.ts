import { explain } from '@renovatebot/pep440'
import {
  fillPattern,
  isBranchName,
  patternRegExp,
  Settings,
  UserError
} from '@contribs-actions/shared'
import { LABEL_MAX_LENGTH } from '@contribs-actions/shared/github'

export type VersionSource =
  | { kind: 'version'; version: string; from: string }
  /** The event asks for nothing (a merged PR that is not a bump PR, a PR closed unmerged). */
  | { kind: 'nothing'; reason: string }
  /** A push: the version is the newest one with an open bump PR (read from GitHub). */
  | { kind: 'open-bumps' }

interface EventView {
  eventName: string
  event: Record<string, unknown>
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const obj = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined

/**
 * Where the version comes from: the `version` input when given; else the event.
 * `repository_dispatch` (type `dispatch_type`) carries `client_payload.version`;
 * `workflow_dispatch` carries `inputs.version`; a merged bump PR carries the version label (not
 * the branch name, whose parsing loses suffixes such as `rc1`); a push (the default branch moved)
 * follows the open bump PRs, to keep their branches mergeable. Everything else is a UserError.
 */
export function resolveVersion(
  input: string | undefined,
  ctx: EventView,
  settings: Settings
): VersionSource {
  if (input !== undefined) return { kind: 'version', version: input, from: 'input `version`' }
  const { eventName, event } = ctx
  const hint = 'or give the `version` input'
  if (eventName === 'repository_dispatch') {
    const type = fillPattern(settings.dispatch_type, { upstream: settings.upstream })
    const action = str(event.action)
    if (action !== type)
      throw new UserError(
        `repository_dispatch of type ${JSON.stringify(action ?? '')} is not a release; expected type ${JSON.stringify(type)} (setting dispatch_type) ${hint}`
      )
    const v = obj(event.client_payload)?.version
    if (typeof v !== 'string' || v.trim() === '')
      throw new UserError(
        `repository_dispatch ${JSON.stringify(type)} has no client_payload.version (got ${JSON.stringify(v ?? null)}); send {"version": "X.Y.Z"} ${hint}`
      )
    return { kind: 'version', version: v.trim(), from: 'client_payload.version' }
  }
  if (eventName === 'push') return { kind: 'open-bumps' }
  if (eventName === 'workflow_dispatch') {
    const v = obj(event.inputs)?.version
    if (typeof v !== 'string' || v.trim() === '')
      throw new UserError(
        'workflow_dispatch without a `version` input: declare `on.workflow_dispatch.inputs.version` or pass `version` to the action'
      )
    return { kind: 'version', version: v.trim(), from: 'workflow_dispatch input `version`' }
  }
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const pr = obj(event.pull_request)
    const number = pr?.number
    if (event.action !== 'closed')
      throw new UserError(
        `${eventName} ${JSON.stringify(event.action ?? '')} cannot start a bump; trigger on \`pull_request: types: [closed]\` (a merged bump PR) ${hint}`
      )
    if (!pr)
      throw new UserError(
        `the ${eventName} event payload has no \`pull_request\` object; is GITHUB_EVENT_PATH the event GitHub wrote?`
      )
    if (pr?.merged !== true)
      return { kind: 'nothing', reason: `pull request #${number} was closed without merging` }
    // The bump label, the version captured (`sync-mellea-version:(.+)`).
    const re = patternRegExp(settings.bump_label, { upstream: settings.upstream }, 'version')
    const labels = (Array.isArray(pr.labels) ? pr.labels : [])
      .map((l) => str(obj(l)?.name))
      .filter((n): n is string => n !== undefined)
    const versions = [...new Set(labels.flatMap((l) => (re.exec(l) ? [re.exec(l)![1]] : [])))]
    if (versions.length === 0)
      return {
        kind: 'nothing',
        reason: `merged pull request #${number} is not a bump PR (no ${fillPattern(settings.bump_label, { upstream: settings.upstream, version: '<version>' })} label)`
      }
    if (versions.length > 1)
      throw new UserError(
        `merged pull request #${number} carries several version labels (${versions.join(', ')}); keep one`
      )
    return {
      kind: 'version',
      version: versions[0],
      from: `label of merged pull request #${number}`
    }
  }
  throw new UserError(
    `cannot tell the version from a ${JSON.stringify(eventName || '(none)')} event: use repository_dispatch, workflow_dispatch, pull_request closed or push, ${hint}`
  )
}

/**
 * Checks the version before anything uses it: valid PEP 440, kept exactly as given (`0.8.0rc1`
 * stays `0.8.0rc1`), no local part (`+abc`: never on an index), no leading `v`, and short enough
 * that the version label fits GitHub's 50-character limit.
 */
export function checkVersion(version: string, from: string, settings: Settings): void {
  const shown = JSON.stringify(version)
  const accepted = 'a PEP 440 release such as 0.8.0, 0.8.0rc1, 0.8.0.post1 or 0.9.0.dev2'
  const parsed = /^[A-Za-z0-9.!+_-]+$/.test(version) ? explain(version) : null
  if (!parsed) throw new UserError(`${from}: ${shown} is not ${accepted}`)
  if (parsed.local)
    throw new UserError(
      `${from}: ${shown} has a local version label (+${parsed.local}), which no package index accepts; give ${accepted}`
    )
  if (/^v/i.test(version))
    throw new UserError(`${from}: give the version without the leading v (got ${shown})`)
  const label = fillPattern(settings.bump_label, { upstream: settings.upstream, version })
  if (label.length > LABEL_MAX_LENGTH)
    throw new UserError(
      `${from}: the version label ${JSON.stringify(label)} is ${label.length} characters; GitHub allows at most ${LABEL_MAX_LENGTH} (shorten bump_label in [tool.${settings.table}])`
    )
}

/** The bump branch of a package; a name git would refuse is a UserError up front. */
export function branchName(settings: Settings, version: string, pkg: string): string {
  const name = fillPattern(settings.bump_branch, {
    upstream: settings.upstream,
    version,
    package: pkg
  })
  if (!isBranchName(name) || /\{\w+\}/.test(name))
    throw new UserError(
      `bump branch ${JSON.stringify(name)} (from bump_branch ${JSON.stringify(settings.bump_branch)}) is not a valid branch name`
    )
  return name
}

/**
 * Refuses bump branches git cannot hold together: a ref is a file, so `sync-x-1.0-dspy` and
 * `sync-x-1.0-dspy/sub` (a package inside another, named by its path) cannot both exist, and the
 * second push would fail after the first was written. Checked before anything is written.
 */
export function checkBranchesCoexist(branches: readonly string[], settings: Settings): void {
  const known = new Set(branches)
  for (const branch of branches)
    for (let at = branch.indexOf('/'); at > 0; at = branch.indexOf('/', at + 1)) {
      const outer = branch.slice(0, at)
      if (known.has(outer))
        throw new UserError(
          `bump branches ${JSON.stringify(outer)} and ${JSON.stringify(branch)} cannot both exist in git (a branch cannot also be a folder of branches): a package lies inside another; leave one out of the package globs, or set bump_branch so {package} is followed by a part of its own (such as ${JSON.stringify(`${settings.bump_branch}/bump`)})`
        )
    }
}
