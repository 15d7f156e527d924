import { UserError } from './errors.js'

/**
 * A repository file's JSON, parsed; invalid JSON is a UserError naming the file and, where the
 * parser says where it stopped, the line and column. V8 reports an offset (`at position 7`) or,
 * in newer versions, `(line 2 column 3)`; a message with neither still names the file.
 */
export function parseRepoJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text)
  } catch (e) {
    const message = (e as Error).message
    throw new UserError(`invalid JSON: ${message}`, { file, ...jsonErrorPlace(text, message) })
  }
}

function jsonErrorPlace(text: string, message: string): { line?: number; column?: number } {
  const lineColumn = /\(line (\d+) column (\d+)\)/.exec(message)
  if (lineColumn) return { line: Number(lineColumn[1]), column: Number(lineColumn[2]) }
  const position = /at position (\d+)/.exec(message)
  const offset = position
    ? Number(position[1])
    : /Unexpected end of JSON input/.test(message)
      ? text.length
      : undefined
  if (offset === undefined) return {}
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 }
}

/** The 1-based line of the first occurrence of `name` as a JSON string, if any. */
export function jsonStringLine(text: string, name: string): number | undefined {
  const i = text.indexOf(JSON.stringify(name))
  return i < 0 ? undefined : text.slice(0, i).split('\n').length
}
