/**
 * Checks that keep a sweep from leaving a transition half done. Before any write, every planned
 * text is held against GitHub's limits: a write GitHub refuses every time (an over-long comment)
 * would otherwise fail after the archive label went on, on every run. Just before each step, the
 * issue is checked again: still open, still labelled, and (for a tracking issue) not a package
 * smoke-reporter has recorded green. Pure over plain data; the reads are in guard.ts.
 */
import { BODY_MAX_LENGTH, TITLE_MAX_LENGTH } from '@contribs-actions/shared/github'
import type { Plan, Step, StepCheck, WriteOp } from './plan.js'

const n = (x: number) => x.toLocaleString('en-US')

/** What GitHub would refuse in one write: a key (one line per text and field) and the message. */
function problemOf(write: WriteOp, step: Step): { key: string; message: string } | undefined {
  const on = step.key.startsWith('new:') ? step.key.slice(4) : step.key
  if (write.op === 'comment' && write.body.length > BODY_MAX_LENGTH)
    return {
      key: write.text,
      message:
        `\`${write.text}\` makes the ${step.action} comment on ${on} ${n(write.body.length)} characters ` +
        `long (marker included); GitHub allows ${n(BODY_MAX_LENGTH)}: shorten \`${write.text}\``
    }
  if (write.op !== 'create-issue') return undefined
  for (const [field, text, max] of [
    ['title', write.title, TITLE_MAX_LENGTH],
    ['body', write.body, BODY_MAX_LENGTH]
  ] as const) {
    if (text.length > max)
      return {
        key: `stale issue ${field}`,
        message: `the stale issue ${field} for ${on} is ${n(text.length)} characters long; GitHub allows ${n(max)}`
      }
  }
  return undefined
}

/**
 * What GitHub would refuse among the planned writes, one line per text and field (naming the
 * first issue it hits): empty when every write fits.
 */
export function writeProblems(plan: Plan): string[] {
  const found = new Map<string, string>()
  for (const step of plan.steps) {
    for (const w of step.writes) {
      const p = problemOf(w, step)
      if (p && !found.has(p.key)) found.set(p.key, p.message)
    }
  }
  return [...found.values()]
}

/** An issue as it stands when a step is about to run. */
export interface IssueNow {
  open: boolean
  labels: string[]
}

/** Why a step must not run on the issue as it stands now; undefined when it may. */
export function issueHold(check: StepCheck, now: IssueNow): string | undefined {
  if (!now.open) return `#${check.issue} was closed since it was listed: nothing posted`
  const label = check.label
  if (label && !now.labels.some((l) => l.toLowerCase() === label.toLowerCase()))
    return `\`${label}\` was removed from #${check.issue} since it was listed (the clock stopped): nothing posted`
  const without = check.without
  if (without && now.labels.some((l) => l.toLowerCase() === without.toLowerCase()))
    return `\`${without}\` was put on #${check.issue} since it was listed (the timeline is paused): nothing posted`
  return undefined
}

/**
 * Whether smoke-reporter's stored state says the package is green: its `consecutive_failures`
 * is 0, which every green run writes (the counter is one of the reference bot's fields, kept under
 * its name). Undefined when the text says nothing (not JSON, no counter).
 */
export function smokeSaysGreen(stateText: string): boolean | undefined {
  let data: unknown
  try {
    data = JSON.parse(stateText)
  } catch {
    return undefined
  }
  const failures = (data as { consecutive_failures?: unknown } | null)?.consecutive_failures
  return typeof failures === 'number' ? failures === 0 : undefined
}

/**
 * The hold for a tracking issue whose package smoke-reporter has recorded green while its label
 * is still on (the recovery's label removal failed, or is under way): no milestone is posted and
 * the package is not archived. smoke-reporter's next run finishes the recovery and removes the
 * label, which stops the clock.
 */
export function smokeHold(check: StepCheck, green: boolean | undefined): string | undefined {
  if (!check.smoke || green !== true) return undefined
  return (
    `smoke-reporter's state says \`${check.smoke}\` is green, yet #${check.issue} still carries ` +
    `\`${check.label}\`: nothing posted and not archived (smoke-reporter's next run removes the ` +
    `label; remove it by hand if that run does not come)`
  )
}
