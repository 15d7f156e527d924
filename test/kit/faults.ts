// The faults every write route of the fault-matrix tests meets (bump-versions, smoke-reporter,
// archival-sweep): one list, so each action is held to the same bad day on GitHub.
import type { FaultSpec } from '@contribs-actions/github-emulator'

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
