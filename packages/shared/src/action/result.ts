import { UserError } from '../errors.js'
import type { Finding } from '../findings.js'

/** What one action run decided, as plain data; run() hands it to the runner. */
export interface ActionResult {
  outputs: Record<string, string | number | boolean | object>
  /** Markdown for the job summary. */
  summary: string
  findings: Finding[]
  /** Informational log lines. */
  log: string[]
  /** Set when the step must fail; the message is what the log and the check show. */
  failure?: string
  /** Absolute repository root that finding paths are relative to (annotations need workspace-relative paths). */
  root?: string
}

export function emptyResult(): ActionResult {
  return { outputs: {}, summary: '', findings: [], log: [] }
}

/** GitHub caps a job's outputs at 1 MiB in total. */
const OUTPUT_LIMIT_BYTES = 1024 * 1024

/** Outputs as the strings GitHub stores: JSON for lists and maps, `true`/`false` for booleans. */
export function encodeOutputs(outputs: ActionResult['outputs']): Record<string, string> {
  const out: Record<string, string> = {}
  let total = 0
  for (const [k, v] of Object.entries(outputs)) {
    const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v)
    out[k] = s
    total += Buffer.byteLength(k) + Buffer.byteLength(s)
  }
  if (total > OUTPUT_LIMIT_BYTES) {
    const largest = Object.entries(out).sort((a, b) => b[1].length - a[1].length)[0]
    throw new UserError(
      `outputs total ${total} bytes, over GitHub's ${OUTPUT_LIMIT_BYTES}-byte job output limit ` +
        `(largest: \`${largest[0]}\`, ${Buffer.byteLength(largest[1])} bytes); narrow the run or raise sharding`
    )
  }
  return out
}
