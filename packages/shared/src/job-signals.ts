/**
 * From job conclusions to one signal per package (smoke-reporter's aggregate mode, and release's
 * reading of its own build and test jobs). A package is red when any of its legs failed or
 * timed out, green when every leg succeeded; cancelled, skipped and unfinished legs carry no
 * signal (a cancelled nightly says nothing about the package), and a package with such a leg and
 * no red leg has no signal for this run.
 */
import { UserError } from './errors.js'
import { byCodePoint } from './text.js'

export type Signal = 'red' | 'green' | 'none'

export interface Leg {
  /** Job name, or `results` for the explicit input. */
  name: string
  conclusion: string | null
}

export interface PackageSignal {
  package: string
  signal: Signal
  legs: Leg[]
}

export const RED_CONCLUSIONS = ['failure', 'timed_out']
/** What GitHub reports as a job conclusion, plus null (unfinished). */
export const CONCLUSIONS = [
  'success',
  'failure',
  'timed_out',
  'cancelled',
  'skipped',
  'neutral',
  'action_required',
  'stale'
]

/** Folder-like package names: they become a file name and a marker value. */
export const PACKAGE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/

export function validPackageName(name: string): boolean {
  return PACKAGE_NAME.test(name) && !name.includes('..') && name.length <= 100
}

/** The first value inside the job name's first parentheses: `smoke (dspy, 3.12) / ci` -> `dspy`. */
const DEFAULT_JOB = /\(\s*([^(),]+?)\s*[,)]/

/**
 * A job-name pattern given as an input (`job-pattern`, `build-jobs`): a regular expression with a
 * named group `package`, which packageOfJob reads. `example` shows such a pattern in the message.
 */
export function jobNamePattern(input: string, text: string, example: string): RegExp {
  let pattern: RegExp
  try {
    pattern = new RegExp(text)
  } catch (e) {
    throw new UserError(
      `input \`${input}\` is not a valid regular expression: ${(e as Error).message}`
    )
  }
  if (!/\(\?<package>/.test(text))
    throw new UserError(
      `input \`${input}\` must have a named group \`package\`, e.g. ${example} (got ${JSON.stringify(text)})`
    )
  return pattern
}

export function packageOfJob(name: string, pattern?: RegExp): string | undefined {
  if (pattern) {
    const g = pattern.exec(name)?.groups?.package?.trim()
    return g || undefined
  }
  return DEFAULT_JOB.exec(name)?.[1]
}

export function signalOf(legs: Leg[]): Signal {
  if (legs.some((l) => l.conclusion !== null && RED_CONCLUSIONS.includes(l.conclusion)))
    return 'red'
  if (legs.length && legs.every((l) => l.conclusion === 'success')) return 'green'
  return 'none'
}

export interface Job {
  name: string
  status: string | null
  conclusion: string | null
}

export interface Mapped {
  signals: PackageSignal[]
  /** Jobs that name no package (or not a known one), for the log. */
  ignored: { job: string; reason: string }[]
}

/**
 * Maps the run's jobs to packages. Jobs still running (the reporter itself) are left out. When
 * `known` is given (the checkout's subpackage folders), a name that is not one of them is not a
 * package (a `lint (3.12)` job, say) and is ignored.
 */
export function mapJobs(jobs: Job[], pattern: RegExp | undefined, known?: Set<string>): Mapped {
  const byPackage = new Map<string, Leg[]>()
  const ignored: Mapped['ignored'] = []
  for (const job of jobs) {
    const pkg = packageOfJob(job.name, pattern)
    if (!pkg) continue
    if (job.status !== 'completed') {
      ignored.push({ job: job.name, reason: `still ${job.status ?? 'running'}` })
      continue
    }
    // A subpackage folder of the checkout is a package whatever its shape (`python/x/y`).
    if (!known?.has(pkg) && !validPackageName(pkg)) {
      ignored.push({ job: job.name, reason: `${JSON.stringify(pkg)} is not a package name` })
      continue
    }
    if (known && known.size && !known.has(pkg)) {
      ignored.push({ job: job.name, reason: `\`${pkg}\` is not a subpackage folder` })
      continue
    }
    const legs = byPackage.get(pkg) ?? []
    legs.push({ name: job.name, conclusion: job.conclusion })
    byPackage.set(pkg, legs)
  }
  return { signals: toSignals(byPackage), ignored }
}

export function toSignals(byPackage: Map<string, Leg[]>): PackageSignal[] {
  return [...byPackage.entries()]
    .sort(([a], [b]) => byCodePoint(a, b))
    .map(([pkg, legs]) => ({ package: pkg, signal: signalOf(legs), legs }))
}
