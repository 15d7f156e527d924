import { spawn, type ChildProcessByStdio } from 'node:child_process'
import type { Socket } from 'node:net'
import type { Readable, Writable } from 'node:stream'
import { GIT_ENV } from './run.js'

/** An object as `git cat-file --batch` prints it. */
export interface GitObject {
  sha: string
  type: string
  data: Buffer
}

interface Waiting {
  resolve: (object: GitObject | null) => void
  reject: (error: Error) => void
}

/**
 * One `git cat-file --batch` process for a repository, asked one object name per line (an id, a
 * ref, `<commit>^{tree}`, `<commit>:<path>`). The emulator asks git a few questions for every
 * request a bot makes; one git process for each took more time than everything else the
 * emulator does. cat-file reads refs and objects afresh for every name, so it sees every write
 * made since it started. It is started at the first question and ended by close(); if it dies,
 * the questions waiting for it fail and the next question starts another.
 */
export class ObjectReader {
  private batch?: Batch

  constructor(private readonly gitDir: string) {}

  /** The object `name` names, or null when it names none (or could name several). */
  read(name: string): Promise<GitObject | null> {
    // cat-file reads one name per line.
    if (name === '' || /[\n\r\0]/.test(name)) return Promise.resolve(null)
    if (!this.batch?.running) this.batch = new Batch(this.gitDir)
    return this.batch.ask(name)
  }

  close(): void {
    this.batch?.end()
    this.batch = undefined
  }
}

/** One `git cat-file --batch` process and the questions it has not answered yet. */
class Batch {
  running = true
  private readonly child: ChildProcessByStdio<Writable, Readable, null>
  private readonly waiting: Waiting[] = []
  /** What has arrived and is not answered yet, in pieces until an answer can be read whole. */
  private chunks: Buffer[] = []
  private buffered = 0
  /** How many bytes the first unanswered answer needs (0: its header has not arrived). */
  private needed = 0

  constructor(gitDir: string) {
    const child = spawn('git', [`--git-dir=${gitDir}`, 'cat-file', '--batch'], {
      env: GIT_ENV,
      stdio: ['pipe', 'pipe', 'ignore']
    })
    this.child = child
    child.stdout.on('data', (chunk: Buffer) => this.received(chunk))
    child.on('error', (e) => this.ended(`failed: ${e.message}`))
    child.on('exit', (code, signal) => this.ended(`ended (${signal ?? `exit ${code}`})`))
    child.stdin.on('error', () => undefined) // the exit says what happened
    // Neither keeps the emulator's process alive: a question waits inside a request, which does.
    child.unref()
    for (const pipe of [child.stdin, child.stdout]) (pipe as unknown as Socket).unref()
  }

  ask(name: string): Promise<GitObject | null> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject })
      this.child.stdin.write(`${name}\n`)
    })
  }

  end(): void {
    this.child.kill()
  }

  private ended(why: string): void {
    this.running = false
    for (const w of this.waiting.splice(0)) w.reject(new Error(`git cat-file --batch ${why}`))
  }

  /**
   * Answers every question whose whole answer has arrived, in the order they were asked. A large
   * object arrives in many pieces: they are joined once it is all there, not at every piece.
   */
  private received(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.buffered += chunk.length
    if (this.buffered < this.needed) return
    let rest = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks)
    this.needed = 0
    for (;;) {
      const eol = rest.indexOf(0x0a)
      if (eol < 0) break
      const found = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(rest.subarray(0, eol).toString())
      if (!found) {
        // `<name> missing` or `<name> ambiguous`: no object, no body.
        rest = rest.subarray(eol + 1)
        this.waiting.shift()?.resolve(null)
        continue
      }
      const end = eol + 1 + Number(found[3])
      if (rest.length < end + 1) {
        this.needed = end + 1 // the body and its newline are still coming
        break
      }
      const data = Buffer.from(rest.subarray(eol + 1, end))
      rest = rest.subarray(end + 1)
      this.waiting.shift()?.resolve({ sha: found[1], type: found[2], data })
    }
    this.chunks = rest.length ? [rest] : []
    this.buffered = rest.length
  }
}

/** One entry of a tree object: `<mode> <name>\0<id>` in git's binary form. */
export interface RawTreeEntry {
  mode: string
  name: string
  sha: string
}

/** The entries of a tree object's bytes (ids of 20 bytes: SHA-1 repositories). */
export function parseTree(data: Buffer): RawTreeEntry[] {
  const out: RawTreeEntry[] = []
  for (let at = 0; at < data.length;) {
    const space = data.indexOf(0x20, at)
    const nul = space < 0 ? -1 : data.indexOf(0, space)
    if (nul < 0) break // not a tree git wrote
    out.push({
      mode: data.subarray(at, space).toString(),
      name: data.subarray(space + 1, nul).toString(),
      sha: data.subarray(nul + 1, nul + 21).toString('hex')
    })
    at = nul + 21
  }
  return out
}
