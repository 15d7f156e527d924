// The parts of @actions/core our actions use, taken from @actions/core's own modules (command,
// file-command, summary, utils) but without its entry point. core.js imports the OIDC client,
// which pulls in @actions/http-client and undici (~450 KB) and adds ~45 ms to every cold start,
// although no action of ours requests an OIDC token. `#actions-core/*` is a tsconfig path to
// node_modules/@actions/core/lib/* (its exports map only exposes the entry point); ncc resolves it
// at build time, so the bundles carry exactly @actions/core's code for these functions.
import { EOL } from 'node:os'
import { issueCommand } from '#actions-core/command.js'
import { issueFileCommand, prepareKeyValueMessage } from '#actions-core/file-command.js'
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

export function setOutput(name: string, value: unknown): void {
  if (process.env.GITHUB_OUTPUT) {
    issueFileCommand('OUTPUT', prepareKeyValueMessage(name, value))
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
