// The parts of @actions/core our actions use, without its entry point. core.js imports the OIDC
// client, which pulls in @actions/http-client and undici (~450 KB) and adds ~45 ms to every cold
// start, although no action of ours requests an OIDC token. `#actions-core/*` is a tsconfig path
// to node_modules/@actions/core/lib/* (its exports map only exposes the entry point); ncc resolves
// it at build time. What is taken from there is utils.js (value and annotation-property encoding).
// The rest is written here, each for a cold-start cost it avoids:
// - command.js writes through process.stdout, whose first use loads Node's stream (and, on a pipe,
//   net) modules: ~3 ms. Commands and log lines go to fd 1 with writeSync instead.
// - summary.js takes fs.promises at import time, which loads another internal module; the
//   summary is one append, done synchronously.
// - file-command.js imports `crypto` for randomUUID; see fileCommandKeyValue.
// core-lite.test.ts checks the command lines against command.js's own.
import { accessSync, appendFileSync, constants, existsSync, writeSync } from 'node:fs'
import { EOL } from 'node:os'
import { toCommandProperties, toCommandValue } from '#actions-core/utils.js'

export interface AnnotationProperties {
  title?: string
  file?: string
  startLine?: number
  startColumn?: number
}

/** As core.getInput: `INPUT_<NAME>` (spaces to `_`, upper case), trimmed; '' when unset. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

/**
 * `name<<DELIMITER`, the value, `DELIMITER`, as @actions/core's file-command.js writes it, but with
 * a delimiter from Math.random rather than crypto.randomUUID: file-command.js imports `crypto`,
 * whose loading was a sixth of a small action's own start-up time. What keeps a value from
 * closing the block early is that the delimiter occurs in neither the name nor the value
 * (checked here, and drawn again if it does), not that it cannot be guessed.
 */
export function fileCommandKeyValue(name: string, value: unknown): string {
  const text = toCommandValue(value)
  let delimiter: string
  do
    delimiter = `ghadelimiter_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`
  while (name.includes(delimiter) || text.includes(delimiter))
  return `${name}<<${delimiter}${EOL}${text}${EOL}${delimiter}`
}

export function setOutput(name: string, value: unknown): void {
  const file = process.env.GITHUB_OUTPUT
  if (file) {
    if (!existsSync(file)) throw new Error(`Missing file at path: ${file}`)
    appendFileSync(file, `${fileCommandKeyValue(name, value)}${EOL}`, { encoding: 'utf8' })
    return
  }
  writeStdout(EOL)
  issueCommand('set-output', { name }, toCommandValue(value))
}

export function info(message: string): void {
  writeStdout(message + EOL)
}

/**
 * Writes to fd 1 without process.stdout. A runner's stdout is a blocking pipe; EAGAIN (a
 * non-blocking descriptor inherited from elsewhere, full) is retried, and a closed reader (EPIPE)
 * leaves nobody to tell, so the rest is dropped rather than failing the step.
 */
function writeStdout(text: string): void {
  const data = Buffer.from(text, 'utf8')
  for (let done = 0; done < data.length;) {
    try {
      done += writeSync(1, data, done)
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'EAGAIN') continue
      if (code === 'EPIPE') return
      throw e
    }
  }
}

/** `::command key=value,...::message`, escaped as @actions/core's command.js escapes it. */
export function commandLine(
  command: string,
  properties: Record<string, unknown>,
  message: unknown
): string {
  // As command.js: a space after the name whenever properties were given, even all empty.
  const entries = Object.entries(properties)
  const props = entries.length
    ? ` ${entries
        .filter(([, v]) => v)
        .map(([k, v]) => `${k}=${escapeProperty(v)}`)
        .join(',')}`
    : ''
  return `::${command || 'missing.command'}${props}::${escapeData(message)}`
}

/** What escapeData rewrites; most log lines hold none, and then one test replaces three passes. */
const DATA_SPECIALS = /[%\r\n]/

function escapeData(value: unknown): string {
  const text = toCommandValue(value)
  if (!DATA_SPECIALS.test(text)) return text
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(value: unknown): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

function issueCommand(command: string, properties: Record<string, unknown>, message: unknown) {
  writeStdout(commandLine(command, properties, message) + EOL)
}

/**
 * Appends to the job summary file as `core.summary.addRaw(md, true).write()` does, with its
 * error when the file cannot be read and written.
 */
export function appendSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY
  if (!file)
    throw new Error(
      'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.'
    )
  try {
    accessSync(file, constants.R_OK | constants.W_OK)
  } catch {
    throw new Error(
      `Unable to access summary file: '${file}'. Check if the file has correct read/write permissions.`
    )
  }
  appendFileSync(file, markdown + EOL, { encoding: 'utf8' })
}

export function error(message: string, properties: AnnotationProperties = {}): void {
  issueCommand('error', toCommandProperties(properties), message)
}

export function warning(message: string, properties: AnnotationProperties = {}): void {
  issueCommand('warning', toCommandProperties(properties), message)
}

export function setFailed(message: string): void {
  process.exitCode = 1
  error(message)
}
