import { getOctokit } from '@actions/github'
import { execFileSync } from 'node:child_process'
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/index.js'

export type Octokit = ReturnType<typeof getOctokit>

export const NOW = '2026-03-01T12:00:00Z'

/** The real @actions/github client pointed at the emulator (fetch bypasses any proxy setup). */
export function client(
  emu: Emulator,
  token = 'user-token',
  extra: Record<string, unknown> = {}
): Octokit {
  return getOctokit(token, { baseUrl: emu.url, request: { fetch: globalThis.fetch }, ...extra })
}

export async function emulatorWithRepo(
  options: EmulatorOptions = {},
  files: Record<string, string> = {
    'README.md': '# demo\n',
    'pkgs/a/pyproject.toml': '[project]\nname = "a"\n'
  }
): Promise<Emulator> {
  const emu = await startEmulator({ now: NOW, ...options })
  await emu.seedRepo({ owner: 'acme', repo: 'contribs', files })
  return emu
}

/** Awaits a request that must fail; returns the octokit RequestError for assertions. */
export async function failure(promise: Promise<unknown>): Promise<{
  status: number
  message: string
  response?: { data: unknown; headers: Record<string, string> }
}> {
  try {
    await promise
  } catch (e) {
    return e as {
      status: number
      message: string
      response?: { data: unknown; headers: Record<string, string> }
    }
  }
  throw new Error('expected the request to fail')
}

/** Runs git against a bare repository and returns trimmed stdout. */
export function git(gitDir: string, ...args: string[]): string {
  return execFileSync('git', [`--git-dir=${gitDir}`, ...args], { encoding: 'utf8' }).trim()
}

export function b64(text: string): string {
  return Buffer.from(text).toString('base64')
}
