import { readdirSync } from 'node:fs'
import path from 'node:path'
import { SUITE_ROOT } from './run-bundle.js'

export const USAGE = `usage: contribs-actions <action> [--path DIR] [--format text|json] [--<input> VALUE ...]
                        [--event NAME] [--event-path FILE] [--repo OWNER/NAME] [--api-url URL]
actions: ${listActions().join(', ')}
Inputs are the action's own (see its action.yml), e.g. --package dspy, --dry-run true.
The token, when an action needs one, comes from GITHUB_TOKEN in the environment.`

function listActions(): string[] {
  return readdirSync(path.join(SUITE_ROOT, 'actions'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
}

export interface CliArgs {
  action: string
  format: 'text' | 'json'
  inputs: Record<string, string>
  eventName?: string
  eventPath?: string
  repo?: string
  apiUrl?: string
}

export function parseArgs(argv: string[]): CliArgs {
  const [action, ...rest] = argv
  if (!action || action.startsWith('-')) throw new Error(USAGE)
  if (!listActions().includes(action))
    throw new Error(`unknown action ${JSON.stringify(action)}\n${USAGE}`)
  const args: CliArgs = { action, format: 'text', inputs: {} }
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]
    if (!flag.startsWith('--'))
      throw new Error(`unexpected argument ${JSON.stringify(flag)}\n${USAGE}`)
    const eq = flag.indexOf('=')
    const name = eq > 0 ? flag.slice(2, eq) : flag.slice(2)
    const value = eq > 0 ? flag.slice(eq + 1) : rest[++i]
    if (value === undefined) throw new Error(`${flag} needs a value`)
    if (name === 'format') {
      if (value !== 'text' && value !== 'json') throw new Error('--format must be text or json')
      args.format = value
    } else if (name === 'event') args.eventName = value
    else if (name === 'event-path') args.eventPath = value
    else if (name === 'repo') args.repo = value
    else if (name === 'api-url') args.apiUrl = value
    else if (name === 'token')
      throw new Error('a token is never passed on the command line: set GITHUB_TOKEN')
    else args.inputs[name] = value
  }
  return args
}
