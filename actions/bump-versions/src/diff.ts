/** Lines with their terminators, so a changed line ending or a missing final newline shows. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? []
}

/**
 * A unified diff (`git diff` format, 3 lines of context) between two versions of a file. The
 * edits this action makes change or insert one line, so the hunk is found from the common prefix
 * and suffix: exact for such edits, and still a correct (if not minimal) diff for any other.
 */
export function unifiedDiff(file: string, before: string, after: string, context = 3): string {
  if (before === after) return ''
  const a = splitLines(before)
  const b = splitLines(after)
  let pre = 0
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++
  let suf = 0
  while (
    suf < a.length - pre &&
    suf < b.length - pre &&
    a[a.length - 1 - suf] === b[b.length - 1 - suf]
  )
    suf++
  const start = Math.max(0, pre - context)
  const endA = Math.min(a.length, a.length - suf + context)
  const endB = Math.min(b.length, b.length - suf + context)
  const out: string[] = [`--- a/${file}`, `+++ b/${file}`]
  const range = (from: number, to: number) => {
    const count = to - from
    // An empty side is `-N,0` where N is the line before the hunk (git's convention).
    return count === 0 ? `${from},0` : count === 1 ? `${from + 1}` : `${from + 1},${count}`
  }
  out.push(`@@ -${range(start, endA)} +${range(start, endB)} @@`)
  const show = (mark: string, line: string) => {
    out.push(mark + line.replace(/\r?\n$/, (eol) => (eol === '\r\n' ? '\r' : '')))
    if (!line.endsWith('\n')) out.push('\\ No newline at end of file')
  }
  for (let k = start; k < pre; k++) show(' ', a[k])
  for (let k = pre; k < a.length - suf; k++) show('-', a[k])
  for (let k = pre; k < b.length - suf; k++) show('+', b[k])
  for (let k = a.length - suf; k < endA; k++) show(' ', a[k])
  return out.join('\n') + '\n'
}
