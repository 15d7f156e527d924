/**
 * Carries out a plan's steps, oldest due first, within the `max-operations` budget (every write
 * request counts, label creation included). A step is all or nothing for the budget: it starts
 * only when all its writes fit, so a capped run never leaves a milestone half done. What did not
 * fit is left for the next run, which finds it again from GitHub. Just before its writes, a step
 * on an existing issue is checked again (guard): a step whose issue was closed, unlabelled or
 * recovered meanwhile is held, not done. With no writer (dry run) the same walk is made, the
 * checks included, and nothing is written. Each step is logged through `log` as it is done.
 */
import type { Plan, Step, StepCheck, WriteOp } from './plan.js'
import type { RegistryChange, RegistrySettings } from './registry.js'

/**
 * The most writes one step takes: the archive milestone creates the archive label when the
 * repository lacks it, adds it, and posts the final comment. `max-operations` must allow it, or
 * the archive would never fit a run.
 */
export const MAX_STEP_WRITES = 3

/**
 * The writes of a registry change: a pull request takes a tree, a commit, the branch, the pull
 * request, creating its label when the repository lacks it and adding it; a direct commit a tree,
 * a commit and moving the default branch.
 */
export const REGISTRY_WRITES: Record<RegistrySettings['mode'], number> = {
  'pull-request': 6,
  commit: 3
}

/** What a registry change came to. */
export interface RegistryOutcome {
  /** The pull request opened or found open (pull-request mode). */
  pull?: { number: number; url: string }
  /** Found made by an earlier run or attempt: nothing was written. */
  adopted: boolean
  /** Why nothing was done although it is due (a pull request a maintainer closed). */
  declined?: string
}

/** The sweep's writes. Creates are made exactly once: a lost create is found by its marker. */
export interface Writer {
  ensureLabel(name: string): Promise<void>
  /** Returns whether the comment was found (made by an earlier, lost attempt) rather than posted. */
  comment(issue: number, body: string, marker: string): Promise<{ adopted: boolean }>
  addLabel(issue: number, label: string): Promise<void>
  close(issue: number): Promise<void>
  createIssue(
    title: string,
    body: string,
    labels: string[],
    pkg: string
  ): Promise<{ number: number; url: string; adopted: boolean }>
  /** Opens the change's pull request (or commits it), exactly once. */
  registry(
    change: RegistryChange,
    mode: RegistrySettings['mode'],
    label: string
  ): Promise<RegistryOutcome>
}

/** Why a step must not run now. `warning`: a state someone should look at, not a normal race. */
export interface Hold {
  reason: string
  warning: boolean
}

/** Reads the issue (and the smoke state) again just before a step; a failed read throws. */
export interface Guard {
  /** Undefined when the step may run. */
  hold(check: StepCheck): Promise<Hold | undefined>
}

export interface ApplyOptions {
  maxOperations: number
  /** Undefined in a dry run. */
  writer?: Writer
  guard?: Guard
  /**
   * Run before each step: throws when this run no longer holds the sweep's lease (another
   * sweep took it over), which stops the run; every step left is pending for the next one.
   */
  fence?: () => Promise<void>
  log: (line: string) => void
}

export interface Applied {
  done: Step[]
  /** Steps left for the next run because the budget ran out. */
  pending: Step[]
  /** Steps whose write (or check) failed: the step and the error message. */
  failed: { step: Step; error: string }[]
  /** Steps not run because their issue changed since it was listed, with why. */
  held: ({ step: Step } & Hold)[]
  operations: number
  capped: boolean
  /**
   * Why this run stopped writing: another sweep took its lease over (a wait outlasted it). The
   * step it was on and every later one are pending, left to that sweep or the next run.
   */
  handedOver?: string
  /** Issues opened, by entry key. */
  created: Map<string, { number: number; url: string }>
  /** Registry changes carried out (or found done), by entry key. */
  registry: Map<string, RegistryOutcome>
}

function labelsOf(write: WriteOp): string[] {
  // A registry pull request's label is made only when the pull request lacks it (its weight).
  if (write.op === 'registry') return []
  return write.op === 'add-label' ? [write.label] : write.op === 'create-issue' ? write.labels : []
}

/** The write requests one write takes. */
function weightOf(write: WriteOp): number {
  return write.op === 'registry' ? REGISTRY_WRITES[write.mode] : 1
}

/** Nothing applied yet; `pending` holds the steps left for another run. */
export function nothingApplied(pending: Applied['pending'] = []): Applied {
  return {
    done: [],
    pending,
    failed: [],
    held: [],
    operations: 0,
    capped: false,
    created: new Map(),
    registry: new Map()
  }
}

export async function applyPlan(plan: Plan, options: ApplyOptions): Promise<Applied> {
  const out = nothingApplied()
  const ensured = new Set<string>()
  const broken = new Set<string>()
  let stopped = false
  for (const step of plan.steps) {
    if (out.capped || stopped) {
      out.pending.push(step)
      continue
    }
    // The other issues still get their turn; this one's later steps would be out of order.
    if (broken.has(step.key)) continue
    const newLabels = [...new Set(step.writes.flatMap(labelsOf))].filter(
      (l) => !ensured.has(l.toLowerCase())
    )
    const weight = step.writes.reduce((sum, w) => sum + weightOf(w), 0)
    if (out.operations + weight + newLabels.length > options.maxOperations) {
      out.capped = true
      out.pending.push(step)
      continue
    }
    try {
      await options.fence?.()
      const hold = step.check && options.guard ? await options.guard.hold(step.check) : undefined
      if (hold) {
        broken.add(step.key)
        out.held.push({ step, ...hold })
        options.log(`held ${describe(step)}: ${hold.reason}`)
        continue
      }
      const found = await runStep(step, newLabels, ensured, out, options.writer)
      out.done.push(step)
      options.log(
        `${options.writer ? '' : 'would '}${describe(step)}` +
          (found ? ' (found what an earlier attempt made: not made twice)' : '')
      )
    } catch (e) {
      broken.add(step.key)
      const message = (e as Error).message
      if ((e as Error).name === 'LeaseLostError') {
        // Not a failure: the sweep that took the lease over does this work (the markers and
        // labels it finds keep what was sent before the stop from being sent twice).
        stopped = true
        out.handedOver = message
        out.pending.push(step)
        options.log(`stopped before ${describe(step)}: ${message}`)
        continue
      }
      out.failed.push({ step, error: message })
      options.log(`failed to ${describe(step)}: ${message}`)
    }
  }
  return out
}

/** One step's writes, in order; returns whether a create was adopted rather than made. */
async function runStep(
  step: Step,
  newLabels: string[],
  ensured: Set<string>,
  out: Applied,
  writer: Writer | undefined
): Promise<boolean> {
  let adopted = false
  for (const l of newLabels) {
    if (writer) await writer.ensureLabel(l)
    ensured.add(l.toLowerCase())
    out.operations++
  }
  for (const w of step.writes) {
    if (writer) adopted = (await write(writer, w, step, out)) || adopted
    out.operations += weightOf(w)
  }
  return adopted
}

async function write(writer: Writer, writeOp: WriteOp, step: Step, out: Applied): Promise<boolean> {
  if (writeOp.op === 'create-issue') {
    const made = await writer.createIssue(
      writeOp.title,
      writeOp.body,
      writeOp.labels,
      writeOp.package
    )
    out.created.set(step.key, { number: made.number, url: made.url })
    return made.adopted
  }
  if (writeOp.op === 'registry') {
    const outcome = await writer.registry(writeOp.change, writeOp.mode, writeOp.label)
    out.registry.set(step.key, outcome)
    return outcome.adopted
  }
  const issue = step.issue
  if (issue === null) throw new Error(`no issue number for ${step.key}`)
  if (writeOp.op === 'comment')
    return (await writer.comment(issue, writeOp.body, writeOp.marker)).adopted
  if (writeOp.op === 'add-label') await writer.addLabel(issue, writeOp.label)
  else await writer.close(issue)
  return false
}

function describe(step: Step): string {
  const registry = step.writes.find((w) => w.op === 'registry')
  if (registry?.op === 'registry')
    return `${step.action} for ${registry.change.package} (#${registry.change.issue})`
  if (step.issue === null) return `open ${step.key.replace(/^new:/, 'a stale issue for ')}`
  return `${step.action} on #${step.issue}`
}
