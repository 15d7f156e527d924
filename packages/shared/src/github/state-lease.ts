/**
 * A lease on a piece of bot state, so that of several runs working at once (parallel matrix legs,
 * an aggregate run overlapping record legs, a manual run beside the schedule) exactly one acts on
 * GitHub for that state at a time.
 *
 * The protocol. The lease is a small record (`{run, token, at}`) kept inside a document that is
 * written with compare-and-swap (a state file written with its blob sha, or a commit that moves
 * its branch without force), so two runs can never both take it:
 *
 * 1. A run records the work it wants done in the document and, in the same compare-and-swap
 *    write, takes the lease when it is free, expired, its own, or held by an earlier attempt of
 *    the same run (GitHub starts a re-run only after the earlier attempt ended). Otherwise it
 *    leaves its work in the document for the holder.
 * 2. Only the holder acts on GitHub. Every request with an effect that must not happen twice (a
 *    create) goes through a fence (`fencedRequest`): right before each attempt, retries and
 *    rate-limit retries included, the fence re-reads the lease and sends only while the lease is
 *    still this holder's. A lease with less than `renewBelowMs` left is renewed first (another
 *    compare-and-swap write); a lease found taken over stops the holder before it sends.
 * 3. After acting, the holder removes the finished work from the document, renews the lease when
 *    work remains (someone may have added some meanwhile) and releases it when none does, again
 *    in one compare-and-swap write. A holder that fails releases the lease and leaves the
 *    unfinished work in the document; the next run completes it.
 *
 * Guarantees. At most one holder sends fenced requests at any time, measured on GitHub's clock:
 * a lease is taken over only `ttlMs` after its last renewal, and its holder stopped sending when
 * less than `renewBelowMs` was left, so between a holder's last request and a takeover there are
 * at least `renewBelowMs` (minutes) for that request to arrive. This does not depend on how long
 * the client waits between attempts (rate limits can ask for an hour): every attempt passes the
 * fence. Work recorded in the document is never lost: a failed or dead holder leaves it there,
 * and the next holder (at the latest `ttlMs` later, at once for a re-run) carries it out. A
 * holder cannot tell whether its last create reached GitHub before it died, so work taken over
 * from another holder must be looked up before it is created again (see createOnce).
 */
import { randomBytes } from 'node:crypto'
import { UserError } from '../errors.js'
import type { Octokit } from './client.js'
import { HttpAnswer, httpFetch, type HttpFetch } from './http-fetch.js'

export interface Lease {
  /** `run_id/attempt` of the run holding it. */
  run: string
  /** Random per process: two legs of one run and attempt are different holders. */
  token: string
  /** When it was taken or last renewed: GitHub's clock, ISO 8601. */
  at: string
}

export interface Holder {
  runId: number
  attempt: number
  token: string
}

export interface LeasePolicy {
  /** A lease not renewed for this long (GitHub's clock) belongs to a holder that died. */
  ttlMs: number
  /** The holder renews before a fenced request when less than this is left. */
  renewBelowMs: number
}

/** 15 minutes, renewed with less than 10 left: a holder sends only with 10 minutes in hand. */
export const DEFAULT_LEASE_POLICY: LeasePolicy = { ttlMs: 15 * 60_000, renewBelowMs: 10 * 60_000 }

export function newHolder(runId: number, attempt: number): Holder {
  return { runId, attempt, token: randomBytes(4).toString('hex') }
}

export function holderRun(holder: Holder): string {
  return `${holder.runId}/${holder.attempt}`
}

export type LeaseStatus =
  | { kind: 'free' }
  | { kind: 'mine'; remainingMs: number }
  /** Held by another live holder: leave the work to it. */
  | { kind: 'held'; lease: Lease; remainingMs: number }
  /** Held by a holder that is gone: may be taken over. */
  | { kind: 'stale'; lease: Lease; why: string }

const RUN = /^(\d+)\/(\d+)$/

/** Where a stored lease stands for `me` at `nowMs` (GitHub's clock). */
export function leaseStatus(
  lease: Lease | undefined,
  me: Holder,
  nowMs: number,
  policy: LeasePolicy
): LeaseStatus {
  if (!lease) return { kind: 'free' }
  const remainingMs = Date.parse(lease.at) + policy.ttlMs - nowMs
  const mine = lease.token === me.token && lease.run === holderRun(me)
  // Still ours even when expired: nobody took it, so renewing it is safe.
  if (mine) return { kind: 'mine', remainingMs }
  if (!Number.isFinite(remainingMs) || remainingMs <= 0)
    return { kind: 'stale', lease, why: `not renewed since ${lease.at}` }
  const m = RUN.exec(lease.run)
  if (m && Number(m[1]) === me.runId && Number(m[2]) < me.attempt)
    return { kind: 'stale', lease, why: `attempt ${m[2]} of this run has ended` }
  return { kind: 'held', lease, remainingMs }
}

/** A fresh lease for `me` at `nowMs`: taking, and renewing, write this. */
export function leaseFor(me: Holder, nowMs: number): Lease {
  return { run: holderRun(me), token: me.token, at: new Date(nowMs).toISOString() }
}

/** Whether `me` may take (or keep) the lease: it is free, stale or already mine. */
export function mayHold(status: LeaseStatus): boolean {
  return status.kind !== 'held'
}

/** Reads a lease out of a parsed document; undefined for anything that is not one. */
export function parseLease(value: unknown): Lease | undefined {
  const v = value as Partial<Lease> | null | undefined
  if (!v || typeof v !== 'object') return undefined
  if (typeof v.run !== 'string' || typeof v.token !== 'string' || typeof v.at !== 'string')
    return undefined
  if (!Number.isFinite(Date.parse(v.at))) return undefined
  return { run: v.run, token: v.token, at: v.at }
}

/** The holder no longer has the lease (taken over after it expired), so it must not act. */
export class LeaseLostError extends UserError {
  constructor(
    readonly what: string,
    readonly by?: Lease
  ) {
    super(
      by
        ? `${what}: the lease passed to run ${by.run} (taken ${by.at}) while this run waited; that run carries out the pending work`
        : `${what}: the lease was taken over while this run waited (and is free again); the pending work is done or left to the next run`
    )
    this.name = 'LeaseLostError'
  }
}

/** How a fence reads and renews the lease it guards. */
export interface LeaseAccess {
  /** What the lease guards, for messages: "dspy's smoke state". */
  what: string
  /** The lease as stored right now. */
  read(): Promise<Lease | undefined>
  /** GitHub's clock (valid right after `read`, which saw a response). */
  now(): number
  /** Renews the lease with compare-and-swap; false when it is no longer `me`'s. */
  renew(): Promise<boolean>
}

/**
 * The check a fence runs before each attempt of a guarded request: the lease is still `me`'s,
 * renewed when it runs low. Throws LeaseLostError when it is not; any other error (the lease
 * could not be read) also stops the request.
 */
export function leaseCheck(access: LeaseAccess, me: Holder, policy: LeasePolicy) {
  return async (): Promise<void> => {
    const lease = await access.read()
    const status = leaseStatus(lease, me, access.now(), policy)
    if (status.kind !== 'mine') throw new LeaseLostError(access.what, lease)
    if (status.remainingMs >= policy.renewBelowMs) return
    if (!(await access.renew())) throw new LeaseLostError(access.what, await access.read())
  }
}

/** The header a refused request's answer carries, so it can never be taken for GitHub's. */
export const FENCE_HEADER = 'x-contribs-actions-fence'

/**
 * Per-request options that pass every attempt of one request (retries and rate-limit retries
 * included) through `check` first. When the check throws, the request is not sent and octokit
 * sees a 412 (Precondition Failed) naming the reason: not a 5xx, so nothing retries or
 * "looks it up and adopts it"; the error itself is kept in `refusal`.
 *
 *     const fence = fencedRequest(octokit, leaseCheck(access, me, policy))
 *     await octokit.rest.issues.create({ ...params, request: fence.request })
 */
export function fencedRequest(
  octokit: Octokit,
  check: () => Promise<void>
): {
  request: { fetch: HttpFetch }
  refusal: () => unknown
  /** Runs `call`; when the fence refused a request of it, throws the check's own error instead. */
  unlessRefused: <T>(call: () => Promise<T>) => Promise<T>
} {
  const defaults = octokit.request.endpoint.DEFAULTS.request as { fetch?: HttpFetch }
  const send = defaults?.fetch ?? httpFetch
  let refused: unknown
  const guarded: HttpFetch = async (input, init) => {
    try {
      await check()
    } catch (e) {
      refused = e
      const message = e instanceof Error ? e.message : String(e)
      return HttpAnswer.of(
        412,
        'Precondition Failed',
        { 'content-type': 'application/json', [FENCE_HEADER]: 'refused' },
        JSON.stringify({ message: `not sent: ${message}` })
      )
    }
    return send(input, init)
  }
  const unlessRefused = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call()
    } catch (e) {
      throw refused ?? e
    }
  }
  return { request: { fetch: guarded }, refusal: () => refused, unlessRefused }
}
