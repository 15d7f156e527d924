/**
 * The shared lease (state-lease.ts) kept in a file of its own on a state branch: for an action
 * whose runs do the same whole-repository work (archival-sweep), so that of overlapping runs one
 * writes and the others leave the work to it. The file holds `{"lease": {run, token, at}}` and is
 * written with compare-and-swap on its blob sha (the contents API refuses a stale sha), so two
 * runs can never both take it. The branch is created from the default branch when missing.
 */
import { UserError } from '../errors.js'
import { statusOf } from './api-error.js'
import type { Connection } from './connect.js'
import { createBranchOnce, readBase, writeFileIfUnchanged } from './git-data.js'
import {
  Holder,
  Lease,
  LeaseAccess,
  leaseCheck,
  leaseFor,
  LeasePolicy,
  leaseStatus,
  parseLease
} from './state-lease.js'

export interface LeaseFile {
  branch: string
  path: string
  /** What the lease guards, for messages: "the archival sweep". */
  what: string
}

export type TakeResult =
  | { taken: true }
  /** Another live holder has it: leave the work to it. */
  | { taken: false; lease: Lease; remainingMs: number }

/** How many compare-and-swap rounds a take or release tries before it gives up. */
const ROUNDS = 8

export class FileLease {
  constructor(
    private readonly conn: Connection,
    private readonly at: LeaseFile,
    private readonly me: Holder,
    private readonly policy: LeasePolicy
  ) {}

  /** The stored lease and the file's blob sha (none when there is no file or no branch). */
  async read(): Promise<{ lease?: Lease; sha?: string }> {
    const { octokit, owner, repo } = this.conn
    try {
      const { data } = await octokit.rest.repos.getContent({
        owner,
        repo,
        path: this.at.path,
        ref: this.at.branch
      })
      if (Array.isArray(data) || data.type !== 'file' || typeof data.content !== 'string')
        throw new UserError(`${this.where()} is not a file; remove it from that branch`)
      let parsed: unknown
      try {
        parsed = JSON.parse(Buffer.from(data.content, 'base64').toString('utf8'))
      } catch {
        parsed = undefined
      }
      return {
        lease: parseLease((parsed as { lease?: unknown } | undefined)?.lease),
        sha: data.sha
      }
    } catch (e) {
      if (statusOf(e) === 404) return {}
      throw e
    }
  }

  /**
   * Takes the lease when it is free, expired, ours or an earlier attempt's of this run, and the
   * file is still as `seen` (its sha): a run that read the file before reading GitHub's state
   * takes the lease only when no other run wrote it since, so its picture of that state is
   * still the latest one. `changed`: another run took or released it meanwhile; read again.
   */
  async takeAt(seen: { lease?: Lease; sha?: string }): Promise<TakeResult | { changed: true }> {
    const status = leaseStatus(seen.lease, this.me, this.conn.clock.now(), this.policy)
    if (status.kind === 'held')
      return { taken: false, lease: status.lease, remainingMs: status.remainingMs }
    if (await this.write({ lease: leaseFor(this.me, this.conn.clock.now()) }, seen.sha))
      return { taken: true }
    return { changed: true }
  }

  /** Takes the lease when it is free, expired, ours or an earlier attempt's of this run. */
  async take(): Promise<TakeResult> {
    for (let round = 0; round < ROUNDS; round++) {
      const took = await this.takeAt(await this.read())
      if ('taken' in took) return took
    }
    throw new UserError(
      `could not take the lease of ${this.at.what} (${this.where()}): it changed under every try; nothing was written`
    )
  }

  /** Releases the lease when it is still ours; a lease someone else took is left to them. */
  async release(): Promise<void> {
    for (let round = 0; round < ROUNDS; round++) {
      const { lease, sha } = await this.read()
      if (leaseStatus(lease, this.me, this.conn.clock.now(), this.policy).kind !== 'mine') return
      if (await this.write({}, sha)) return
    }
  }

  /** The check to run before each write: the lease is still ours, renewed when it runs low. */
  check(): () => Promise<void> {
    const access: LeaseAccess = {
      what: this.at.what,
      read: async () => (await this.read()).lease,
      now: () => this.conn.clock.now(),
      renew: async () => {
        const { lease, sha } = await this.read()
        const status = leaseStatus(lease, this.me, this.conn.clock.now(), this.policy)
        if (status.kind !== 'mine') return false
        return this.write({ lease: leaseFor(this.me, this.conn.clock.now()) }, sha)
      }
    }
    return leaseCheck(access, this.me, this.policy)
  }

  private where(): string {
    return `${this.at.path} on branch ${this.at.branch}`
  }

  /** One compare-and-swap write; false when another writer got there first. */
  private async write(doc: { lease?: Lease }, sha: string | undefined): Promise<boolean> {
    const file = {
      branch: this.at.branch,
      path: this.at.path,
      text: `${JSON.stringify(doc, null, 2)}\n`,
      message: `${this.at.what}: ${doc.lease ? `lease taken by run ${doc.lease.run}` : 'lease released'}`,
      sha
    }
    const makeBranch = async () => {
      const base = await readBase(this.conn)
      await createBranchOnce(this.conn, this.at.branch, base.sha).catch((made: unknown) => {
        // A racing run made the branch first: that is all we wanted.
        if (statusOf(made) !== 422) throw made
      })
    }
    return (await writeFileIfUnchanged(this.conn, file, makeBranch)) === 'ok'
  }
}
