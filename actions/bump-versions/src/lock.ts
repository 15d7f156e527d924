import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { exec } from '@actions/exec'
import { fillPattern, UserError } from '@contribs-actions/shared'
import type { RemoteFile } from './github.js'
import type { Ready } from './work.js'
import type { FileChange } from '@contribs-actions/shared/github'

/**
 * Splits a command line into arguments the way a POSIX shell would split words, without any of
 * a shell's expansions: whitespace separates, single quotes keep text as is, double quotes keep
 * spaces (with `\"` and `\\` escapes), a backslash outside quotes escapes the next character.
 * `$VAR`, globs, pipes and `;` have no meaning: the command runs without a shell.
 */
export function splitCommand(text: string): string[] {
  const out: string[] = []
  let cur = ''
  let has = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === "'") {
      const end = text.indexOf("'", i + 1)
      if (end < 0) throw new UserError(`lock-command has an unclosed ' quote: ${text}`)
      cur += text.slice(i + 1, end)
      has = true
      i = end
    } else if (c === '"') {
      has = true
      let j = i + 1
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && (text[j + 1] === '"' || text[j + 1] === '\\')) j++
        cur += text[j]
      }
      if (j >= text.length) throw new UserError(`lock-command has an unclosed " quote: ${text}`)
      i = j
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i]
      has = true
    } else if (/\s/.test(c)) {
      if (has) out.push(cur)
      cur = ''
      has = false
    } else {
      cur += c
      has = true
    }
  }
  if (has) out.push(cur)
  return out
}

/** The lock command as argv with `{upstream}` filled in; undefined when turned off (''). */
export function lockArgv(command: string | undefined, upstream: string): string[] | undefined {
  if (command === undefined || command.trim() === '') return undefined
  return splitCommand(command).map((a) => fillPattern(a, { upstream }))
}

export interface LockJob {
  argv: string[]
  /** The checkout: the layout the command sees, for files not overridden below. */
  checkout: string
  /** The package folder relative to the root; '' for the root meta-package. */
  dir: string
  /** Root-relative path -> text on the default branch, written over the checkout's copy (the
   * edited pyproject, the current uv.lock, and the siblings' pyprojects for path sources). */
  files: Map<string, string>
  /** Root-relative path of the lock file to read back. */
  lockFile: string
  tempRoot?: string
}

export type LockResult = { ok: true; text: string; output: string } | { ok: false; reason: string }

const SKIP_COPY = new Set(['.git', '.venv', 'node_modules', '__pycache__', '.pytest_cache'])

/**
 * Runs the lock command without a shell (argv through @actions/exec) in a temporary copy of the
 * repository layout: every top-level entry of the checkout is symlinked, except the folders and
 * files the run overrides, which are real copies carrying the default branch's texts. So the
 * command sees the edited pyproject and the siblings as they are on the default branch (a checkout
 * that is behind cannot leak old versions into the lock), and the checkout itself is never
 * modified. The environment loses INPUT_* variables, so the token never reaches the command.
 */
async function runLock(job: LockJob): Promise<LockResult> {
  const tmp = mkdtempSync(path.join(job.tempRoot ?? os.tmpdir(), 'bump-lock-'))
  try {
    const root = path.join(tmp, 'repo')
    mountLayout(job.checkout, root, [...job.files.keys()])
    for (const [rel, text] of job.files) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
      writeFileSync(path.join(root, rel), text)
    }
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries(process.env))
      if (v !== undefined && !k.startsWith('INPUT_')) env[k] = v
    let output = ''
    const cwd = path.join(root, job.dir)
    let code: number
    try {
      code = await exec(job.argv[0], job.argv.slice(1), {
        cwd,
        env,
        silent: true,
        ignoreReturnCode: true,
        listeners: {
          stdout: (d) => (output += d.toString()),
          stderr: (d) => (output += d.toString())
        }
      })
    } catch (e) {
      // @actions/exec throws before spawning when the program is not on PATH.
      return { ok: false, reason: `\`${job.argv[0]}\` could not be run: ${(e as Error).message}` }
    }
    if (code !== 0) {
      const tail = output.trim().split('\n').slice(-5).join(' | ')
      return {
        ok: false,
        reason: `\`${job.argv.join(' ')}\` exited with ${code}${tail ? `: ${tail}` : ''}`
      }
    }
    let text: string
    try {
      text = readFileSync(path.join(root, job.lockFile), 'utf8')
    } catch {
      return { ok: false, reason: `\`${job.argv.join(' ')}\` left no ${job.lockFile}` }
    }
    return { ok: true, text, output }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

/**
 * Recreates `src`'s layout under `dst` with symlinks, descending (with real folders) only into
 * folders that contain an overridden path, so those paths can be written without touching `src`.
 */
function mountLayout(src: string, dst: string, overridden: string[]): void {
  mkdirSync(dst, { recursive: true })
  const here = new Map<string, string[]>()
  for (const rel of overridden) {
    const [head, ...rest] = rel.split('/')
    if (!here.has(head)) here.set(head, [])
    if (rest.length) here.get(head)!.push(rest.join('/'))
  }
  let names: string[]
  try {
    names = readdirSync(src)
  } catch {
    names = [] // an overridden folder that exists only on the default branch
  }
  for (const name of names) {
    if (SKIP_COPY.has(name)) continue
    const inner = here.get(name)
    if (inner === undefined) symlinkSync(path.join(src, name), path.join(dst, name))
    else if (inner.length) mountLayout(path.join(src, name), path.join(dst, name), inner)
    // An overridden file itself is written by the caller; so are folders missing from `src`.
  }
}

export interface BumpFilesJob {
  /** The default branch's files the run read: every pyproject, the lock files it refreshes. */
  files: Map<string, RemoteFile>
  baseBranch: string
  /** The lock command's argv; undefined when turned off. */
  lockArgv?: string[]
  checkout: string
  tempRoot?: string
}

export type BumpFiles =
  { ok: true; changes: FileChange[]; note: string } | { ok: false; reason: string }

/**
 * The files of a package's bump commit: its edited pyproject, its lock file as the lock command
 * leaves it (unless already current), and the lock file of each sibling that records this
 * package's version (`lockedBy`), refreshed the same way, in the sibling's folder, with the edited
 * pyproject in place: so no sibling's locked install breaks when the bump is merged. `note` says
 * what happened to each lock file.
 */
export async function bumpFiles(ready: Ready, job: BumpFilesJob): Promise<BumpFiles> {
  const { files, lockArgv } = job
  const changes = [
    { path: ready.file, text: ready.edit.text, mode: files.get(ready.file)?.mode ?? '100644' }
  ]
  if (!lockArgv) return { ok: true, changes, note: LOCK_OFF }
  const overrides = new Map<string, string>()
  for (const [p, f] of files) if (p.endsWith('pyproject.toml')) overrides.set(p, f.text)
  overrides.set(ready.file, ready.edit.text)
  const notes: string[] = []
  const command = `\`${lockArgv.join(' ')}\``
  const own = { dir: ready.dir, lockFile: ready.lockFile }
  const siblings = ready.lockedBy.map((dir) => ({ dir, lockFile: `${dir}/uv.lock` }))
  for (const [k, target] of [own, ...siblings].entries()) {
    const lockFile = files.get(target.lockFile)
    if (!lockFile) {
      if (k === 0) notes.push(`no ${target.lockFile} on ${job.baseBranch}; nothing to refresh`)
      continue
    }
    const lock = await runLock({
      argv: lockArgv,
      checkout: job.checkout,
      dir: target.dir,
      files: new Map([...overrides, [target.lockFile, lockFile.text]]),
      lockFile: target.lockFile,
      tempRoot: job.tempRoot
    })
    if (!lock.ok) return lock
    const why = k === 0 ? '' : ` (it records ${ready.id}'s version)`
    if (lock.text === lockFile.text) notes.push(`${target.lockFile} already current${why}`)
    else {
      changes.push({ path: target.lockFile, text: lock.text, mode: lockFile.mode })
      notes.push(`${target.lockFile} refreshed${why}`)
    }
  }
  const [first, ...rest] = notes
  const note = first.startsWith('no ') ? first : `${command}: ${first}`
  return { ok: true, changes, note: [note, ...rest].join('; ') }
}

/** The lock note when the lock command is turned off. */
export const LOCK_OFF = 'lock refresh turned off (`lock-command: ""`)'
