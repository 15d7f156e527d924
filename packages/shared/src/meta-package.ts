/**
 * The meta-package: the root pyproject.toml whose `[project.optional-dependencies]` has one extra
 * per subpackage (`dspy = ["mellea-contribs-dspy"]`) and usually an `all` extra naming them all.
 * Taking a package out (archival) and putting it back are text → text edits that keep every other
 * byte of the file as written; what was taken out is returned so the reverse edit restores
 * exactly that. Pure: the callers read and write the file.
 */
import { UserError } from './errors.js'
import { insertListItem, removeListItem, TextList } from './json-list-edit.js'
import { normalizeName } from './pep503.js'
import { leadingName } from './pep508.js'
import { scanToml, TomlStatement } from './toml.js'
import { parseToml } from './toml.js'

const TABLE = ['project', 'optional-dependencies']

/** What removeFromExtras took out. */
export interface RemovedExtras {
  /** Extras taken out whole: their name, the lines as written, and the extra they followed. */
  extras: { name: string; text: string; after?: string }[]
  /** Items taken out of other extras (`all`): the extra, the item as written and its place. */
  members: { extra: string; item: string; index: number }[]
  /**
   * Self-references naming extras taken out among others, narrowed to the rest: `all`'s
   * `"<meta>[dspy,crewai]"` became `"<meta>[crewai]"`. Each item as written before and after.
   */
  narrowed?: { extra: string; from: string; to: string }[]
}

const SELF_REFERENCE = /^\s*([A-Za-z0-9._-]+)\s*\[([^\]]*)\]\s*$/

/**
 * What becomes of an item that names the meta-package's own extras (`<meta>[a,b]`) when the
 * extras `gone` are taken out: kept (it names none of them, or is no such item), removed (it
 * names only those), or narrowed to the text naming the rest, written as it was written.
 */
function selfReference(
  raw: string,
  value: unknown,
  meta: string | undefined,
  gone: ReadonlySet<string>
): 'keep' | 'remove' | { to: string } {
  if (typeof value !== 'string' || !meta || !gone.size) return 'keep'
  const m = SELF_REFERENCE.exec(value)
  if (!m || normalizeName(m[1]) !== normalizeName(meta)) return 'keep'
  const named = m[2].split(',').map((x) => x.trim())
  const rest = named.filter((x) => !gone.has(x))
  if (rest.length === named.length) return 'keep'
  if (!rest.length) return 'remove'
  const separator = m[2].includes(', ') ? ', ' : ','
  return { to: raw.replace(`[${m[2]}]`, `[${rest.join(separator)}]`) }
}

interface Extra {
  name: string
  statement: TomlStatement
  list: TextList
}

/** Skips spaces, newlines and comments inside a TOML array. */
function skipFiller(text: string, from: number): number {
  for (;;) {
    while (from < text.length && /\s/.test(text[from])) from++
    if (text[from] !== '#') return from
    while (from < text.length && text[from] !== '\n') from++
  }
}

/** The value of a one-line TOML string item (undefined for anything else). */
function stringValue(raw: string): string | undefined {
  if (raw.startsWith("'") && !raw.startsWith("'''")) return raw.slice(1, -1)
  if (raw.startsWith('"') && !raw.startsWith('"""')) {
    try {
      return JSON.parse(raw) as string
    } catch {
      return undefined
    }
  }
  return undefined
}

/** The items of the array value of `statement` (strings have their value; others undefined). */
function arrayOf(text: string, statement: TomlStatement): TextList | undefined {
  if (text[statement.valueStart] !== '[') return undefined
  const items: TextList['items'] = []
  let i = skipFiller(text, statement.valueStart + 1)
  while (i < statement.valueEnd && text[i] !== ']') {
    const start = i
    const q = text[i]
    if (q === '"' || q === "'") {
      i++
      while (i < text.length && text[i] !== q) i += q === '"' && text[i] === '\\' ? 2 : 1
      i++
    } else {
      // Not a string (an inline table, a number): kept, never matched.
      let depth = 0
      while (i < statement.valueEnd) {
        const c = text[i]
        if (c === '[' || c === '{') depth++
        else if (c === ']' || c === '}') {
          if (depth === 0) break
          depth--
        } else if (c === ',' && depth === 0) break
        i++
      }
      while (/\s/.test(text[i - 1])) i--
    }
    items.push({ start, end: i, value: stringValue(text.slice(start, i)) })
    i = skipFiller(text, i)
    if (text[i] === ',') i = skipFiller(text, i + 1)
  }
  return { span: { start: statement.valueStart, end: statement.valueEnd }, items }
}

/** The extras in the text, in order (dotted `optional-dependencies.x` keys under `[project]` too). */
function extrasOf(text: string, file: string): Extra[] {
  parseToml(text, file)
  const out: Extra[] = []
  for (const statement of scanToml(text)) {
    if (statement.kind !== 'pair' || statement.path.length !== 3) continue
    if (statement.path[0] !== TABLE[0] || statement.path[1] !== TABLE[1]) continue
    const list = arrayOf(text, statement)
    if (list) out.push({ name: statement.path[2], statement, list })
  }
  return out
}

/** Whether a requirement string names `distribution` (PEP 503 names compared). */
function names(item: unknown, distribution: string): boolean {
  if (typeof item !== 'string') return false
  const name = leadingName(item)
  return name !== undefined && normalizeName(name) === normalizeName(distribution)
}

/**
 * The text without `distribution` in the meta-package's extras: an extra every item of which
 * names it is taken out whole (its lines), and items naming it are taken out of the other extras
 * (`all`), as are items `<meta>[<extra>,...]` naming only extras taken out; one naming others
 * too is narrowed to those. Nothing else changes.
 */
export function removeFromExtras(
  text: string,
  file: string,
  distribution: string,
  meta?: string
): { text: string; removed: RemovedExtras } {
  const removed: RemovedExtras = { extras: [], members: [] }
  const narrowed: NonNullable<RemovedExtras['narrowed']> = []
  const extras = extrasOf(text, file)
  const whole = extras.filter(
    (e) => e.list.items.length > 0 && e.list.items.every((i) => names(i.value, distribution))
  )
  const wholeNames = new Set(whole.map((e) => e.name))
  // Edits go from the end of the text backwards, so earlier offsets stay valid.
  const edits: { at: number; apply: (t: string) => string }[] = []
  extras.forEach((extra, index) => {
    if (wholeNames.has(extra.name)) {
      const previous = extras[index - 1]
      removed.extras.push({
        name: extra.name,
        text: text.slice(extra.statement.lineStart, extra.statement.end),
        ...(previous ? { after: previous.name } : {})
      })
      const { lineStart, end } = extra.statement
      edits.push({ at: lineStart, apply: (t) => t.slice(0, lineStart) + t.slice(end) })
      return
    }
    extra.list.items.forEach((item, k) => {
      const raw = text.slice(item.start, item.end)
      const self = selfReference(raw, item.value, meta, wholeNames)
      if (typeof self === 'object') {
        narrowed.push({ extra: extra.name, from: raw, to: self.to })
        const { start, end } = item
        edits.push({ at: start, apply: (t) => t.slice(0, start) + self.to + t.slice(end) })
        return
      }
      if (!names(item.value, distribution) && self !== 'remove') return
      removed.members.push({ extra: extra.name, item: raw, index: k })
      edits.push({ at: item.start, apply: (t) => removeListItem(t, extra.list, k) })
    })
  })
  if (narrowed.length) removed.narrowed = narrowed
  // Items of one array are removed last first, so each removal sees its own spans unchanged.
  let out = text
  for (const edit of edits.sort((a, b) => b.at - a.at)) out = edit.apply(out)
  parseToml(out, file)
  return { text: out, removed }
}

/**
 * The text with what removeFromExtras took out put back: each whole extra after the extra it
 * followed (or first in the table), each item at its place in its extra, each narrowed item as
 * it was. What is there already is not added twice; what has nowhere to go (the extra `all` was
 * deleted since) is returned.
 */
export function restoreExtras(
  text: string,
  file: string,
  removed: RemovedExtras
): { text: string; left: string[] } {
  let out = text
  const left: string[] = []
  for (const extra of removed.extras) {
    const extras = extrasOf(out, file)
    if (extras.some((e) => e.name === extra.name)) continue
    const after = extras.find((e) => e.name === extra.after) ?? undefined
    const at = after ? after.statement.end : tableStart(out)
    if (at === undefined) {
      left.push(`extra ${extra.name}`)
      continue
    }
    const line = extra.text.endsWith('\n') ? extra.text : `${extra.text}\n`
    const prefix = at > 0 && out[at - 1] !== '\n' ? '\n' : ''
    out = out.slice(0, at) + prefix + line + out.slice(at)
  }
  for (const narrowed of removed.narrowed ?? []) {
    const extra = extrasOf(out, file).find((e) => e.name === narrowed.extra)
    const item = extra?.list.items.find((i) => out.slice(i.start, i.end) === narrowed.to)
    if (item) out = out.slice(0, item.start) + narrowed.from + out.slice(item.end)
    else if (!extra?.list.items.some((i) => out.slice(i.start, i.end) === narrowed.from))
      left.push(`${narrowed.from} in extra ${narrowed.extra}`)
  }
  for (const member of removed.members) {
    const extra = extrasOf(out, file).find((e) => e.name === member.extra)
    if (!extra) {
      left.push(`${member.item} in extra ${member.extra}`)
      continue
    }
    const value = stringValue(member.item)
    if (extra.list.items.some((i) => i.value === value)) continue
    out = insertListItem(out, extra.list, member.index, member.item)
  }
  parseToml(out, file)
  return { text: out, left }
}

/** Just past the `[project.optional-dependencies]` header line; undefined without one. */
function tableStart(text: string): number | undefined {
  const header = scanToml(text).find(
    (s) => s.kind === 'header' && s.path.join('.') === TABLE.join('.')
  )
  return header?.end
}

/** Fails when `removed` (read back from a file) is not what removeFromExtras returns. */
export function checkRemovedExtras(value: unknown, file: string): RemovedExtras {
  const v = value as Partial<RemovedExtras> | undefined
  const ok =
    !!v &&
    Array.isArray(v.extras) &&
    Array.isArray(v.members) &&
    v.extras.every((e) => typeof e?.name === 'string' && typeof e?.text === 'string') &&
    v.members.every(
      (m) =>
        typeof m?.extra === 'string' && typeof m?.item === 'string' && Number.isInteger(m?.index)
    ) &&
    (v.narrowed === undefined ||
      (Array.isArray(v.narrowed) &&
        v.narrowed.every(
          (n) =>
            typeof n?.extra === 'string' && typeof n?.from === 'string' && typeof n?.to === 'string'
        )))
  if (!ok)
    throw new UserError(
      'the `restore.extras` of an entry must be {"extras": [{"name", "text"}], "members": [{"extra", "item", "index"}], "narrowed": [{"extra", "from", "to"}]} as archival-sweep writes it',
      { file }
    )
  return v as RemovedExtras
}
