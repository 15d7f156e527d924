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
  /** The event as the runner gives it: GITHUB_EVENT_NAME and the payload file. */
  event?: { name: string; payload?: unknown }
  /** GITHUB_WORKSPACE and the process's cwd; default the current directory. */
  workspace?: string
  /** Extra environment (GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, ...). */
  env?: Record<string, string>
  /** Where the actions live; default this repository's actions/. */
  actionsDir?: string
  timeoutMs?: number
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
 */
export async function runBundle(opts: BundleRunOptions): Promise<BundleRunResult> {
  const actionsDir = opts.actionsDir ?? path.join(SUITE_ROOT, 'actions')
  const dir = path.join(actionsDir, opts.action)
  const entry = path.join(dir, 'dist', 'index.js')
  if (!existsSync(entry)) throw new Error(`no built bundle at ${entry}; run \`npm run build\``)
  const tmp = mkdtempSync(path.join(os.tmpdir(), `contribs-${opts.action}-`))
  try {
    const outputFile = path.join(tmp, 'output')
    const summaryFile = path.join(tmp, 'summary')
    const eventFile = path.join(tmp, 'event.json')
    writeFileSync(outputFile, '')
    writeFileSync(summaryFile, '')
    writeFileSync(eventFile, JSON.stringify(opts.event?.payload ?? {}))
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && !/^(GITHUB_|INPUT_|RUNNER_|ACTIONS_)/.test(k)) env[k] = v
    }
    const workspace = path.resolve(opts.workspace ?? process.cwd())
    Object.assign(env, {
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_EVENT_NAME: opts.event?.name ?? 'workflow_dispatch',
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: tmp
    })
    const defaults = evaluateDefaults(
      actionDefaults(path.join(dir, 'action.yml')),
      opts.githubToken ?? ''
    )
    const inputs = { ...defaults, ...(opts.inputs ?? {}) }
    for (const [k, v] of Object.entries(inputs)) env[inputEnvName(k)] = v
    Object.assign(env, opts.env ?? {})

    const { code, stdout, stderr } = await new Promise<{
      code: number
      stdout: string
      stderr: string
    }>((resolve, reject) => {
      const child = spawn(process.execPath, [entry], {
        cwd: workspace,
        env,
        stdio: ['ignore', 'pipe', 'pipe']
      })
      let out = ''
      let err = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      child.stderr.on('data', (d: Buffer) => (err += d.toString()))
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000)
      child.on('error', reject)
      child.on('close', (c) => {
        clearTimeout(timer)
        resolve({ code: c ?? 1, stdout: out, stderr: err })
      })
    })
    return {
      exitCode: code,
      outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
      summary: readFileSync(summaryFile, 'utf8'),
      annotations: parseAnnotations(stdout),
      stdout,
      stderr
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}
