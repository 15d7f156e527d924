import { spawn, spawnSync } from 'node:child_process'
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
 * Spawned through child_process rather than @actions/exec, which echoes the command and rescans
 * the whole output for line breaks on every chunk.
 */
export function git(
  cwd: string,
  args: string[],
  options: { env?: Record<string, string>; bytes?: boolean } = {}
): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(gitExecutable(), args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ? { ...process.env, ...options.env } : undefined
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (d: Buffer) => out.push(d))
    child.stderr.on('data', (d: Buffer) => err.push(d))
    // A spawn that fails emits 'error' and may then emit 'close': the promise keeps the first.
    child.on('error', (e) => reject(new Error(`git could not start in ${cwd}: ${e.message}`)))
    child.on('close', (code, signal) => {
      // Decoded whole, so a character split between two chunks stays one character.
      const stderr = Buffer.concat(err).toString()
      const stdout = Buffer.concat(out)
      resolve({
        code: code ?? -1,
        stdout: stdout.toString(),
        stderr: stderr || (signal ? `killed by ${signal}` : ''),
        ...(options.bytes ? { stdoutBytes: stdout } : {})
      })
    })
  })
}

/**
 * git() for the rare question asked in the middle of synchronous work (a folder being listed):
 * the caller waits. git that cannot start throws.
 */
export function gitSync(cwd: string, args: string[]): GitResult {
  const r = spawnSync(gitExecutable(), args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  if (r.error) throw new Error(`git could not start in ${cwd}: ${r.error.message}`)
  return {
    code: r.status ?? -1,
    stdout: r.stdout.toString(),
    stderr: r.stderr.toString() || (r.signal ? `killed by ${r.signal}` : '')
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
