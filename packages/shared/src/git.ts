import { getExecOutput } from '@actions/exec'
import { accessSync, constants, statSync } from 'node:fs'
import path from 'node:path'

export interface GitResult {
  code: number
  stdout: string
  stderr: string
}

let gitPath: string | undefined

/**
 * git's absolute path, looked up on PATH once. Given a bare `git`, @actions/exec stats every
 * PATH folder on every call, one asynchronous stat after another, so a process busy reading
 * files starts git tens of milliseconds late.
 */
export function gitExecutable(): string {
  if (gitPath) return gitPath
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE').split(';') : ['']
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const ext of dir ? exts : []) {
      const candidate = path.join(dir, `git${ext}`)
      try {
        if (!statSync(candidate).isFile()) continue
        if (process.platform !== 'win32') accessSync(candidate, constants.X_OK)
        return (gitPath = candidate)
      } catch {
        // not here, or not executable: keep looking
      }
    }
  }
  return 'git' // not found: @actions/exec reports it
}

/**
 * Runs git with an argument list (never a shell string) in `cwd`. Quiet: @actions/exec would
 * otherwise echo every command and its output into the log.
 */
export async function git(
  cwd: string,
  args: string[],
  options: { env?: Record<string, string> } = {}
): Promise<GitResult> {
  const r = await getExecOutput(gitExecutable(), args, {
    cwd,
    silent: true,
    ignoreReturnCode: true,
    env: options.env ? ({ ...process.env, ...options.env } as Record<string, string>) : undefined
  })
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr }
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
