import {
  CONCLUSIONS,
  Inputs,
  jobNamePattern,
  Leg,
  PackageSignal,
  RepositoryInputs,
  repositoryInputs,
  RunContext,
  toSignals,
  UserError,
  validPackageName
} from '@contribs-actions/shared'

export type Source =
  /** Aggregate: the current run's jobs, mapped to packages by name. */
  | { kind: 'jobs'; pattern?: RegExp }
  /** Aggregate: the explicit `results` input. */
  | { kind: 'results'; signals: PackageSignal[] }
  /** Record: one leg's outcome for one package. */
  | { kind: 'record'; signal: PackageSignal }

export interface Options extends RepositoryInputs {
  mode: 'aggregate' | 'record'
  source: Source
  runId: number
  attempt: number
  /** Overrides `failure_threshold` from the settings table. */
  threshold?: number
  upstreamRef?: string
  upstreamSha?: string
  /** The commit this run tested (the recovery comment says "fixed in" it). */
  sha?: string
  dryRun: boolean
}

const RESULT_VALUES = [...CONCLUSIONS, 'null']

function runNumber(text: string | undefined, from: string): number | undefined {
  if (text === undefined) return undefined
  // A run id beyond 2^53 would be rounded, naming another run (and another state key).
  if (!/^[1-9]\d*$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw new UserError(
      `${from} must be a positive integer up to ${Number.MAX_SAFE_INTEGER} (got ${JSON.stringify(text)})`
    )
  return Number(text)
}

function parseResults(value: unknown, raw: string): PackageSignal[] {
  const example = '{"dspy": "failure", "crewai": ["success", "failure"]}'
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UserError(
      `input \`results\` must be a JSON object of package -> conclusion, e.g. ${example} (got ${raw})`
    )
  const byPackage = new Map<string, Leg[]>()
  for (const [pkg, v] of Object.entries(value as Record<string, unknown>)) {
    if (!validPackageName(pkg))
      throw new UserError(
        `input \`results\`: ${JSON.stringify(pkg)} is not a package name (letters, digits, \`_\`, \`-\`, \`.\`)`
      )
    const list = Array.isArray(v) ? v : [v]
    const legs: Leg[] = list.map((c) => {
      if (c !== null && (typeof c !== 'string' || !CONCLUSIONS.includes(c)))
        throw new UserError(
          `input \`results\`: ${pkg} has ${JSON.stringify(c)}; a conclusion is one of ${RESULT_VALUES.join(', ')} (or a list of them, one per leg)`
        )
      return { name: 'results', conclusion: c as string | null }
    })
    byPackage.set(pkg, legs)
  }
  return toSignals(byPackage)
}

/** Record mode: the one leg's package and outcome; the aggregate inputs refused. */
function recordSource(inputs: Inputs): Source {
  const pkg = inputs.string('package')
  if (!pkg)
    throw new UserError('mode `record` needs input `package` (the subpackage this leg tested)')
  if (!validPackageName(pkg))
    throw new UserError(
      `input \`package\` ${JSON.stringify(pkg)} is not a package name (letters, digits, \`_\`, \`-\`, \`.\`)`
    )
  const allowed = ['success', 'failure', 'timed_out', 'cancelled', 'skipped'] as const
  if (!inputs.string('outcome'))
    throw new UserError(
      'mode `record` needs input `outcome`: success or failure (e.g. ${{ job.status }})'
    )
  const outcome = inputs.oneOf('outcome', allowed, 'success')
  if (inputs.string('results') || inputs.string('job-pattern'))
    throw new UserError('inputs `results` and `job-pattern` are for mode `aggregate`, not `record`')
  return {
    kind: 'record',
    signal: toSignals(new Map([[pkg, [{ name: 'outcome', conclusion: outcome }]]]))[0]
  }
}

/** Aggregate mode: the `results` input, or the run's jobs named as `job-pattern` says. */
function aggregateSource(inputs: Inputs): Source {
  if (inputs.string('package') || inputs.string('outcome'))
    throw new UserError(
      'inputs `package` and `outcome` are for `mode: record` (one leg reports itself); aggregate mode reads every leg of the run'
    )
  const results = inputs.string('results')
  const jobPattern = inputs.string('job-pattern')
  if (results && jobPattern) throw new UserError('give either `results` or `job-pattern`, not both')
  if (results) return { kind: 'results', signals: parseResults(inputs.json('results'), results) }
  return {
    kind: 'jobs',
    pattern: jobPattern
      ? jobNamePattern('job-pattern', jobPattern, '^smoke \\((?<package>[^,)]+)')
      : undefined
  }
}

/** Every input is checked here, before the first request. */
export function parseOptions(
  inputs: Inputs,
  ctx: Pick<RunContext, 'workspace' | 'runId' | 'runAttempt' | 'sha'>
): Options {
  const mode = inputs.oneOf('mode', ['aggregate', 'record'] as const, 'aggregate')
  const source = mode === 'record' ? recordSource(inputs) : aggregateSource(inputs)
  const runId =
    runNumber(inputs.string('run-id'), 'input `run-id`') ?? runNumber(ctx.runId, 'GITHUB_RUN_ID')
  if (runId === undefined)
    throw new UserError(
      'no run id: set input `run-id` (default: GITHUB_RUN_ID, set on every runner)'
    )
  const attempt =
    runNumber(inputs.string('run-attempt'), 'input `run-attempt`') ??
    runNumber(ctx.runAttempt, 'GITHUB_RUN_ATTEMPT') ??
    1
  const thresholdText = inputs.string('threshold')
  const sha = inputs.string('sha') ?? ctx.sha
  const upstreamSha = inputs.string('upstream-sha')
  for (const [name, v] of [
    ['sha', sha],
    ['upstream-sha', upstreamSha]
  ] as const) {
    if (v !== undefined && !/^[0-9a-f]{7,64}$/i.test(v))
      throw new UserError(`input \`${name}\` must be a commit sha (got ${JSON.stringify(v)})`)
  }
  return {
    ...repositoryInputs(inputs, ctx.workspace),
    mode,
    source,
    runId,
    attempt,
    threshold:
      thresholdText === undefined ? undefined : inputs.int('threshold', 2, { min: 1, max: 100 }),
    upstreamRef: inputs.string('upstream-ref'),
    upstreamSha,
    sha,
    dryRun: inputs.bool('dry-run', false)
  }
}
