// contribs-actions <action> --path DIR [--format text|json] [--<input> VALUE ...]
//                  [--event NAME] [--event-path FILE] [--repo OWNER/NAME] [--api-url URL]
// Runs an action's built bundle locally, exactly as the runner would, and prints its outputs.
// A token is never taken from the command line: set GITHUB_TOKEN in the environment.
import { readFileSync } from 'node:fs'
import { CliArgs, parseArgs } from './args.js'
import { formatResult } from './format.js'
import { runBundle } from './run-bundle.js'

async function main(): Promise<number> {
  let args: CliArgs
  try {
    args = parseArgs(process.argv.slice(2))
  } catch (e) {
    console.error((e as Error).message)
    return 2
  }
  const env: Record<string, string> = {}
  if (args.repo) env.GITHUB_REPOSITORY = args.repo
  if (args.apiUrl) env.GITHUB_API_URL = args.apiUrl
  for (const k of [
    'GITHUB_REPOSITORY',
    'GITHUB_API_URL',
    'GITHUB_SERVER_URL',
    'GITHUB_RUN_ID',
    'GITHUB_RUN_ATTEMPT',
    'CONTRIBS_ACTIONS_TIME_SCALE'
  ]) {
    if (!env[k] && process.env[k]) env[k] = process.env[k]!
  }
  const inputs = { ...args.inputs }
  if (process.env.GITHUB_TOKEN && inputs.token === undefined)
    inputs.token = process.env.GITHUB_TOKEN
  const payload = args.eventPath ? JSON.parse(readFileSync(args.eventPath, 'utf8')) : {}
  const result = await runBundle({
    action: args.action,
    inputs,
    event: { name: args.eventName ?? 'workflow_dispatch', payload },
    env
  })
  process.stdout.write(formatResult(args.action, args.format, result))
  if (result.exitCode !== 0 && result.stderr.trim()) process.stderr.write(result.stderr)
  return result.exitCode
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e)
    process.exit(1)
  }
)
