/**
 * Carries out the supersede tasks through the Writer, after the run's own bump PRs exist so the
 * comments can link them. For a PR that is ours: the comment, then the branch deleted (only if it
 * still points at the commit that was checked), then the PR closed. The branch goes before the PR
 * is closed so that a failure is recoverable: until then the PR is open, and the next run finds it
 * again among the open PRs and does what is left (the comment is found by its marker). GitHub
 * itself closes a PR whose head branch is deleted; closing it then changes nothing. A failure
 * costs only its own PR and fails the step.
 */
import type { Logger } from '@contribs-actions/shared'
import { reasonOf } from './github.js'
import type { Outcome } from './outcome.js'
import type { Plan } from './plan.js'
import { Replacement, SupersedeTask, supersededComment, supersededMarker } from './supersede.js'
import type { Writer } from './writer.js'

export interface SupersedeContext {
  plan: Plan
  upstream: string
  writer: Writer
  log: Logger
}

/**
 * What replaces a package's older bump: its bump PR of this version (opened now or before), the
 * siblings it still waits for, or nothing because it is at (or past) the version. Undefined when
 * the replacement should exist but does not (its bump failed): the older PR is then left for the
 * next run, so it is never closed without a successor.
 */
function replacementOf(pkg: string, plan: Plan, out: Outcome): Replacement | undefined {
  const opened = out.opened.find((o) => o.package === pkg)
  if (opened) return { kind: 'pull', pull: opened }
  const open = out.skipped.find((o) => o.package === pkg && o.url && o.number !== undefined)
  if (open) return { kind: 'pull', pull: { number: open.number!, url: open.url! } }
  const waits = plan.waitsFor.get(pkg)
  if (waits) return { kind: 'waits', on: waits }
  const entry = plan.entries.find((e) => e.id === pkg)
  if (entry?.state === 'at') return { kind: 'current', state: `at ${plan.version}` }
  if (entry?.state === 'ahead') return { kind: 'current', state: `at ${entry.current}` }
  return undefined
}

export async function applySupersede(
  tasks: SupersedeTask[],
  context: SupersedeContext,
  out: Outcome
): Promise<void> {
  for (const t of tasks) {
    if (t.kind === 'flagged') continue
    const replacement = replacementOf(t.package, context.plan, out)
    if (!replacement) {
      context.log.info(
        `${t.package}: #${t.pull.number} (${t.version}) is left open until its replacement exists`
      )
      continue
    }
    try {
      await supersedeOne(t, replacement, context, out)
    } catch (err) {
      out.failed.push({
        package: t.package,
        reason: `could not supersede #${t.pull.number} (${t.version}): ${reasonOf(err)}; the next run finishes it`
      })
    }
  }
}

async function supersedeOne(
  task: SupersedeTask,
  replacement: Replacement,
  context: SupersedeContext,
  out: Outcome
): Promise<void> {
  const { writer, log, plan } = context
  const id = `${task.package}: #${task.pull.number} (${task.version})`
  if (!task.commented) {
    const body = supersededComment(task, plan.version, replacement, context.upstream)
    await writer.comment(
      task.pull.number,
      body,
      supersededMarker(task.package, task.version, plan.version)
    )
  }
  const done = {
    package: task.package,
    version: task.version,
    number: task.pull.number,
    url: task.pull.url
  }
  if (task.kind === 'flag') {
    log.info(`${id} carries someone else's commits: commented that it is superseded, left open`)
    out.superseded.push({ ...done, action: 'commented' })
    return
  }
  const deleted = await writer.deleteBranch(task.branch, task.sha)
  if (deleted === 'moved') {
    out.warnings.push({
      severity: 'warning',
      package: task.package,
      message: `${id}: ${task.branch} moved while it was being superseded (someone pushed to it), so it and its PR are left as they are`
    })
    return
  }
  await writer.closePull(task.pull.number)
  log.info(`${id}: superseded by ${plan.version}; closed, branch ${task.branch} deleted`)
  out.superseded.push({ ...done, action: 'closed' })
}
