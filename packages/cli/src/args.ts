// The command line: `contribs-actions <action> [--<input> VALUE ...] [options]`. The flags of an
// action are its action.yml inputs, read when the command runs, so a new input is a new flag with
// no change here. node:util's parseArgs does the parsing; this file adds what it does not do:
// flags named after the action's inputs, `--flag=true|false` for boolean inputs, and a
// suggestion for a mistyped flag.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { distance } from 'fastest-levenshtein'
import { isBooleanInput, isTokenInput, type ActionYml } from './action-yml.js'

type OptionSpec = NonNullable<ParseArgsConfig['options']>[string]

/** A mistake on the command line: reported on stderr with exit status 2. */
export class UsageError extends Error {
  /** The action whose `--help` the hint points to; none for the top-level usage. */
  constructor(
    message: string,
    readonly action?: string
  ) {
    super(message)
  }
}

export interface CliArgs {
  action: string
  format: 'text' | 'json'
  inputs: Record<string, string>
  eventName?: string
  eventPath?: string
  repo?: string
  apiUrl?: string
  /** Debug logging on, and the step's log printed. */
  debug?: boolean
}

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'action-help'; action: string }
  | { kind: 'run'; args: CliArgs }

/** What the parser needs to know about the actions: their names and their action.yml. */
export interface Catalog {
  actions: string[]
  manifest(action: string): ActionYml
}

interface CliOption {
  /** What the value stands for in the help (`--format text|json`); none for a switch. */
  value?: string
  short?: string
  description: string
}

/** The options every action takes besides its inputs. */
export const CLI_OPTIONS: Record<string, CliOption> = {
  format: {
    value: 'text|json',
    description:
      'text (default): the job summary, then the outputs. json: one object of the outputs, JSON-valued ones parsed.'
  },
  event: {
    value: 'NAME',
    description: 'The event that triggered the run (default workflow_dispatch).'
  },
  'event-path': { value: 'FILE', description: 'The event payload, a JSON file (default {}).' },
  repo: { value: 'OWNER/NAME', description: 'GITHUB_REPOSITORY, for actions that use the API.' },
  'api-url': { value: 'URL', description: 'GITHUB_API_URL (default: from the environment).' },
  debug: {
    description:
      "Debug logging on (as a re-run with debug logging), and the step's log printed on stderr, its debug lines (why each decision was made) included."
  },
  help: { short: 'h', description: "This action's inputs, outputs and options." }
}

const TOKEN_REFUSED = 'a token is never passed on the command line: set GITHUB_TOKEN'

/** Parses the whole command line; throws UsageError for anything that is not a valid command. */
export function parseCommand(argv: string[], catalog: Catalog): Command {
  const [first, ...rest] = argv
  if (first === undefined) throw new UsageError('missing action')
  if (first === '-h' || first === '--help') return { kind: 'help' }
  if (first === '--version') return { kind: 'version' }
  if (first.startsWith('-')) {
    const guess = closest(first, ['--help', '-h', '--version'])
    throw new UsageError(
      guess
        ? `unknown option '${first}' (did you mean '${guess}'?)`
        : `the action comes first: contribs-actions <action> ${first} ...`
    )
  }
  if (!catalog.actions.includes(first)) {
    const guess = closest(first, catalog.actions)
    throw new UsageError(`unknown action '${first}'${guess ? ` (did you mean '${guess}'?)` : ''}`)
  }
  return parseActionArgs(first, catalog.manifest(first), rest)
}

/** The parseArgs option set of one action: its inputs (token inputs left out) and CLI_OPTIONS. */
function actionOptions(action: string, manifest: ActionYml) {
  const options: Record<string, OptionSpec> = {}
  const tokenInputs: string[] = []
  for (const [name, input] of Object.entries(manifest.inputs ?? {})) {
    if (name in CLI_OPTIONS)
      throw new Error(`actions/${action}/action.yml: input \`${name}\` collides with --${name}`)
    if (isTokenInput(input)) tokenInputs.push(name)
    else options[name] = { type: isBooleanInput(input) ? 'boolean' : 'string' }
  }
  for (const [name, o] of Object.entries(CLI_OPTIONS))
    options[name] = o.value
      ? { type: 'string' }
      : { type: 'boolean', ...(o.short ? { short: o.short } : {}) }
  return { options, tokenInputs }
}

function parseActionArgs(action: string, manifest: ActionYml, args: string[]): Command {
  const { options, tokenInputs } = actionOptions(action, manifest)
  // A lenient pass first, for the tokens: it names an unknown flag where strict parsing would
  // only fail, and it finds `--help` wherever it is.
  const { tokens } = parseArgs({
    args,
    options,
    strict: false,
    allowPositionals: true,
    allowNegative: true,
    tokens: true
  })
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help'))
    return { kind: 'action-help', action }
  const normalized = normalizeBooleans(action, args, tokens, options, tokenInputs)
  let values: Record<string, string | boolean | undefined>
  try {
    // No option is `multiple`, so every value is a string or a boolean.
    values = parseArgs({ args: normalized, options, strict: true, allowNegative: true })
      .values as Record<string, string | boolean | undefined>
  } catch (e) {
    // Node's own message: a flag without its value, a stray argument.
    throw new UsageError((e as Error).message, action)
  }
  return { kind: 'run', args: toCliArgs(action, values) }
}

type Token = ReturnType<typeof parseArgs>['tokens'] extends (infer T)[] | undefined ? T : never

/**
 * Rejects unknown flags and tokens, and rewrites a boolean input's `--x=false` / `--x false` as
 * `--no-x` (and `true` as `--x`), the forms strict parsing accepts.
 */
function normalizeBooleans(
  action: string,
  args: string[],
  tokens: Token[],
  options: Record<string, OptionSpec>,
  tokenInputs: string[]
): string[] {
  const out: (string | null)[] = [...args]
  for (const [i, t] of tokens.entries()) {
    if (t.kind !== 'option') continue
    if (t.name === 'token' || tokenInputs.includes(t.name))
      throw new UsageError(TOKEN_REFUSED, action)
    const type = options[t.name]?.type
    const negated = t.rawName.startsWith('--no-')
    if (type === undefined || (negated && type !== 'boolean')) {
      const guess = closest(t.rawName, spellings(options))
      throw new UsageError(
        `unknown option '${t.rawName}'${guess ? ` (did you mean '${guess}'?)` : ''}`,
        action
      )
    }
    // `--no-x=false` and `--no-x true` are left to strict parsing, which refuses them.
    if (type !== 'boolean' || negated) continue
    const next = tokens[i + 1]
    const value = t.inlineValue
      ? t.value
      : next?.kind === 'positional' && /^(true|false)$/.test(next.value)
        ? next.value
        : undefined
    if (value === undefined) continue
    if (!/^(true|false)$/.test(value))
      throw new UsageError(`${t.rawName} is true or false (got '${value}')`, action)
    out[t.index] = value === 'true' ? `--${t.name}` : `--no-${t.name}`
    if (!t.inlineValue) out[t.index + 1] = null
  }
  return out.filter((a): a is string => a !== null)
}

function toCliArgs(action: string, values: Record<string, string | boolean | undefined>): CliArgs {
  const { format = 'text', event, 'event-path': eventPath, repo, 'api-url': apiUrl } = values
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`--format is text or json (got '${String(format)}')`, action)
  const inputs: Record<string, string> = {}
  for (const [name, value] of Object.entries(values))
    if (!(name in CLI_OPTIONS) && value !== undefined) inputs[name] = String(value)
  const args: CliArgs = { action, format, inputs }
  if (typeof event === 'string') args.eventName = event
  if (typeof eventPath === 'string') args.eventPath = eventPath
  if (typeof repo === 'string') args.repo = repo
  if (typeof apiUrl === 'string') args.apiUrl = apiUrl
  if (values.debug === true) args.debug = true
  return args
}

/** Every way to write a known flag: `--name`, `--no-name` for switches, `-x` for short ones. */
function spellings(options: Record<string, OptionSpec>): string[] {
  return Object.entries(options).flatMap(([name, o]) => [
    `--${name}`,
    ...(o.type === 'boolean' && name !== 'help' ? [`--no-${name}`] : []),
    ...(o.short ? [`-${o.short}`] : [])
  ])
}

/** The known word nearest to a mistyped one, when it is near enough to be what was meant. */
function closest(typed: string, known: string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const k of known) {
    const d = distance(typed, k)
    if (d < bestDistance) [best, bestDistance] = [k, d]
  }
  // A third of the word may be wrong (at least two letters): `--packag`, `--dryrun`, `dicover`.
  const bare = typed.replace(/^-+/, '')
  return bestDistance <= Math.max(2, Math.floor(bare.length / 3)) ? best : undefined
}
