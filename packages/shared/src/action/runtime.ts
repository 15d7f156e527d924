import * as core from './core-lite.js'
import path from 'node:path'
import { isUserError } from '../errors.js'
import { describeApiError, isRequestFailure, TimeBudgetError } from '../github/api-error.js'
import type { Finding } from '../findings.js'
import { readRunContext, RunContext } from './event.js'
import { Inputs } from './inputs.js'
import { createLogger, Logger, StepLogger } from './log.js'
import { ActionResult, encodeOutputs } from './result.js'
import { capSummary } from './summary.js'

/**
 * The one place that talks to the runner through @actions/core: it builds typed inputs, the run
 * context and the step logger, calls the action's `main`, and writes outputs, annotations and the
 * job summary. Log lines are written as `main` produces them, never held back, so a crash still
 * shows what came before it; any error then ends the step with one `::error::` line (see
 * failureLine).
 */
export async function runAction(
  main: (inputs: Inputs, ctx: RunContext, log: Logger) => Promise<ActionResult>
): Promise<void> {
  // Debug lines are written only when the runner would show them: it drops them otherwise.
  const log = createLogger(core.info, { debug: isDebug(process.env) })
  // An error thrown outside main's promise chain (a callback, a stream) would otherwise end the
  // process with a bare stack on stderr. Every write is synchronous, so exiting at once loses none.
  process.once('uncaughtException', (error) => {
    fail(log, error)
    process.exit(1)
  })
  try {
    const inputs = new Inputs((name) => core.getInput(name))
    const ctx = readRunContext(process.env)
    const result = await main(inputs, ctx, log)
    for (const line of result.log) log.info(line)
    for (const f of result.findings) annotate(f, workspacePath(ctx.workspace, result.root))
    const outputs = encodeOutputs(result.outputs)
    for (const [k, v] of Object.entries(outputs)) core.setOutput(k, v)
    if (result.summary) writeSummary(result.summary)
    if (result.failure) core.setFailed(result.failure)
  } catch (e) {
    fail(log, e)
  }
}

function fail(log: StepLogger, thrown: unknown): void {
  log.closeGroup()
  if (isUserError(thrown) && thrown.file) {
    // One annotation, on the file and line.
    core.error(thrown.describe(), {
      file: thrown.file,
      startLine: thrown.line,
      startColumn: thrown.column
    })
    process.exitCode = 1
  } else core.setFailed(failureLine(thrown, isDebug(process.env)))
}

/** Debug logging is on: the runner sets RUNNER_DEBUG; ACTIONS_STEP_DEBUG is the switch users set. */
export function isDebug(env: NodeJS.ProcessEnv): boolean {
  return env.RUNNER_DEBUG === '1' || env.ACTIONS_STEP_DEBUG === 'true'
}

/**
 * A UserError is the caller's or the repository's fault: its message alone. A failed GitHub call
 * that no action caught is not a bug either: one line naming the call, the status, GitHub's
 * message and what to check (describeApiError). Anything else is a bug in this suite: its name
 * and message. The stack only with debug logging on, since a stack helps whoever fixes the bug
 * and buries the one line everybody else reads.
 */
export function failureLine(error: unknown, debug: boolean): string {
  if (isUserError(error)) return error.message
  if (!(error instanceof Error)) return `unexpected error: ${String(error)}`
  const stack = debug && error.stack ? `\n${error.stack}` : ''
  if (isRequestFailure(error) || error instanceof TimeBudgetError)
    return `GitHub call failed: ${describeApiError(error)}${stack}`
  const hint = debug ? '' : ' (re-run with debug logging for the stack trace)'
  return `unexpected error: ${debug && error.stack ? error.stack : `${error.name}: ${error.message}`}${hint}`
}

/** Maps a repo-relative path to the workspace-relative one the runner needs for inline annotations. */
function workspacePath(workspace: string, root: string | undefined): (file: string) => string {
  return (file) =>
    root ? path.relative(workspace, path.join(root, file)).split(path.sep).join('/') : file
}

function annotate(finding: Finding, toWorkspace: (file: string) => string): void {
  const props = {
    file: finding.file === undefined ? undefined : toWorkspace(finding.file),
    startLine: finding.line,
    startColumn: finding.column,
    title: finding.code
      ? `${finding.code}${finding.package ? ` ${finding.package}` : ''}`
      : finding.package
  }
  if (finding.severity === 'error') core.error(finding.message, props)
  else core.warning(finding.message, props)
}

function writeSummary(md: string): void {
  // A summary that cannot be written (no GITHUB_STEP_SUMMARY locally) must not fail the step.
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    core.appendSummary(capSummary(md))
  } catch (e) {
    core.warning(`could not write the job summary: ${(e as Error).message}`)
  }
}
