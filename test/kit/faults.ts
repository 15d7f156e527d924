// The faults every write route of the fault-matrix tests meets (bump-versions, smoke-reporter,
// archival-sweep): one list, so each action is held to the same bad day on GitHub.
import { isDeepStrictEqual } from 'node:util'
import type { BundleRunResult } from '@contribs-actions/cli'
import type { Emulator, FaultSpec } from '@contribs-actions/github-emulator'

export type Fault = Omit<FaultSpec, 'method' | 'route'>

export interface FaultKind {
  name: string
  fault: Fault
  /** Whether a run must absorb it (a retry, a lookup, a wait) and exit 0. */
  survives: boolean
}

export const FAULT_KINDS: FaultKind[] = [
  { name: '502 after the write', fault: { kind: 'status', when: 'after' }, survives: true },
  { name: 'dropped after the write', fault: { kind: 'drop', when: 'after' }, survives: true },
  { name: 'dropped before', fault: { kind: 'drop' }, survives: true },
  { name: '502 past every retry', fault: { kind: 'status', count: 10 }, survives: false },
  { name: 'secondary rate limit', fault: { kind: 'secondary' }, survives: true },
  {
    name: 'primary rate limit past every wait',
    fault: { kind: 'primary', count: 10 },
    survives: false
  }
]

/** One case of a fault matrix: a write route and the fault it meets. */
export interface FaultCase {
  label: string
  /** `POST /repos/{owner}/{repo}/...`: the method comes from the route. */
  route: string
  fault: Fault
  /** Whether the run must absorb the fault and exit 0. */
  survives: boolean
}

export interface FaultCaseRun<S> {
  /** `owner/repo`: the fault is scoped to it, so other cases can run meanwhile. */
  repo: string
  /** One run of the action on that repository. */
  run: () => Promise<BundleRunResult>
  /** What the runs leave behind, comparable with `faultFree`. */
  state: () => S
  faultFree: S
  /** Whether the one error line of a failed run says what it must. */
  clearError: (message: string) => boolean
}

/**
 * What went wrong in one case, or undefined when it held: the run under the fault met it, and
 * either ended in the fault-free state or failed with one clear error line and no stack trace;
 * a re-run without the fault then ends in the fault-free state.
 */
export async function faultCaseProblem<S>(
  emu: Emulator,
  faultCase: FaultCase,
  caseRun: FaultCaseRun<S>
): Promise<string | undefined> {
  emu.addFault({
    ...faultCase.fault,
    method: faultCase.route.split(' ')[0],
    route: faultCase.route,
    repo: caseRun.repo
  })
  const first = await caseRun.run()
  emu.clearFaults(caseRun.repo)
  if (!emu.requests().some((q) => q.fault && q.path.startsWith(`/repos/${caseRun.repo}/`)))
    return `${faultCase.label}: the fault was never met`
  const problem = firstRunProblem(faultCase.survives, first, caseRun)
  if (problem) return `${faultCase.label}: ${problem}`
  const again = await caseRun.run()
  if (again.exitCode !== 0) return `${faultCase.label}: the re-run failed:\n${again.stdout}`
  const state = elsewhere(caseRun)
  return state && `${faultCase.label}: the re-run ended elsewhere:\n${state}`
}

/** The run under the fault: passed into the fault-free state, or failed in one clear line. */
function firstRunProblem<S>(
  survives: boolean,
  run: BundleRunResult,
  caseRun: FaultCaseRun<S>
): string | undefined {
  if (run.exitCode === 0) {
    const state = elsewhere(caseRun)
    return state && `passed but ended elsewhere:\n${state}`
  }
  if (survives) return `failed where it must pass:\n${run.stdout}`
  const errors = run.annotations.filter((a) => a.level === 'error')
  if (run.exitCode !== 1 || errors.length !== 1 || !caseRun.clearError(errors[0].message))
    return `failed without one clear error (exit ${run.exitCode}):\n${run.stdout}`
  if (/\n\s+at .*:\d+:\d+/.test(`${run.stdout}\n${run.stderr}`))
    return `failed with a stack trace:\n${run.stdout}${run.stderr}`
  return undefined
}

/** The state the runs left, when it is not the fault-free one. */
function elsewhere<S>(run: FaultCaseRun<S>): string | undefined {
  const state = run.state()
  return isDeepStrictEqual(state, run.faultFree) ? undefined : JSON.stringify(state, null, 1)
}
