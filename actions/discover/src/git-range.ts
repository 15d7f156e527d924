import { git, GitError, gitOk, GitResult, UserError } from '@contribs-actions/shared'
import type { RangePlan, RunAllVerdict } from './event-plan.js'

export type Range =
  | {
      kind: 'diff'
      base: string
      head: string
      /** How the base was found, in words (deepening included). */
      how: string
    }
  | { kind: 'all'; verdict: RunAllVerdict }

/** `git fetch --deepen` steps for a shallow clone, then `--unshallow`. */
const DEEPEN_STEPS = [50, 200, 1000, 5000]

const short = (sha: string) => sha.slice(0, 7)

class Repo {
  private remoteName: string | null | undefined
  constructor(readonly cwd: string) {}

  async commit(rev: string): Promise<string | undefined> {
    const r = await git(this.cwd, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])
    return r.code === 0 ? r.stdout.trim() : undefined
  }

  async shallow(): Promise<boolean> {
    return (await gitOk(this.cwd, ['rev-parse', '--is-shallow-repository'])).trim() === 'true'
  }

  async remote(): Promise<string | null> {
    if (this.remoteName === undefined) {
      const names = (await gitOk(this.cwd, ['remote'])).split('\n').filter(Boolean)
      this.remoteName = names.includes('origin') ? 'origin' : (names[0] ?? null)
    }
    return this.remoteName
  }

  /** `git fetch`; returns git's complaint on failure (no network, no credentials, unknown ref). */
  async fetch(args: string[]): Promise<string | undefined> {
    const remote = await this.remote()
    if (!remote) return 'the clone has no remote to fetch from'
    const r = await git(this.cwd, [
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-write-fetch-head',
      remote,
      ...args
    ])
    return r.code === 0 ? undefined : r.stderr.trim().split('\n').slice(-1)[0] || `exit ${r.code}`
  }

  /** Fetches one revision (sha or ref name) and returns its sha. */
  async fetchRev(rev: string, depth?: number): Promise<string | undefined> {
    const remote = await this.remote()
    if (!remote) return undefined
    const r = await git(this.cwd, [
      'fetch',
      '--quiet',
      '--no-tags',
      ...(depth ? [`--depth=${depth}`] : []),
      remote,
      rev
    ])
    if (r.code !== 0) return undefined
    return this.commit('FETCH_HEAD')
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const r = await git(this.cwd, ['merge-base', a, b])
    if (r.code === 0) return r.stdout.trim()
    if (r.code === 1) return undefined
    throw new GitError(['merge-base', a, b], r)
  }
}

/** A local revision, or the remote-tracking branch of that name (`main` -> `origin/main`). */
async function resolveLocal(repo: Repo, rev: string): Promise<string | undefined> {
  const sha = await repo.commit(rev)
  if (sha || /^[0-9a-f]{7,64}$/.test(rev)) return sha
  const remote = await repo.remote()
  return remote ? repo.commit(`refs/remotes/${remote}/${rev}`) : undefined
}

/** The head commit (fetched when missing), and the base commit when it is already in the clone. */
async function locate(
  repo: Repo,
  plan: RangePlan
): Promise<{ head: string; base?: string } | Range> {
  const base = plan.base!
  const top = await git(repo.cwd, ['rev-parse', '--show-toplevel'])
  if (top.code !== 0)
    throw new UserError(
      `${repo.cwd} is not a git repository: discover compares commits, so check the repository out with git (actions/checkout) first`
    )
  let head = await resolveLocal(repo, plan.head.rev)
  for (const ref of plan.head.fetch) {
    if (head) break
    head = await repo.fetchRev(ref, 1)
  }
  if (!head) {
    if (plan.head.rev === 'HEAD') throw new UserError(`${repo.cwd} has no commits to compare`)
    return {
      kind: 'all',
      verdict: {
        code: 'head-not-found',
        detail: `the head commit ${plan.head.rev} is not in the clone and could not be fetched`
      }
    }
  }
  return { head, base: await resolveLocal(repo, base.rev) }
}

/**
 * Turns the plan into two commits, fetching what a shallow clone lacks: the head (for
 * pull_request_target), the base commit itself, and enough history for the merge-base. Deepens
 * in steps and finally unshallows; when the base still cannot be found, or a push's previous tip
 * is not an ancestor of the head (a force push), everything runs and the verdict says why.
 */
export async function resolveRange(cwd: string, plan: RangePlan): Promise<Range> {
  if (plan.runAll) return { kind: 'all', verdict: plan.runAll }
  const repo = new Repo(cwd)
  const base = plan.base!
  const located = await locate(repo, plan)
  if ('kind' in located) return located
  const head = located.head
  let baseSha = located.base
  let forcePush = false
  const attempt = async (): Promise<string | undefined> => {
    if (!baseSha) return undefined
    if (base.mode === 'direct') return baseSha
    const mb = await repo.mergeBase(baseSha, head)
    if (base.mode === 'merge-base') return mb
    forcePush = mb !== baseSha
    return mb === baseSha ? baseSha : undefined
  }

  let found = await attempt()
  let deepened = 0
  let fetchError: string | undefined
  if (!found) {
    if (!baseSha)
      baseSha = await repo.fetchRev(base.rev, (await repo.shallow()) ? DEEPEN_STEPS[0] : undefined)
    found = await attempt()
  }
  for (const step of DEEPEN_STEPS) {
    if (found || fetchError || !(await repo.shallow())) break
    deepened += step
    fetchError = await repo.fetch([`--deepen=${step}`, head, ...(baseSha ? [baseSha] : [])])
    if (!baseSha) baseSha = await repo.fetchRev(base.rev, deepened)
    found = await attempt()
  }
  if (!found && !fetchError && (await repo.shallow())) {
    fetchError = await repo.fetch(['--unshallow', head, ...(baseSha ? [baseSha] : [])])
    if (!baseSha) baseSha = await repo.fetchRev(base.rev)
    deepened = Infinity
    found = await attempt()
  }

  const how =
    deepened === 0
      ? base.label
      : `${base.label} (the shallow clone was ${deepened === Infinity ? 'unshallowed' : `deepened by ${deepened} commits`} to find it)`
  if (found) return { kind: 'diff', base: found, head, how }

  const why = fetchError ? ` (fetching failed: ${fetchError})` : ''
  if (base.mode === 'ancestor') {
    return {
      kind: 'all',
      verdict: {
        code: 'force-push',
        detail:
          baseSha && forcePush
            ? `the previous tip ${short(baseSha)} is not an ancestor of the head ${short(head)} (force push)`
            : `the previous tip ${base.rev} is not in the repository's history (force push)${why}`
      }
    }
  }
  return {
    kind: 'all',
    verdict: {
      code: 'base-not-found',
      detail: !baseSha
        ? `the base commit ${base.rev} could not be found or fetched${why}`
        : `no common history between ${short(baseSha)} and the head ${short(head)}${why}`
    }
  }
}

/** One changed path from `git diff --name-status -z`. */
export interface Change {
  status: string
  path: string
  /** The old path of a rename or copy. */
  from?: string
}

/** Parses `git diff --name-status -z` output in one pass. */
export function parseNameStatus(output: string): Change[] {
  const tokens = output.split('\0')
  const out: Change[] = []
  for (let i = 0; i + 1 < tokens.length;) {
    const status = tokens[i]
    if (status === '') {
      i++
      continue
    }
    const kind = status[0]
    if (kind === 'R' || kind === 'C') {
      out.push({ status: kind, from: tokens[i + 1], path: tokens[i + 2] })
      i += 3
    } else {
      out.push({ status: kind, path: tokens[i + 1] })
      i += 2
    }
  }
  return out
}

/**
 * The files that differ between two commits, relative to `cwd` (a subfolder of the work tree
 * sees only its own files). Renames are detected so both paths can be counted.
 */
export async function changedFiles(cwd: string, base: string, head: string): Promise<Change[]> {
  const out = await gitOk(cwd, [...DIFF_ARGS, base, head, '--'])
  return parseNameStatus(out)
}

/** A file's text at a commit (`git show rev:./path`), or undefined when it is not there. */
export async function showFile(cwd: string, rev: string, rel: string): Promise<string | undefined> {
  const r = await git(cwd, ['show', `${rev}:./${rel}`])
  return r.code === 0 ? r.stdout : undefined
}

/** A full commit id: 40 hex digits (SHA-1) or 64 (SHA-256). */
const FULL_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i

const DIFF_ARGS = [
  '-c',
  'core.quotePath=false',
  'diff',
  '--name-status',
  '-z',
  '-M',
  '--no-ext-diff',
  '--no-textconv',
  '--relative'
]

/**
 * The range and its changed files. The common case, both commits in the clone, runs the commit
 * look-up (with the merge-base) and the diff (`base...head` for a merge-base) side by side as
 * soon as the event is known; when any of them fails (or git cannot start), the careful path (fetch,
 * deepen) decides and reports the problem in its own words.
 */
export async function rangeAndChanges(
  cwd: string,
  plan: RangePlan
): Promise<{ range: Range; changes?: Change[] }> {
  if (plan.runAll) return { range: { kind: 'all', verdict: plan.runAll } }
  const base = plan.base!
  const head = plan.head.rev
  const tryGit = (args: string[]): Promise<GitResult> =>
    git(cwd, args).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }))
  const withMergeBase = base.mode !== 'direct'
  // Two full commit ids to diff directly (the merge queue, the inputs) need no look-up: the diff
  // peels them to commits and fails where the look-up would.
  const given = !withMergeBase && FULL_ID.test(head) && FULL_ID.test(base.rev)
  const [ids, diff] = await Promise.all([
    // `base...head` makes rev-parse print both commits and `^<merge-base>` after them: the
    // merge-base without a process of its own.
    given
      ? undefined
      : tryGit([
          'rev-parse',
          '--show-toplevel',
          `${head}^{commit}`,
          `${base.rev}^{commit}`,
          ...(withMergeBase ? [`${base.rev}^{commit}...${head}^{commit}`] : [])
        ]),
    tryGit([
      ...DIFF_ARGS,
      ...(base.mode === 'merge-base'
        ? [`${base.rev}...${head}`]
        : [`${base.rev}^{commit}`, `${head}^{commit}`]),
      '--'
    ])
  ])
  const found =
    diff.code !== 0
      ? undefined
      : ids === undefined
        ? { head: head.toLowerCase(), base: base.rev.toLowerCase() }
        : ids.code === 0
          ? commitIds(ids.stdout, withMergeBase)
          : undefined
  // A push whose previous tip is not an ancestor is not diffed here (force push, or shallow).
  if (found && (base.mode !== 'ancestor' || found.mergeBase === found.base)) {
    return {
      range: {
        kind: 'diff',
        base: found.mergeBase ?? found.base,
        head: found.head,
        how: base.label
      },
      changes: parseNameStatus(diff.stdout)
    }
  }
  const range = await resolveRange(cwd, plan)
  return {
    range,
    changes: range.kind === 'diff' ? await changedFiles(cwd, range.base, range.head) : undefined
  }
}

/**
 * The commits in `git rev-parse --show-toplevel H B [B...H]` output, read from the end (the
 * top-level path may itself hold a line break). With the range, rev-parse ends with H, B and one
 * `^<merge-base>` line per merge base: the first is the one `git merge-base` prints and
 * `git diff B...H` uses. None at all (unrelated histories) is undefined, as `git merge-base`
 * failing was.
 */
export function commitIds(
  stdout: string,
  withMergeBase: boolean
): { head: string; base: string; mergeBase?: string } | undefined {
  const lines = stdout.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  if (!withMergeBase) return { head: lines[lines.length - 2], base: lines[lines.length - 1] }
  let end = lines.length
  while (end > 0 && lines[end - 1].startsWith('^')) end--
  if (end === lines.length || end < 5) return undefined
  return { head: lines[end - 4], base: lines[end - 3], mergeBase: lines[end].slice(1) }
}
