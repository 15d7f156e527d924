// contribs-actions <action> [--<input> VALUE ...] [--format text|json] [--event NAME]
//                  [--event-path FILE] [--repo OWNER/NAME] [--api-url URL] [--debug]
//                  codeowners [--path DIR] (see codeowners.ts)
// Runs an action's built bundle locally, exactly as the runner would, and prints its job summary
// and outputs (stdout) and its annotations (stderr). Exit status: the action's, or 2 for a usage
// error. A token is never taken from the command line: set GITHUB_TOKEN in the environment.
import { readFileSync } from 'node:fs'
import { type CliArgs, parseCommand, UsageError } from './args.js'
import { CODEOWNERS_COMMAND, runCodeowners } from './codeowners.js'
import { printRun, stepLog } from './format.js'
import { actionUsage, usage } from './help.js'
import { actionsDir, catalogOf, cliVersion } from './paths.js'
import { runBundle } from './run-bundle.js'

const USAGE_ERROR = 2

/** Help wraps to the terminal (at most 100 columns), or to 80 when stdout is not one. */
const width = () => Math.min(process.stdout.columns || 80, 100)

async function main(argv: string[]): Promise<number> {
  const dir = actionsDir()
  const catalog = catalogOf(dir)
  try {
    if (argv[0] === CODEOWNERS_COMMAND) return await runCodeowners(argv.slice(1))
    const command = parseCommand(argv, catalog)
    switch (command.kind) {
      case 'help':
        process.stdout.write(usage(catalog, width()) + '\n')
        return 0
      case 'version':
        process.stdout.write(cliVersion() + '\n')
        return 0
      case 'action-help':
        process.stdout.write(
          actionUsage(command.action, catalog.manifest(command.action), width()) + '\n'
        )
        return 0
      case 'run':
        return await run(command.args, dir)
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    const help = e.action ? `contribs-actions ${e.action} --help` : 'contribs-actions --help'
    process.stderr.write(`contribs-actions: ${e.message}\nTry '${help}'.\n`)
    return USAGE_ERROR
  }
}

async function run(args: CliArgs, dir: string): Promise<number> {
  const payload = readEvent(args)
  const env: Record<string, string> = {}
  if (args.repo) env.GITHUB_REPOSITORY = args.repo
  if (args.apiUrl) env.GITHUB_API_URL = args.apiUrl
  if (args.debug) env.RUNNER_DEBUG = '1'
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
  if (process.env.GITHUB_TOKEN) inputs.token = process.env.GITHUB_TOKEN
  const result = await runBundle({
    action: args.action,
    actionsDir: dir,
    inputs,
    event: { name: args.eventName ?? 'workflow_dispatch', payload },
    env
  })
  const printed = printRun(args.action, args.format, result)
  process.stdout.write(printed.stdout)
  if (args.debug) process.stderr.write(stepLog(result.stdout))
  process.stderr.write(printed.stderr)
  return result.exitCode
}

function readEvent(args: CliArgs): unknown {
  if (!args.eventPath) return {}
  try {
    return JSON.parse(readFileSync(args.eventPath, 'utf8'))
  } catch (e) {
    throw new UsageError(`--event-path ${args.eventPath}: ${(e as Error).message}`, args.action)
  }
}

// `contribs-actions ... | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw error
})

// exitCode, not exit(): exit() may cut off output still being written to a pipe.
main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    process.stderr.write(`contribs-actions: ${error.message}\n`)
    process.exitCode = 1
  }
)
