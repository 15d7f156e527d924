import { markdownToText } from './markdown-text.js'
import type { Annotation, BundleRunResult } from './run-bundle.js'

interface Violation {
  package?: string
  code?: string
  message: string
  file?: string
  line?: number
}

/** What the CLI prints for a run: the result on stdout, diagnostics (annotations) on stderr. */
export interface Printed {
  stdout: string
  stderr: string
}

/** In text, an output longer than this is cut: `--format json` is the way to read it whole. */
const TEXT_OUTPUT_LIMIT = 240

export function printRun(
  action: string,
  format: 'text' | 'json',
  result: BundleRunResult
): Printed {
  if (format === 'json') {
    return {
      stdout: JSON.stringify(outputsAsJson(result.outputs), null, 2) + '\n',
      stderr: diagnostics(result.annotations, result)
    }
  }
  const lead = action === 'validate-structure' ? violationList(result) : undefined
  const summary = markdownToText(result.summary)
  const sections = [lead?.text, summary, outputsText(result.outputs)].filter((s) => s)
  return {
    stdout: sections.length ? sections.join('\n\n') + '\n' : '',
    stderr: diagnostics(
      result.annotations.filter((a) => !lead?.shown.includes(a)),
      result
    )
  }
}

/** The text the CLI prints on stdout (`contribs-actions <action> --path DIR`). */
export function formatResult(
  action: string,
  format: 'text' | 'json',
  result: BundleRunResult
): string {
  return printRun(action, format, result).stdout
}

/**
 * The outputs as one object. An output that holds a JSON object or array becomes that value; the
 * others stay the strings the action set (`"90"`, `"true"`, `"0.8.0"`), as `steps.<id>.outputs`
 * holds them: a version like `1.10` must not turn into the number 1.1.
 */
export function outputsAsJson(outputs: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(outputs)) {
    out[name] = value
    if (!/^\s*[[{]/.test(value)) continue
    try {
      out[name] = JSON.parse(value)
    } catch {
      // Text that merely starts with a bracket stays text.
    }
  }
  return out
}

function outputsText(outputs: Record<string, string>): string {
  const entries = Object.entries(outputs)
  if (!entries.length) return ''
  const lines = entries.map(([name, value]) => {
    const chars = [...value]
    const shown =
      chars.length > TEXT_OUTPUT_LIMIT
        ? `${chars.slice(0, TEXT_OUTPUT_LIMIT).join('')}… (${chars.length - TEXT_OUTPUT_LIMIT} more characters; --format json prints it whole)`
        : value
    return `${name}: ${shown.replace(/\n/g, '\n  ')}`
  })
  return ['outputs', ...lines].join('\n')
}

/**
 * validate-structure leads with its verdict and one line per violation (`file:line: CODE
 * message`), the form linters print and tools such as editors read. The violations are its error
 * annotations, so those are not repeated on stderr.
 */
function violationList(result: BundleRunResult): { text: string; shown: Annotation[] } | undefined {
  if (result.outputs.violations === undefined) return undefined
  const violations = JSON.parse(result.outputs.violations) as Violation[]
  const lines = [
    violations.length
      ? `FAIL (${violations.length} violation${violations.length === 1 ? '' : 's'})`
      : 'PASS'
  ]
  for (const v of violations)
    lines.push(
      `${v.file ?? v.package}${v.line ? `:${v.line}` : ''}: ${v.code ?? ''} ${v.message}`.replace(
        /: {2}/,
        ': '
      )
    )
  return {
    text: lines.join('\n'),
    shown: result.annotations.filter((a) => a.level === 'error' && a.file)
  }
}

/** Annotations as compilers print them (`file:line: warning: message`), then a failed run's stderr. */
function diagnostics(annotations: Annotation[], result: BundleRunResult): string {
  // A step's failing error names its place in the message too, for the runner's log, which
  // shows no place: said once here.
  const lines = annotations.map(
    (a) =>
      `${where(a)}${a.level}: ${where(a) && a.message.startsWith(where(a)) ? a.message.slice(where(a).length) : a.message}`
  )
  if (result.exitCode !== 0 && result.stderr.trim()) lines.push(result.stderr.trimEnd())
  return lines.length ? lines.join('\n') + '\n' : ''
}

function where(place: { file?: string; line?: number }): string {
  return place.file ? `${place.file}${place.line ? `:${place.line}` : ''}: ` : ''
}

/**
 * The step's log as a terminal shows it: `::debug::` lines as `debug: ...`, a group's title as a
 * heading line, the other workflow commands (annotations, printed apart, and the runner's
 * bookkeeping) left out.
 */
export function stepLog(stdout: string): string {
  const lines: string[] = []
  for (const line of stdout.split('\n')) {
    const command = /^::([\w-]+)(?: [^:]*)?::(.*)$/.exec(line)
    if (!command) {
      if (line) lines.push(line)
    } else if (command[1] === 'debug') lines.push(`debug: ${unescapeData(command[2])}`)
    else if (command[1] === 'group') lines.push(`-- ${unescapeData(command[2])}`)
  }
  return lines.length ? lines.join('\n') + '\n' : ''
}

/** A workflow command's message as @actions/core escaped it, back to its text. */
const unescapeData = (text: string) =>
  text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
