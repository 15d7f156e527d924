import { getExecOutput } from '@actions/exec'
import { gitExecutable } from './git-path.js'

export interface GitResult {
  code: number
  stdout: string
  stderr: string
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
