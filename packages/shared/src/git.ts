import { closeSync, openSync, readFileSync, unlinkSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gitExecutable } from './git-path.js'

export interface GitResult {
  code: number
  stdout: string
  stderr: string
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
 * 'wx' refuses an existing name or a planted symlink; no folder for the files is a git that
 * cannot start. Files a killed process leaves behind go with RUNNER_TEMP, which the runner
 * empties for every job. Not rmSync: its recursive mode loads another module at start-up.
 */
export function git(
  cwd: string,
  args: string[],
  options: { env?: Record<string, string> } = {}
): Promise<GitResult> {
  const folder = process.env.RUNNER_TEMP || os.tmpdir()
  const out = path.join(
    folder,
    `contribs-git-${process.pid}-${Math.random().toString(36).slice(2)}`
  )
  const err = `${out}.err`
  let outFd: number
  let errFd: number
  try {
    outFd = openSync(out, 'wx')
    try {
      errFd = openSync(err, 'wx')
    } catch (e) {
      closeSync(outFd)
      unlinkSync(out)
      throw e
    }
  } catch (e) {
    return Promise.reject(
      new Error(
        `git could not start in ${cwd}: no file for its output in ${folder}: ${(e as Error).message}`
      )
    )
  }
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
        unlinkSync(out)
        unlinkSync(err)
      }
      if (result instanceof Error) reject(result)
      else resolve(result)
    }
    let child: ReturnType<typeof spawn>
    try {
      child = spawn(gitExecutable(), args, {
        cwd,
        stdio: ['ignore', outFd, errFd],
        env: options.env ? { ...process.env, ...options.env } : undefined
      })
    } catch (e) {
      return settle(() => e as Error)
    } finally {
      closeSync(outFd)
      closeSync(errFd)
    }
    child.on('error', (e) => settle(() => new Error(`git could not start in ${cwd}: ${e.message}`)))
    child.on('close', (code, signal) =>
      settle(() => ({
        code: code ?? -1,
        stdout: readFileSync(out, 'utf8'),
        stderr: readFileSync(err, 'utf8') || (signal ? `killed by ${signal}` : '')
      }))
    )
  })
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
