/**
 * Carries out a plan's steps, oldest due first, within the `max-operations` budget (every write
 * request counts, label creation included). A step is all or nothing for the budget: it starts
 * only when all its writes fit, so a capped run never leaves a milestone half done. What did not
 * fit is left for the next run, which finds it again from GitHub. With no writer (dry run) the
 * same walk is made and nothing is written. Each step is logged through `log` as it is done.
 */
import type { Plan, Step, WriteOp } from './plan.js'

export interface Writer {
  ensureLabel(name: string): Promise<void>
  comment(issue: number, body: string): Promise<void>
  addLabel(issue: number, label: string): Promise<void>
  close(issue: number): Promise<void>
  createIssue(
    title: string,
    body: string,
    labels: string[]
  ): Promise<{ number: number; url: string }>
}

export interface Applied {
  done: Step[]
  /** Steps left for the next run because the budget ran out. */
  pending: Step[]
  /** Steps whose write failed: the step and the error message. */
  failed: { step: Step; error: string }[]
  operations: number
  capped: boolean
  /** Issues opened, by entry key. */
  created: Map<string, { number: number; url: string }>
}

function labelsOf(w: WriteOp): string[] {
  return w.op === 'add-label' ? [w.label] : w.op === 'create-issue' ? w.labels : []
}

export async function applyPlan(
  plan: Plan,
  issueOf: (key: string) => number | null,
  maxOperations: number,
  writer: Writer | undefined,
  log: (line: string) => void
): Promise<Applied> {
  const out: Applied = {
    done: [],
    pending: [],
    failed: [],
    operations: 0,
    capped: false,
    created: new Map()
  }
  const ensured = new Set<string>()
  const broken = new Set<string>()
  const verb = writer ? '' : 'would '
  for (const step of plan.steps) {
    if (out.capped) {
      out.pending.push(step)
      continue
    }
    if (broken.has(step.key)) continue
    const newLabels = [...new Set(step.writes.flatMap(labelsOf))].filter(
      (l) => !ensured.has(l.toLowerCase())
    )
    const cost = step.writes.length + newLabels.length
    if (out.operations + cost > maxOperations) {
      out.capped = true
      out.pending.push(step)
      continue
    }
    const issue = issueOf(step.key)
    try {
      for (const l of newLabels) {
        if (writer) await writer.ensureLabel(l)
        ensured.add(l.toLowerCase())
        out.operations++
      }
      for (const w of step.writes) {
        if (writer) await write(writer, w, issue, step, out)
        out.operations++
      }
      out.done.push(step)
      log(`${verb}${describe(step, issue)}`)
    } catch (e) {
      // The other issues still get their turn; this one's later steps would be out of order.
      broken.add(step.key)
      const message = (e as Error).message
      out.failed.push({ step, error: message })
      log(`failed to ${describe(step, issue)}: ${message}`)
    }
  }
  return out
}

async function write(
  writer: Writer,
  w: WriteOp,
  issue: number | null,
  step: Step,
  out: Applied
): Promise<void> {
  if (w.op === 'create-issue') {
    out.created.set(step.key, await writer.createIssue(w.title, w.body, w.labels))
    return
  }
  if (issue === null) throw new Error(`no issue number for ${step.key}`)
  if (w.op === 'comment') await writer.comment(issue, w.body)
  else if (w.op === 'add-label') await writer.addLabel(issue, w.label)
  else await writer.close(issue)
}

function describe(step: Step, issue: number | null): string {
  const target = issue === null ? step.key.replace(/^new:/, 'a stale issue for ') : `#${issue}`
  return step.action === 'opened' ? `open ${target}` : `${step.action} on ${target}`
}
