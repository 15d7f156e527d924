/** A small Markdown builder for job summaries; pure, so summaries are tested as strings. */
export class Markdown {
  private parts: string[] = []

  heading(text: string, level = 2): this {
    this.parts.push(`${'#'.repeat(level)} ${text}\n`)
    return this
  }

  para(text: string): this {
    this.parts.push(`${text}\n`)
    return this
  }

  list(items: string[]): this {
    if (items.length) this.parts.push(items.map((i) => `- ${i}`).join('\n') + '\n')
    return this
  }

  table(header: string[], rows: (string | number)[][]): this {
    if (!rows.length) return this
    const line = (cells: (string | number)[]) =>
      `| ${cells.map((c) => cell(String(c))).join(' | ')} |`
    this.parts.push(
      [line(header), `|${header.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n') +
        '\n'
    )
    return this
  }

  details(summaryText: string, body: string): this {
    this.parts.push(
      `<details><summary>${escapeHtml(summaryText)}</summary>\n\n${body}\n</details>\n`
    )
    return this
  }

  code(text: string, lang = ''): this {
    const fence = text.includes('```') ? '````' : '```'
    this.parts.push(`${fence}${lang}\n${text.replace(/\n$/, '')}\n${fence}\n`)
    return this
  }

  toString(): string {
    return this.parts.join('\n')
  }
}

export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>')
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

export function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``
}

/** GitHub rejects step summaries over 1 MiB; keep well under and say what was cut. */
const SUMMARY_LIMIT_BYTES = 1000 * 1000

export function capSummary(md: string): string {
  if (Buffer.byteLength(md) <= SUMMARY_LIMIT_BYTES) return md
  const note =
    '\n\n_(summary truncated: over the 1 MiB step-summary limit; the outputs hold everything)_\n'
  let cut = md.slice(0, SUMMARY_LIMIT_BYTES - 200)
  while (Buffer.byteLength(cut) > SUMMARY_LIMIT_BYTES - 200) cut = cut.slice(0, -1000)
  return cut + note
}
