import { spawn } from 'node:child_process'

export interface GitRunResult {
  code: number
  stdout: Buffer
  stderr: string
}

export interface GitRunOptions {
  input?: string | Buffer
  env?: Record<string, string>
}

/**
 * The environment of every git the emulator runs. Global and system config are ignored so the
 * host's git settings (hooks, signing, default branch) cannot change what the emulator stores.
 */
export const GIT_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/tmp',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  GIT_LITERAL_PATHSPECS: '1',
  LC_ALL: 'C'
}

/**
 * Runs `git` with an argument array (never through a shell) and collects its output as bytes,
 * because blob contents are binary, in GIT_ENV.
 */
export function runGit(
  gitDir: string,
  args: string[],
  options: GitRunOptions = {}
): Promise<GitRunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [`--git-dir=${gitDir}`, ...args], {
      env: { ...GIT_ENV, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe']
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', reject)
    child.on('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString()
      })
    )
    child.stdin.on('error', () => undefined) // git may exit before reading all input
    child.stdin.end(options.input ?? '')
  })
}

class GitCommandError extends Error {
  constructor(args: string[], result: GitRunResult) {
    super(`git ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`)
    this.name = 'GitCommandError'
  }
}

/** Like runGit, but a non-zero exit throws. Returns stdout as bytes. */
export async function gitOk(
  gitDir: string,
  args: string[],
  options?: GitRunOptions
): Promise<Buffer> {
  const result = await runGit(gitDir, args, options)
  if (result.code !== 0) throw new GitCommandError(args, result)
  return result.stdout
}
