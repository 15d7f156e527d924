// A job summary (GitHub-flavoured Markdown with a little HTML) as plain text for a terminal:
// headings and paragraphs as plain lines, tables as aligned columns, HTML tags and comments gone.
// marked reads the Markdown; this file only decides how each kind of block looks as text.
import { Lexer, type Token, type Tokens } from 'marked'
import stringWidth from 'string-width'

export function markdownToText(markdown: string): string {
  return blocks(Lexer.lex(markdown)).join('\n\n')
}

function blocks(tokens: Token[]): string[] {
  return tokens.map(block).filter((text) => text.trim() !== '')
}

function block(token: Token): string {
  switch (token.type) {
    case 'heading':
    case 'paragraph':
      return inline(token.tokens ?? [])
    case 'text':
      return token.tokens ? inline(token.tokens) : decodeEntities(token.text)
    case 'code':
      return token.text
    case 'table':
      return table(token as Tokens.Table)
    case 'list':
      return list(token as Tokens.List)
    case 'blockquote':
      return indent(blocks(token.tokens ?? []).join('\n\n'), '  ')
    case 'html':
      // `<details><summary>Changed files (1)</summary>` keeps its title; `</details>` goes.
      return htmlToText(token.text).trim()
    case 'hr':
      return '---'
    case 'space':
    case 'def':
      return ''
    default:
      return token.raw
  }
}

function inline(tokens: Token[]): string {
  return tokens
    .map((token): string => {
      switch (token.type) {
        case 'text':
          return token.tokens ? inline(token.tokens) : decodeEntities(token.text)
        case 'escape':
        case 'codespan':
          return decodeEntities(token.text)
        case 'strong':
        case 'em':
        case 'del':
          return inline(token.tokens ?? [])
        case 'br':
          return '\n'
        case 'html':
          return htmlToText(token.text)
        case 'link': {
          const text = inline(token.tokens ?? [])
          return text === token.href ? text : `${text} (${token.href})`
        }
        case 'image':
          return `[${token.text || 'image'}]`
        default:
          return token.raw
      }
    })
    .join('')
}

function list(listToken: Tokens.List): string {
  const first = typeof listToken.start === 'number' ? listToken.start : 1
  return listToken.items
    .map((item, i) => {
      const marker = listToken.ordered ? `${first + i}. ` : '- '
      const text = blocks(item.tokens).join(item.loose ? '\n\n' : '\n')
      return marker + indent(text, ' '.repeat(marker.length)).trimStart()
    })
    .join('\n')
}

/** Columns padded to their widest cell (emoji count double); a `<br>` in a cell starts a line. */
function table(tableToken: Tokens.Table): string {
  const rows = [tableToken.header, ...tableToken.rows].map((row) =>
    row.map((c) => inline(c.tokens).split('\n'))
  )
  const widths = tableToken.header.map((_, col) =>
    Math.max(...rows.flatMap((row) => (row[col] ?? []).map((line) => stringWidth(line))))
  )
  const pad = (text: string, col: number) => {
    const gap = ' '.repeat(Math.max(0, widths[col] - stringWidth(text)))
    return tableToken.align[col] === 'right' ? gap + text : text + gap
  }
  const render = (row: string[][]) => {
    const height = Math.max(...row.map((cell) => cell.length))
    return Array.from({ length: height }, (_, line) =>
      widths
        .map((_, col) => pad(row[col]?.[line] ?? '', col))
        .join('  ')
        .trimEnd()
    ).join('\n')
  }
  const rule = widths.map((w) => '-'.repeat(w)).join('  ')
  return [render(rows[0]), rule, ...rows.slice(1).map(render)].join('\n')
}

function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<!--[\s\S]*?(-->|$)/g, '')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/?[A-Za-z][^>]*>/g, '')
  )
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#')
      return String.fromCodePoint(
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1))
      )
    return ENTITIES[name.toLowerCase()] ?? whole
  })
}

const indent = (text: string, by: string) =>
  text
    .split('\n')
    .map((line) => (line ? by + line : line))
    .join('\n')
