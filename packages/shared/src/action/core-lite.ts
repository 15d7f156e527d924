// The parts of @actions/core our actions use, taken from @actions/core's own modules (command,
// summary, utils) but without its entry point. core.js imports the OIDC client,
// which pulls in @actions/http-client and undici (~450 KB) and adds ~45 ms to every cold start,
// although no action of ours requests an OIDC token. `#actions-core/*` is a tsconfig path to
// node_modules/@actions/core/lib/* (its exports map only exposes the entry point); ncc resolves it
// at build time, so the bundles carry exactly @actions/core's code for these functions.
// file-command.js is the exception, see setOutput.
import { appendFileSync, existsSync } from 'node:fs'
import { EOL } from 'node:os'
import { issueCommand } from '#actions-core/command.js'
import { summary } from '#actions-core/summary.js'
import { toCommandProperties, toCommandValue } from '#actions-core/utils.js'

export { summary }

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
  process.stdout.write(EOL)
  issueCommand('set-output', { name }, toCommandValue(value))
}

export function info(message: string): void {
  process.stdout.write(message + EOL)
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
