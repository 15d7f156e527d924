import { closeSync, openSync, readFileSync, unlinkSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gitExecutable } from './git-path.js'

export interface GitResult {
  code: number
  stdout: string
  stderr: string
  /** stdout as git wrote it, when asked for with `bytes: true` (blobs that must be decoded strictly). */
  stdoutBytes?: Buffer
}

/**
 * Runs git with an argument list (never a shell string) in `cwd` and collects what it prints;
 * nothing is echoed to the log. A non-zero exit is a result, not an error; git that cannot start
 * (not installed, no such folder) rejects. git starts before this returns, so a caller may do
 * long synchronous work while git runs on the other core.
 *
 * Spawned through child_process rather than @actions/exec: exec stats PATH and the working folder
 * before each spawn, rescans the whole output for line breaks on every chunk (~15 ms of the main
 * thread on a 10,000-file diff), and its modules (with @actions/io, assert, events, timers)
 * cost every start of discover ~5 ms to load.
 *
 * git writes into two new temporary files, read once it exits and then removed, rather than
 * into pipes: a pipe is a socket in this process, and creating the first one loads the stream
 * and net machinery while tearing it down initialises process.stderr (discover's start on a
 * 10-package repository: 1-4 ms less in three runs of 61-101 rounds against `node -e 0`, where
 * the machine's noise is ±5 ms). child_process itself (~4 ms) is loaded only when git runs.
 * Where the files cannot be made (RUNNER_TEMP missing or read-only) git answers through pipes
 * as before: a few milliseconds are not worth a failed run. Files a killed process leaves behind
 * go with RUNNER_TEMP, which the runner empties for every job.
 */
export function git(
  cwd: string,
  args: string[],
  options: { env?: Record<string, string>; bytes?: boolean } = {}
): Promise<GitResult> {
  const files = outputFiles()
  const { spawn } = process.getBuiltinModule('node:child_process')
  return new Promise((resolve, reject) => {
    // A spawn that fails emits 'error' and then 'close': the first answer counts.
    let settled = false
    const settle = (answer: () => GitResult | Error) => {
      if (settled) return
      settled = true
      let result: GitResult | Error
      try {
        result = answer()
      } catch (e) {
        result = e as Error
      } finally {
        if (files) {
          unlinkSync(files.out)
          unlinkSync(files.err)
        }
      }
      if (result instanceof Error) reject(result)
      else resolve(result)
    }
    let child: ReturnType<typeof spawn>
    try {
      child = spawn(gitExecutable(), args, {
        cwd,
        stdio: ['ignore', files?.outFd ?? 'pipe', files?.errFd ?? 'pipe'],
        env: options.env ? { ...process.env, ...options.env } : undefined
      })
    } catch (e) {
      return settle(() => e as Error)
    } finally {
      if (files) {
        closeSync(files.outFd)
        closeSync(files.errFd)
      }
    }
    const piped: { out: Buffer[]; err: Buffer[] } = { out: [], err: [] }
    child.stdout?.on('data', (d: Buffer) => piped.out.push(d))
    child.stderr?.on('data', (d: Buffer) => piped.err.push(d))
    child.on('error', (e) => settle(() => new Error(`git could not start in ${cwd}: ${e.message}`)))
    child.on('close', (code, signal) =>
      settle(() => {
        const out = files ? readFileSync(files.out) : Buffer.concat(piped.out)
        const stderr = files ? readFileSync(files.err, 'utf8') : Buffer.concat(piped.err).toString()
        return {
          code: code ?? -1,
          stdout: out.toString(),
          stderr: stderr || (signal ? `killed by ${signal}` : ''),
          ...(options.bytes ? { stdoutBytes: out } : {})
        }
      })
    )
  })
}

/**
 * Two new files for git's output and its errors ('wx' refuses an existing name or a planted
 * symlink), or undefined when the folder will not take them. Removed with unlinkSync, not
 * rmSync, whose recursive mode loads another module at start-up.
 */
function outputFiles(): { out: string; err: string; outFd: number; errFd: number } | undefined {
  const out = path.join(
    process.env.RUNNER_TEMP || os.tmpdir(),
    `contribs-git-${process.pid}-${Math.random().toString(36).slice(2)}`
  )
  const err = `${out}.err`
  let outFd: number
  try {
    outFd = openSync(out, 'wx')
  } catch {
    return undefined
  }
  try {
    return { out, err, outFd, errFd: openSync(err, 'wx') }
  } catch {
    closeSync(outFd)
    unlinkSync(out)
    return undefined
  }
}

export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly result: GitResult
  ) {
    super(
      `git ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim().split('\n').slice(-3).join(' ')}`
    )
    this.name = 'GitError'
  }
}

/** Like git(), but a non-zero exit throws a GitError with git's own words. */
export async function gitOk(
  cwd: string,
  args: string[],
  options: { env?: Record<string, string> } = {}
): Promise<string> {
  const r = await git(cwd, args, options)
  if (r.code !== 0) throw new GitError(args, r)
  return r.stdout
}

/**
 * Git's blob id of some content: what `git hash-object` prints and GitHub's contents and tree
 * APIs report as `sha`. node:crypto is loaded on first use, not at every action's start.
 */
export function blobSha(content: string | Uint8Array): string {
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
  const { createHash } = process.getBuiltinModule('node:crypto')
  return createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex')
}
