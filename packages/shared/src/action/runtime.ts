import * as core from './core-lite.js'
import path from 'node:path'
import { isUserError } from '../errors.js'
import type { Finding } from '../findings.js'
import { readRunContext, RunContext } from './event.js'
import { Inputs } from './inputs.js'
import { ActionResult, encodeOutputs } from './result.js'
import { capSummary } from './summary.js'

/**
 * The one place that talks to the runner through @actions/core: it builds typed inputs and the
 * run context, calls the action's `main`, and writes outputs, annotations and the job summary.
 * A UserError becomes one clear failure line (file and line as an annotation, no stack); any
 * other error is a bug and keeps its stack.
 */
export async function runAction(
  main: (inputs: Inputs, ctx: RunContext) => Promise<ActionResult>
): Promise<void> {
  try {
    const inputs = new Inputs((name) => core.getInput(name))
    const ctx = readRunContext(process.env)
    const result = await main(inputs, ctx)
    for (const line of result.log) core.info(line)
    for (const f of result.findings) annotate(f, workspacePath(ctx.workspace, result.root))
    const outputs = encodeOutputs(result.outputs)
    for (const [k, v] of Object.entries(outputs)) core.setOutput(k, v)
    if (result.summary) writeSummary(result.summary)
    if (result.failure) core.setFailed(result.failure)
  } catch (e) {
    if (isUserError(e)) {
      // One annotation: on the file and line when known, else the plain failure line.
      if (e.file) {
        core.error(e.describe(), { file: e.file, startLine: e.line, startColumn: e.column })
        process.exitCode = 1
      } else core.setFailed(e.message)
    } else {
      core.setFailed(e instanceof Error ? (e.stack ?? e.message) : String(e))
    }
  }
}

/** Maps a repo-relative path to the workspace-relative one the runner needs for inline annotations. */
function workspacePath(workspace: string, root: string | undefined): (file: string) => string {
  return (file) =>
    root ? path.relative(workspace, path.join(root, file)).split(path.sep).join('/') : file
}

function annotate(f: Finding, toWorkspace: (file: string) => string): void {
  const props = {
    file: f.file === undefined ? undefined : toWorkspace(f.file),
    startLine: f.line,
    startColumn: f.column,
    title: f.code ? `${f.code}${f.package ? ` ${f.package}` : ''}` : f.package
  }
  if (f.severity === 'error') core.error(f.message, props)
  else core.warning(f.message, props)
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
