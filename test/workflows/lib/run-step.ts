// Runs a workflow step's `run:` script the way the runner does on Linux (`bash --noprofile
// --norc -eo pipefail`), with the runner's files (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH,
// GITHUB_STEP_SUMMARY) and the step's `env:` given by the test, so what a workflow's shell
// actually does is tested rather than read.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { tempDir } from '../../kit/fixtures.js'
import { isObj, jobs, steps, type Workflow } from './load.js'

export interface Step {
  run: string
  /** The env names the step declares (values are expressions; the test supplies them). */
  env: string[]
  workingDirectory?: string
}

/** The step of `job` whose `id` (or else `name`) is `key`. */
export function findStep(wf: Workflow, job: string, key: string): Step {
  const j = jobs(wf).find(([id]) => id === job)?.[1]
  if (!j) throw new Error(`${wf.file}: no job ${job}`)
  const s = steps(j).find((x) => x.id === key) ?? steps(j).find((x) => x.name === key)
  if (!s || typeof s.run !== 'string')
    throw new Error(`${wf.file}: job ${job} has no run step ${key}`)
  return {
    run: s.run,
    env: isObj(s.env) ? Object.keys(s.env) : [],
    workingDirectory:
      typeof s['working-directory'] === 'string' ? s['working-directory'] : undefined
  }
}

export interface StepRun {
  status: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  env: string
  path: string
  summary: string
  /** The `::error::` and `::warning::` lines the step printed. */
  errors: string[]
  warnings: string[]
  runnerTemp: string
}

export interface RunOptions {
  env: Record<string, string>
  cwd?: string
  /** Folders put first on PATH (fake tools). */
  pathPrepend?: string[]
}

export function runStep(step: Step, opts: RunOptions): StepRun {
  const missing = step.env.filter((k) => !(k in opts.env))
  if (missing.length) throw new Error(`the test must give the step's env: ${missing.join(', ')}`)
  const dir = tempDir('contribs-step-')
  const files = {
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_ENV: path.join(dir, 'env'),
    GITHUB_PATH: path.join(dir, 'path'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary')
  }
  for (const f of Object.values(files)) writeFileSync(f, '')
  const runnerTemp = path.join(dir, 'runner-temp')
  mkdirSync(runnerTemp)
  const script = path.join(dir, 'step.sh')
  writeFileSync(script, step.run)
  const env: Record<string, string> = {
    PATH: [...(opts.pathPrepend ?? []), process.env.PATH ?? ''].join(':'),
    HOME: process.env.HOME ?? dir,
    LANG: 'C.UTF-8',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: runnerTemp,
    GITHUB_SERVER_URL: 'https://github.com',
    ...files,
    ...opts.env
  }
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd: opts.cwd ?? dir,
    env,
    encoding: 'utf8',
    timeout: 30_000
  })
  const stdout = r.stdout ?? ''
  return {
    status: r.status ?? 1,
    stdout,
    stderr: r.stderr ?? '',
    outputs: parseOutputs(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    env: readFileSync(files.GITHUB_ENV, 'utf8'),
    path: readFileSync(files.GITHUB_PATH, 'utf8'),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    errors: stdout.split('\n').filter((l) => l.startsWith('::error')),
    warnings: stdout.split('\n').filter((l) => l.startsWith('::warning')),
    runnerTemp
  }
}

/**
 * The runner's two forms: `name=value` lines, and multi-line values as `name<<DELIMITER`, the
 * lines of the value, then `DELIMITER` alone on a line. As in the runner, the form is the one
 * whose marker (`=` or `<<`) comes first on the line.
 */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const eq = line.indexOf('=')
    const heredoc = line.indexOf('<<')
    if (heredoc > 0 && (eq < 0 || heredoc < eq)) {
      const delimiter = line.slice(heredoc + 2)
      const end = lines.indexOf(delimiter, i + 1)
      if (!delimiter || end < 0)
        throw new Error(`output ${line.slice(0, heredoc)}: no closing delimiter ${delimiter}`)
      out[line.slice(0, heredoc)] = lines.slice(i + 1, end).join('\n')
      i = end
    } else if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return out
}

/** Writes an executable shell script `name` into `dir` (a fake tool for PATH). */
export function fakeTool(dir: string, name: string, body: string): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, name), `#!/usr/bin/env bash\nset -eo pipefail\n${body}\n`, {
    mode: 0o755
  })
}
