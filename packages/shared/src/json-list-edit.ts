/**
 * Edits one list of a small JSON document (`{"subpackages": [...]}`, `{"packages": [...]}`) as
 * text: an item is removed or appended and every other byte (spacing, key order, line endings,
 * the other keys) stays as the maintainers wrote it, so the change a bot proposes is the one line
 * that matters. The text is parsed first, so the scanner below only meets valid JSON.
 */
import { UserError } from './errors.js'

/** Where a value lies in the text: its first character and one past its last. */
interface Span {
  start: number
  end: number
}

/**
 * A list found in a text, with its items' spans and values. The two edits below only use the
 * spans, so the meta-package's TOML arrays are edited by them too.
 */
export interface TextList {
  /** The `[` and one past the `]`. */
  span: Span
  items: (Span & { value: unknown })[]
}

const WS = /[ \t\r\n]/

function skipWs(text: string, from: number): number {
  while (from < text.length && WS.test(text[from])) from++
  return from
}

/** One past the end of the JSON value starting at `from` (valid JSON assumed). */
function valueEnd(text: string, from: number): number {
  const c = text[from]
  if (c === '"') {
    from++
    while (from < text.length && text[from] !== '"') from += text[from] === '\\' ? 2 : 1
    return from + 1
  }
  if (c === '[' || c === '{') {
    let depth = 0
    for (; from < text.length; from++) {
      const d = text[from]
      if (d === '"') {
        from = valueEnd(text, from) - 1
        continue
      }
      if (d === '[' || d === '{') depth++
      else if (d === ']' || d === '}') {
        depth--
        if (depth === 0) return from + 1
      }
    }
    return from
  }
  while (from < text.length && !/[\s,\]}]/.test(text[from])) from++
  return from
}

/** The items of the list at `open` (its `[`). */
function listAt(text: string, open: number): TextList {
  const items: TextList['items'] = []
  let i = skipWs(text, open + 1)
  while (text[i] !== ']') {
    const end = valueEnd(text, i)
    items.push({ start: i, end, value: JSON.parse(text.slice(i, end)) })
    i = skipWs(text, end)
    if (text[i] === ',') i = skipWs(text, i + 1)
  }
  return { span: { start: open, end: i + 1 }, items }
}

/**
 * The list under `key` in a document that is one JSON object; undefined when the key is absent.
 * Invalid JSON, a document that is not an object, or a key whose value is not a list is an error
 * naming `file`.
 */
export function findJsonList(text: string, key: string, file: string): TextList | undefined {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    throw new UserError(`invalid JSON: ${(e as Error).message}`, { file })
  }
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new UserError('must be a JSON object', { file })
  if (!(key in data)) return undefined
  if (!Array.isArray((data as Record<string, unknown>)[key]))
    throw new UserError(`"${key}" must be a list`, { file })
  // Walk the top-level object to the last occurrence of the key (the one JSON.parse keeps).
  let at: number | undefined
  let i = skipWs(text, text.indexOf('{') + 1)
  while (text[i] !== '}') {
    const keyEnd = valueEnd(text, i)
    const name = JSON.parse(text.slice(i, keyEnd)) as string
    i = skipWs(text, keyEnd) + 1 // ':'
    i = skipWs(text, i)
    if (name === key) at = i
    i = skipWs(text, valueEnd(text, i))
    if (text[i] === ',') i = skipWs(text, i + 1)
  }
  return at === undefined ? undefined : listAt(text, at)
}

/**
 * The text with item `index` of `list` removed, with the separator on one side of it (a trailing
 * comma after the last item, which TOML allows, stays).
 */
export function removeListItem(text: string, list: TextList, index: number): string {
  const { items } = list
  const item = items[index]
  if (items.length === 1) return text.slice(0, list.span.start + 1) + text.slice(list.span.end - 1)
  if (index < items.length - 1)
    return text.slice(0, item.start) + text.slice(items[index + 1].start)
  return text.slice(0, items[index - 1].end) + text.slice(item.end)
}

/** How `list` separates its items: the text between two of them, or a guess from its layout. */
function separatorOf(text: string, list: TextList): string {
  const { items, span } = list
  if (items.length > 1) return text.slice(items[0].end, items[1].start)
  const before = text.slice(span.start + 1, items[0].start)
  return before.includes('\n') ? `,${before}` : ', '
}

/**
 * The text with `itemJson` inserted into `list` at `index` (at the end when `index` is past it),
 * separated the way the list already separates its items (`, ` on one line, a newline and the
 * items' indentation over several).
 */
export function insertListItem(
  text: string,
  list: TextList,
  index: number,
  itemJson: string
): string {
  const { items, span } = list
  if (!items.length) return text.slice(0, span.start + 1) + itemJson + text.slice(span.end - 1)
  const separator = separatorOf(text, list)
  if (index >= items.length) {
    const last = items[items.length - 1]
    return text.slice(0, last.end) + separator + itemJson + text.slice(last.end)
  }
  const at = items[Math.max(0, index)].start
  return text.slice(0, at) + itemJson + separator + text.slice(at)
}

/** The text with `itemJson` appended to `list` (see insertListItem). */
export function appendListItem(text: string, list: TextList, itemJson: string): string {
  return insertListItem(text, list, list.items.length, itemJson)
}
