import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'

/** Root of this repository, found from this file (src/ in development, dist/ when bundled). */
export const SUITE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

export interface Annotation {
  level: 'error' | 'warning' | 'notice'
  message: string
  file?: string
  line?: number
  title?: string
}

export interface BundleRunOptions {
  /** Action folder name, e.g. `read-ci-config`. */
  action: string
  inputs?: Record<string, string>
  /**
   * The event as the runner gives it: GITHUB_EVENT_NAME and the payload file, `payload` as JSON
   * (default `{}`) or `text` written as it is (a file that is not JSON).
   */
  event?: { name: string; payload?: unknown; text?: string }
  /** GITHUB_WORKSPACE and the process's cwd; default the current directory. */
  workspace?: string
  /** Extra environment (GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, ...). */
  env?: Record<string, string>
  /** Where the actions live; default this repository's actions/. */
  actionsDir?: string
  /** Kill the bundle (its whole process group) after this long; default 120 s. */
  timeoutMs?: number
  /** Aborting kills the bundle (its whole process group) and makes the call reject. */
  signal?: AbortSignal
  /** What `${{ github.token }}` in an action.yml default stands for (the runner's token); default ''. */
  githubToken?: string
}

export interface BundleRunResult {
  exitCode: number
  outputs: Record<string, string>
  summary: string
  annotations: Annotation[]
  stdout: string
  stderr: string
}

/** `INPUT_<NAME>` as @actions/core reads it: spaces to `_`, upper case, hyphens kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/** Input defaults from action.yml, as the runner applies them. */
export function actionDefaults(actionYml: string): Record<string, string> {
  const doc = parseYaml(readFileSync(actionYml, 'utf8')) as {
    inputs?: Record<string, { default?: unknown }>
  }
  const out: Record<string, string> = {}
  for (const [name, spec] of Object.entries(doc.inputs ?? {})) {
    if (spec?.default !== undefined) out[name] = String(spec.default)
  }
  return out
}

/**
 * The runner evaluates expressions in input defaults before the action starts. The only one our
 * action.yml files use is `${{ github.token }}`; any other expression becomes '' (unknown here).
 */
export function evaluateDefaults(
  defaults: Record<string, string>,
  githubToken: string
): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(defaults)) {
    out[k] = v.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_m, expr: string) =>
      expr === 'github.token' ? githubToken : ''
    )
  }
  return out
}

/** Parses the GITHUB_OUTPUT file: `name<<DELIM\nvalue\nDELIM` blocks and `name=value` lines. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (heredoc) {
      const [, name, delim] = heredoc
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i])
      out[name] = value.join('\n')
    } else if (lines[i].includes('=')) {
      const eq = lines[i].indexOf('=')
      out[lines[i].slice(0, eq)] = lines[i].slice(eq + 1)
    }
  }
  return out
}

const unescapeData = (s: string) =>
  s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
const unescapeProp = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',')

/** Workflow commands `::error file=a,line=3::message` from the step's stdout. */
export function parseAnnotations(stdout: string): Annotation[] {
  const out: Annotation[] = []
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line)
    if (!m) continue
    const a: Annotation = { level: m[1] as Annotation['level'], message: unescapeData(m[3]) }
    for (const prop of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = prop.indexOf('=')
      const key = prop.slice(0, eq)
      const value = unescapeProp(prop.slice(eq + 1))
      if (key === 'file') a.file = value
      else if (key === 'line') a.line = Number(value)
      else if (key === 'title') a.title = value
    }
    out.push(a)
  }
  return out
}

/**
 * Runs a built `actions/<name>/dist/index.js` with `node` exactly as the runner does: inputs as
 * INPUT_* (action.yml defaults filled in), GITHUB_EVENT_NAME/GITHUB_EVENT_PATH, and fresh
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, which are read back. The parent's GITHUB_*, INPUT_*
 * and RUNNER_* variables are not passed on, so a run never sees another step's context.
 *
 * A run that outlives `timeoutMs`, is aborted through `signal`, or is ended by stopBundles() has
 * its whole process group killed and rejects: it never resolves as if the step had run.
 */
export async function runBundle(opts: BundleRunOptions): Promise<BundleRunResult> {
  opts.signal?.throwIfAborted()
  const actionsDir = opts.actionsDir ?? path.join(SUITE_ROOT, 'actions')
  const dir = path.join(actionsDir, opts.action)
  const entry = path.join(dir, 'dist', 'index.js')
  if (!existsSync(entry)) throw new Error(`no built bundle at ${entry}; run \`npm run build\``)
  const tmp = mkdtempSync(path.join(os.tmpdir(), `contribs-${opts.action}-`))
  try {
    const files = {
      output: path.join(tmp, 'output'),
      summary: path.join(tmp, 'summary'),
      event: path.join(tmp, 'event.json')
    }
    writeFileSync(files.output, '')
    writeFileSync(files.summary, '')
    writeFileSync(files.event, eventFile(opts.event))
    const workspace = path.resolve(opts.workspace ?? process.cwd())
    const env = stepEnv(opts, dir, workspace, tmp, files)
    const { code, stdout, stderr } = await execBundle(entry, workspace, env, opts)
    return {
      exitCode: code,
      outputs: parseOutputFile(readFileSync(files.output, 'utf8')),
      summary: readFileSync(files.summary, 'utf8'),
      annotations: parseAnnotations(stdout),
      stdout,
      stderr
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

function eventFile(event: BundleRunOptions['event']): string {
  if (event?.text !== undefined) return event.text
  return JSON.stringify(event?.payload === undefined ? {} : event.payload)
}

/** The step's environment: ours minus any runner context, the runner's files, then the inputs. */
function stepEnv(
  opts: BundleRunOptions,
  actionDir: string,
  workspace: string,
  tmp: string,
  files: { output: string; summary: string; event: string }
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(GITHUB_|INPUT_|RUNNER_|ACTIONS_)/.test(k)) env[k] = v
  }
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: opts.event?.name ?? 'workflow_dispatch',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: tmp
  })
  const defaults = evaluateDefaults(
    actionDefaults(path.join(actionDir, 'action.yml')),
    opts.githubToken ?? ''
  )
  const inputs = { ...defaults, ...(opts.inputs ?? {}) }
  for (const [k, v] of Object.entries(inputs)) env[inputEnvName(k)] = v
  Object.assign(env, opts.env ?? {})
  return env
}

/** A bundle process still running: how to end it, and when it has ended. */
interface RunningBundle {
  stop(reason: Error): void
  exited: Promise<void>
}

/** Every bundle this process started that has not exited yet, by pid (= its process group id). */
const running = new Map<number, RunningBundle>()

/** The pids of the bundle processes still running. */
export function runningBundles(): number[] {
  return [...running.keys()]
}

/**
 * Kills every bundle still running, each with its whole process group (the git and lock commands
 * it started too), and resolves once they have exited; their runBundle calls reject with
 * `reason`. Tests call it when a test ends (test/kit/cleanup.ts), so one that timed out cannot
 * leave a bundle writing to GitHub while the next test runs. Resolves with how many it stopped.
 */
export async function stopBundles(reason = 'stopped'): Promise<number> {
  const all = [...running.values()]
  for (const r of all) r.stop(new Error(reason))
  await Promise.all(all.map((r) => r.exited))
  return all.length
}

/** Spawns the bundle in a process group of its own and collects its output. */
function execBundle(
  entry: string,
  workspace: string,
  env: Record<string, string>,
  opts: BundleRunOptions
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // detached: the bundle leads a new process group, which stop() kills as a whole.
    const child = spawn(process.execPath, [entry], {
      cwd: workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    let stopped: Error | undefined
    const stop = (reason: Error) => {
      stopped ??= reason
      killGroup(child.pid)
    }
    const timeoutMs = opts.timeoutMs ?? 120_000
    const timer = setTimeout(
      () => stop(new Error(`${opts.action} ran past its ${timeoutMs} ms and was killed`)),
      timeoutMs
    )
    const onAbort = () => stop(abortReason(opts.signal!, opts.action))
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    const exited = new Promise<void>((ok) => child.once('close', () => ok()))
    if (child.pid !== undefined) track(child.pid, { stop, exited })
    child.once('error', (error) => {
      stop(error)
      reject(error)
    })
    child.once('close', (code) => {
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      if (child.pid !== undefined) untrack(child.pid)
      if (stopped) reject(stopped)
      else resolve({ code: code ?? 1, stdout, stderr })
    })
  })
}

function abortReason(signal: AbortSignal, action: string): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(`${action} was aborted`)
}

/** SIGKILL to the whole group; a group that is gone already is no error. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e
  }
}

/**
 * A detached bundle no longer shares our process group, so a Ctrl-C in the terminal or a SIGTERM
 * to us would not reach it: while any bundle runs, those signals and our exit kill the bundles
 * first, then the signal takes its default course unless someone else listens for it.
 */
const PASSED_ON: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

function killAll(): void {
  for (const pid of running.keys()) killGroup(pid)
}

function onSignal(signal: NodeJS.Signals): void {
  killAll()
  unhook()
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
}

let hooked = false

function hook(): void {
  if (hooked) return
  hooked = true
  process.on('exit', killAll)
  for (const s of PASSED_ON) process.on(s, onSignal)
}

function unhook(): void {
  hooked = false
  process.off('exit', killAll)
  for (const s of PASSED_ON) process.off(s, onSignal)
}

function track(pid: number, bundle: RunningBundle): void {
  hook()
  running.set(pid, bundle)
}

function untrack(pid: number): void {
  if (running.delete(pid) && running.size === 0) unhook()
}
