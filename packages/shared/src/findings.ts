/** Something an action found about the repository: an error fails the step, a warning does not. */
export interface Finding {
  severity: 'error' | 'warning'
  message: string
  /** Stable rule code, e.g. `CA101`, where the finding comes from a rule. */
  code?: string
  /** Subpackage folder the finding is about. */
  package?: string
  file?: string
  line?: number
  column?: number
}

/** `file:line`, or `file` alone when there is no line: the place a finding points at. */
export function fileLine(file: string, line?: number): string {
  return line ? `${file}:${line}` : file
}

/** `file:line: message`, the form used in logs and CLI text. */
export function formatFinding(finding: Finding): string {
  const where = finding.file ? `${fileLine(finding.file, finding.line)}: ` : ''
  return `${where}${finding.code ? `${finding.code} ` : ''}${finding.message}`
}
