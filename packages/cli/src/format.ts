import type { BundleRunResult } from './run-bundle.js'

interface Violation {
  package?: string
  code?: string
  message: string
  file?: string
  line?: number
}

/** How the CLI prints a run: JSON for tools, text for people (validate-structure: PASS/FAIL). */
export function formatResult(action: string, format: 'text' | 'json', r: BundleRunResult): string {
  if (format === 'json') {
    return (
      JSON.stringify(
        { exitCode: r.exitCode, outputs: r.outputs, annotations: r.annotations },
        null,
        2
      ) + '\n'
    )
  }
  const lines: string[] = []
  if (action === 'validate-structure' && r.outputs.violations !== undefined) {
    const violations = JSON.parse(r.outputs.violations) as Violation[]
    lines.push(
      violations.length
        ? `FAIL (${violations.length} violation${violations.length === 1 ? '' : 's'})`
        : 'PASS'
    )
    for (const v of violations)
      lines.push(
        `${v.file ?? v.package}${v.line ? `:${v.line}` : ''}: ${v.code ?? ''} ${v.message}`.replace(
          /: {2}/,
          ': '
        )
      )
    for (const a of r.annotations.filter((x) => x.level !== 'error'))
      lines.push(`${where(a)}${a.level}: ${a.message}`)
    return lines.join('\n') + '\n'
  }
  for (const a of r.annotations) lines.push(`${where(a)}${a.level}: ${a.message}`)
  for (const [k, v] of Object.entries(r.outputs)) lines.push(`${k}: ${v}`)
  if (r.exitCode !== 0) {
    const failed = /^::error::(.*)$/m.exec(r.stdout)
    if (failed && !r.annotations.some((a) => a.message === failed[1]))
      lines.push(`error: ${failed[1]}`)
  }
  return lines.join('\n') + '\n'
}

function where(a: { file?: string; line?: number }): string {
  return a.file ? `${a.file}${a.line ? `:${a.line}` : ''}: ` : ''
}
