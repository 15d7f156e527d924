/**
 * The state branch, read and written through the API (no checkout, no push credentials).
 *
 * Reading: 404 (no file, no directory, no branch) is a first run. Every other failure (401, 403,
 * 5xx after the client's retries, a dropped connection, a file that is not valid state) stops the
 * action: treating it as "no state" would write an empty state over the real one.
 *
 * Writing is compare-and-swap. Record mode puts one file with its blob sha (409 when another leg
 * wrote it first); aggregate mode makes one commit for every changed package and moves the branch
 * without force (422 when another run moved it first). A lost race re-reads and re-applies.
 */
import type { Base, Octokit } from '@contribs-actions/shared/github'
import {
  apiError,
  commitFiles,
  createBranchOnce,
  isAlreadyExists,
  readBase,
  statusOf,
  writeFileIfUnchanged
} from '@contribs-actions/shared/github'
import { mapLimit, stateFileName, statePath, UserError } from '@contribs-actions/shared'
import {
  CLEAN_SHA,
  emptyState,
  parseState,
  sameState,
  serializeState,
  SmokeState,
  StateFormatError
} from './state.js'

export interface StoreConfig {
  octokit: Octokit
  owner: string
  repo: string
  branch: string
  dir: string
  timeScale: number
  log: (line: string) => void
}

/** Lost compare-and-swap rounds before giving up (parallel legs on one package each win one round). */
export const MAX_ROUNDS = 40

const SCOPE = 'contents: write'

function decode(content: string): string {
  return Buffer.from(content, 'base64').toString('utf8')
}

class StoreBase {
  constructor(protected readonly c: StoreConfig) {}

  /** One package's state file through the contents API (404: no state yet). */
  async read(pkg: string): Promise<{ state: SmokeState; sha?: string }> {
    const { octokit, owner, repo, branch } = this.c
    const path = statePath(this.c.dir, pkg)
    let data: unknown
    try {
      ;({ data } = await octokit.rest.repos.getContent({ owner, repo, path, ref: branch }))
    } catch (e) {
      if (statusOf(e) === 404) return { state: emptyState() }
      throw this.readFailed(this.where(pkg), e)
    }
    const file = data as { type?: string; content?: string; sha?: string }
    if (file.type !== 'file' || typeof file.content !== 'string' || typeof file.sha !== 'string')
      throw new UserError(`the smoke state ${this.where(pkg)} is not a file; nothing was written`)
    return { state: this.parse(decode(file.content), pkg), sha: file.sha }
  }

  async readOne(pkg: string): Promise<SmokeState> {
    return (await this.read(pkg)).state
  }

  protected where(pkg?: string): string {
    const file = pkg ? statePath(this.c.dir, pkg) : this.c.dir
    return `${file} on branch ${this.c.branch}`
  }

  protected parse(text: string, pkg: string): SmokeState {
    try {
      return parseState(text)
    } catch (e) {
      if (!(e instanceof StateFormatError)) throw e
      throw new UserError(
        `the smoke state ${this.where(pkg)} is not valid: ${e.message}. Fix or delete the file on that branch; nothing was written.`,
        { file: statePath(this.c.dir, pkg) }
      )
    }
  }

  protected readFailed(what: string, error: unknown): UserError {
    return apiError(
      `could not read the smoke state (${what}), so nothing was written and the stored state is unchanged`,
      error,
      SCOPE
    )
  }

  /**
   * Creates the state branch from the default branch's head. Sent once (a create): a racing
   * writer's 422 "Reference already exists", or a lost answer after which the branch exists, is fine.
   */
  async createBranch(): Promise<void> {
    const { branch } = this.c
    const base = await this.defaultHead()
    try {
      const made = await this.createStateBranch(base.sha)
      if (made !== 'exists' && !made.adopted)
        this.c.log(`created the state branch ${branch} from ${base.branch}`)
    } catch (e) {
      throw apiError(`could not create the state branch ${branch}`, e, SCOPE)
    }
  }

  /**
   * Creates the state branch at `sha`, sent once (see createOnce): when the answer is lost, the
   * branch is looked up and adopted. Gives the commit the branch points at then (ours, or a
   * racing writer's), or `exists` when GitHub refused the create because the branch was there.
   */
  protected async createStateBranch(
    sha: string
  ): Promise<{ head: string; adopted: boolean } | 'exists'> {
    try {
      const made = await createBranchOnce(this.c, this.c.branch, sha)
      return { head: made.sha, adopted: made.adopted }
    } catch (e) {
      if (isAlreadyExists(e)) return 'exists'
      throw e
    }
  }

  protected async defaultHead(): Promise<Base> {
    try {
      return await readBase(this.c)
    } catch (e) {
      throw apiError(
        'could not read the default branch (to create the state branch from)',
        e,
        SCOPE
      )
    }
  }
}

/** The package states as written (or as read, when nothing had to change). */
export interface Updated {
  states: Map<string, SmokeState>
  /** A write landed (none in a dry run or when nothing changed). */
  wrote: boolean
  /** Lost compare-and-swap rounds, re-read and re-applied. */
  conflicts: number
}

/** The new state of every package given, from their states as read; re-run after a lost race. */
export type Apply = (states: Map<string, SmokeState>) => Map<string, SmokeState>

/** Names the packages a write changes, for its commit message. */
export type Message = (changed: string[]) => string

export interface StateStore {
  /** One package's state as stored right now (the lease fence reads it before each create). */
  readOne(pkg: string): Promise<SmokeState>
  /**
   * Read, apply, write until the write lands (compare-and-swap; a lost race re-reads and
   * re-applies). No write when nothing changed, none at all in a dry run.
   */
  update(pkgs: string[], apply: Apply, message: Message, dryRun?: boolean): Promise<Updated>
}

function changedOnes(
  pkgs: string[],
  before: Map<string, SmokeState>,
  after: Map<string, SmokeState>
): Map<string, SmokeState> {
  const changes = new Map<string, SmokeState>()
  for (const pkg of pkgs) {
    const next = after.get(pkg)!
    if (!sameState(next, before.get(pkg)!)) changes.set(pkg, next)
  }
  return changes
}

function gaveUp(where: string): UserError {
  return new UserError(
    `gave up writing ${where} after ${MAX_ROUNDS} conflicting writes; the next run counts this one again`
  )
}

/** Record mode: one file per package, each write a compare-and-swap on the file's blob sha. */
export class FileStore extends StoreBase implements StateStore {
  /** 'conflict' when another writer got there first (stale sha, or the file appeared meanwhile). */
  async write(
    pkg: string,
    state: SmokeState,
    sha: string | undefined,
    message: string
  ): Promise<'ok' | 'conflict'> {
    const file = {
      branch: this.c.branch,
      path: statePath(this.c.dir, pkg),
      text: serializeState(state),
      message,
      sha
    }
    try {
      // A racing leg may have written the file since our read: a conflict, read again.
      return await writeFileIfUnchanged(this.c, file, () => this.createBranch())
    } catch (e) {
      // createBranch says what failed in its own words.
      if (e instanceof UserError) throw e
      throw apiError(`could not write the smoke state ${this.where(pkg)}`, e, SCOPE)
    }
  }

  async update(pkgs: string[], apply: Apply, message: Message, dryRun = false): Promise<Updated> {
    const [pkg] = pkgs
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const { state, sha } = await this.read(pkg)
      const before = new Map([[pkg, state]])
      const after = apply(before)
      const changes = changedOnes(pkgs, before, after)
      if (!changes.size || dryRun) return { states: after, wrote: false, conflicts: round }
      if ((await this.write(pkg, after.get(pkg)!, sha, message([pkg]))) === 'ok')
        return { states: after, wrote: true, conflicts: round }
      await backoff(round, this.c.timeScale)
    }
    throw gaveUp(this.where(pkg))
  }
}

export interface Snapshot {
  /** Head commit and tree of the state branch; undefined when the branch does not exist yet. */
  head?: { sha: string; tree: string }
  states: Map<string, SmokeState>
  /** How many state files had to be fetched (the rest were absent or known clean). */
  fetched: number
}

/** Aggregate mode: every package read at one commit, every change written in one commit. */
export class TreeStore extends StoreBase implements StateStore {
  /** State files fetched by the first snapshot (for the log). */
  firstFetched?: number

  async snapshot(packages: string[]): Promise<Snapshot> {
    const { octokit, owner, repo, branch } = this.c
    let head: Snapshot['head']
    try {
      const { data } = await octokit.rest.repos.getBranch({ owner, repo, branch })
      head = { sha: data.commit.sha, tree: data.commit.commit.tree.sha }
    } catch (e) {
      if (statusOf(e) !== 404) throw this.readFailed(`branch ${branch}`, e)
    }
    const blobs = head ? await this.listBlobs(head.sha) : new Map<string, string>()
    const states = new Map<string, SmokeState>()
    const toFetch: string[] = []
    for (const pkg of packages) {
      const sha = blobs.get(stateFileName(pkg))
      if (sha === undefined || sha === CLEAN_SHA) states.set(pkg, emptyState())
      else toFetch.push(pkg)
    }
    await mapLimit(toFetch, 8, async (pkg) => {
      let content: string
      try {
        const { data } = await octokit.rest.git.getBlob({
          owner,
          repo,
          file_sha: blobs.get(stateFileName(pkg))!
        })
        content = data.content
      } catch (e) {
        throw this.readFailed(this.where(pkg), e)
      }
      states.set(pkg, this.parse(decode(content), pkg))
    })
    return { head, states, fetched: toFetch.length }
  }

  /** One listing gives every state file's blob id; clean files are recognised without a fetch. */
  private async listBlobs(ref: string): Promise<Map<string, string>> {
    const { octokit, owner, repo, dir } = this.c
    const blobs = new Map<string, string>()
    try {
      const { data } = await octokit.rest.repos.getContent({ owner, repo, path: dir, ref })
      if (!Array.isArray(data))
        throw new UserError(
          `the state directory ${this.where()} is a file, not a folder; nothing was written`
        )
      for (const e of data) if (e.type === 'file') blobs.set(e.name, e.sha)
    } catch (e) {
      if (e instanceof UserError) throw e
      if (statusOf(e) !== 404) throw this.readFailed(this.where(), e)
    }
    return blobs
  }

  async update(pkgs: string[], apply: Apply, message: Message, dryRun = false): Promise<Updated> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const snap = await this.snapshot(pkgs)
      this.firstFetched ??= snap.fetched
      const after = apply(snap.states)
      const changes = changedOnes(pkgs, snap.states, after)
      if (!changes.size || dryRun) return { states: after, wrote: false, conflicts: round }
      if ((await this.commit(snap, changes, message([...changes.keys()]))) === 'ok')
        return { states: after, wrote: true, conflicts: round }
      await backoff(round, this.c.timeScale)
    }
    throw gaveUp(`the smoke state on ${this.c.branch}`)
  }

  /** One commit with every changed file; 'conflict' when the branch moved since the snapshot. */
  async commit(
    snap: Snapshot,
    changes: Map<string, SmokeState>,
    message: string
  ): Promise<'ok' | 'conflict'> {
    const { octokit, owner, repo, branch } = this.c
    const base = snap.head ?? (await this.defaultHead())
    try {
      const files = [...changes.entries()].map(([pkg, s]) => ({
        path: statePath(this.c.dir, pkg),
        mode: '100644',
        text: serializeState(s)
      }))
      const commit = await commitFiles(this.c, base, files, message)
      if (snap.head) {
        await octokit.rest.git.updateRef({
          owner,
          repo,
          ref: `heads/${branch}`,
          sha: commit,
          force: false
        })
        return 'ok'
      }
      return await this.createBranchAt(commit)
    } catch (e) {
      // Not a fast forward (PATCH): another writer won.
      if (statusOf(e) === 422 && /fast.forward|update failed/i.test((e as Error).message))
        return 'conflict'
      if (statusOf(e) === 409) return 'conflict'
      throw apiError(`could not commit the smoke state to ${branch}`, e, SCOPE)
    }
  }

  /**
   * The first commit creates the branch. Sent once (a create); when its answer is lost, or the
   * branch exists already, the branch says whether our commit landed or another writer's did.
   */
  private async createBranchAt(sha: string): Promise<'ok' | 'conflict'> {
    const made = await this.createStateBranch(sha)
    if (made === 'exists' || made.head !== sha) return 'conflict'
    this.c.log(`created the state branch ${this.c.branch}`)
    return 'ok'
  }
}

/** Waits before retrying a lost compare-and-swap: exponential, capped, with jitter so racing legs spread out. */
async function backoff(attempt: number, timeScale: number): Promise<void> {
  const ms = Math.min(5000, 200 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random()) * timeScale
  await new Promise((ok) => setTimeout(ok, ms))
}
