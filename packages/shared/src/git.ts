import { spawn } from 'node:child_process'
import { gitExecutable } from './git-path.js'

export interface GitResult {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs git with an argument list (never a shell string) in `cwd` and collects what it prints;
 * nothing is echoed to the log. A non-zero exit is a result, not an error; git that cannot start
 * (not installed, no such folder) rejects.
 *
 * Spawned through child_process rather than @actions/exec: exec stats PATH and the working folder
 * before each spawn, rescans the whole output for line breaks on every chunk (~15 ms of the main
 * thread on a 10,000-file diff), and its modules (with @actions/io, assert, events, timers)
 * cost every start of discover ~5 ms to load.
 */
export function git(
  cwd: string,
  args: string[],
  options: { env?: Record<string, string> } = {}
): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    const child = spawn(gitExecutable(), args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ? { ...process.env, ...options.env } : undefined
    })
    child.stdout.on('data', (d: Buffer) => stdout.push(d))
    child.stderr.on('data', (d: Buffer) => stderr.push(d))
    // 'error' (spawn failed) may be followed by 'close': the first answer counts.
    child.on('error', (e) => reject(new Error(`git could not start in ${cwd}: ${e.message}`)))
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8') || (signal ? `killed by ${signal}` : '')
      })
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
