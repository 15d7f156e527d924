import { UserError } from './errors.js'
import { lineAt } from './text.js'

/**
 * A repository file's JSON, parsed; invalid JSON is a UserError naming the file, the line and
 * the column where it stops being JSON. The engine's own message is not used: it quotes the
 * file's text (which may be anything) and does not always say where.
 */
export function parseRepoJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text)
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e
  }
  const offset = jsonErrorOffset(text)
  if (offset === undefined) throw new UserError('invalid JSON', { file })
  const before = text.slice(0, offset)
  const line = lineAt(text, offset)
  const column = offset - (before.lastIndexOf('\n') + 1) + 1
  const what =
    offset >= text.length ? 'the file ends too early' : `unexpected ${JSON.stringify(text[offset])}`
  throw new UserError(`invalid JSON at line ${line}, column ${column}: ${what}`, {
    file,
    line,
    column
  })
}

const LITERAL = /(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/y
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4})/y

/**
 * Where JSON.parse gave up: the offset of the first character that cannot continue a JSON text
 * (its length when the text ends too early). Undefined when nested too deep to walk.
 */
function jsonErrorOffset(text: string): number | undefined {
  let i = 0
  const fail = (): never => {
    throw new JsonStop(i)
  }
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++
  }
  const string = () => {
    i++
    while (i < text.length) {
      const c = text[i]
      if (c === '"') return void i++
      if (c === '\\') {
        ESCAPE.lastIndex = i
        if (!ESCAPE.test(text)) fail()
        i = ESCAPE.lastIndex
      } else if (c < ' ') fail()
      else i++
    }
    fail()
  }
  const members = (close: string, member: () => void) => {
    i++
    ws()
    if (text[i] === close) return void i++
    for (;;) {
      member()
      ws()
      if (text[i] === ',') i++
      else if (text[i] === close) return void i++
      else fail()
    }
  }
  const value = (): void => {
    ws()
    const c = text[i]
    if (c === '{')
      return members('}', () => {
        ws()
        if (text[i] !== '"') fail()
        string()
        ws()
        if (text[i] !== ':') fail()
        i++
        value()
      })
    if (c === '[') return members(']', value)
    if (c === '"') return string()
    LITERAL.lastIndex = i
    if (!LITERAL.test(text)) fail()
    i = LITERAL.lastIndex
  }
  try {
    value()
    ws()
    return i < text.length ? i : undefined
  } catch (e) {
    if (e instanceof JsonStop) return e.offset
    if (e instanceof RangeError) return undefined
    throw e
  }
}

class JsonStop {
  constructor(readonly offset: number) {}
}
