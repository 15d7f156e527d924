// In-process runs of validate-structure's run() over real folders (no mocks): the fast path for
// rule-by-rule tests. bundle.test.ts runs the built bundle for the end-to-end stories.
import { ActionResult, createLogger, Inputs, RunContext } from '@contribs-actions/shared'
import { run } from '../src/main.js'
import type { Violation } from '../src/report.js'

export interface Run {
  result: ActionResult
  violations: Violation[]
  /** `code package` pairs, the compact form most assertions need. */
  codes: string[]
  /** The lines run() logged while it ran (workflow commands included). */
  log: string[]
}

export async function validate(dir: string, inputs: Record<string, string> = {}): Promise<Run> {
  const ctx: RunContext = {
    eventName: 'pull_request',
    event: {},
    workspace: dir,
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com'
  }
  const log: string[] = []
  const result = await run(
    new Inputs((n) => inputs[n] ?? ''),
    ctx,
    createLogger((text) => log.push(...text.split('\n')))
  )
  const violations = JSON.parse(result.outputs.violations as string) as Violation[]
  return { result, violations, codes: violations.map((v) => `${v.code} ${v.package}`), log }
}

export function warnings(
  run: Run
): { code?: string; message: string; file?: string; line?: number }[] {
  return run.result.findings.filter((f) => f.severity === 'warning')
}
