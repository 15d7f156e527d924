import { normalizeName } from './pep503.js'

/** One PEP 440 version specifier clause, e.g. `>=` `0.6.0`. */
export interface Specifier {
  op: '~=' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '==='
  version: string
}

/** A parsed PEP 508 dependency specification. */
export interface Requirement {
  raw: string
  name: string
  /** PEP 503-normalised name, the form used to compare distributions. */
  key: string
  extras: string[]
  specifiers: Specifier[]
  url?: string
  marker?: string
}

export class RequirementSyntaxError extends Error {
  constructor(
    readonly raw: string,
    reason: string
  ) {
    super(`invalid PEP 508 requirement ${JSON.stringify(raw)}: ${reason}`)
    this.name = 'RequirementSyntaxError'
  }
}

/** A distribution name (and an extra's name): letters and digits at both ends, `._-` between. */
const NAME_PATTERN = '[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?'
const NAME = new RegExp(`^(${NAME_PATTERN})`)
const LEADING_NAME = new RegExp(`^\\s*(${NAME_PATTERN})`)
/** A whole text that is a valid distribution name (`mellea-contribs`, `Foo.Bar_2`). */
export const DISTRIBUTION_NAME = new RegExp(`^${NAME_PATTERN}$`)
const EXTRA = DISTRIBUTION_NAME

/**
 * The distribution name a requirement string starts with, as parseRequirement reads it, also
 * from a string that is not valid PEP 508 as a whole (`mellea >= 0.5 <1` names `mellea`).
 */
export function leadingName(raw: string): string | undefined {
  return LEADING_NAME.exec(raw)?.[1]
}

/**
 * What the start of a requirement string names, read as parseRequirement reads it up to the
 * version or URL: the distribution and the extras in `[...]` (none when they are malformed).
 * For a string that is not valid PEP 508 as a whole, such as `pkg[x]=={{ version }}`, a template
 * a build-time plugin fills in, which still asks for `pkg` with its extra `x`.
 */
export function requirementStart(raw: string): { name: string; extras: string[] } | undefined {
  const name = leadingName(raw)
  if (name === undefined) return undefined
  const rest = raw.trimStart().slice(name.length).trimStart()
  const close = rest.startsWith('[') ? rest.indexOf(']') : -1
  const extras =
    close < 0
      ? []
      : rest
          .slice(1, close)
          .split(',')
          .map((part) => part.trim())
  const wellFormed = extras.every((extra) => EXTRA.test(extra))
  return { name, extras: wellFormed ? extras.filter(Boolean) : [] }
}
const CLAUSE = /^(~=|===|==|!=|<=|>=|<|>)\s*([A-Za-z0-9._*+!-]+)$/

/**
 * Parses a PEP 508 requirement: `name [extras] (specifiers | @ url) [; marker]`.
 * Written to the grammar rather than a loose regex so that `mellea[litellm]>=0.5`,
 * `mellea @ git+https://...`, `mellea (>=0.6)` and markers are each told apart.
 */
export function parseRequirement(raw: string): Requirement {
  let rest = raw.trim()
  const nameMatch = NAME.exec(rest)
  if (!nameMatch)
    throw new RequirementSyntaxError(raw, 'it does not start with a distribution name')
  const name = nameMatch[1]
  rest = rest.slice(name.length).trimStart()

  const extras: string[] = []
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']')
    if (close < 0) throw new RequirementSyntaxError(raw, 'unclosed `[` in extras')
    const inner = rest.slice(1, close).trim()
    if (inner !== '') {
      for (const part of inner.split(',')) {
        const extra = part.trim()
        if (!EXTRA.test(extra))
          throw new RequirementSyntaxError(raw, `bad extra ${JSON.stringify(extra)}`)
        extras.push(extra)
      }
    }
    rest = rest.slice(close + 1).trimStart()
  }

  let url: string | undefined
  let marker: string | undefined
  let specText = ''
  if (rest.startsWith('@')) {
    // A URL requirement's marker must be set off by whitespace (PEP 508), since `;` may occur in a URL.
    const body = rest.slice(1).trimStart()
    const m = /\s;/.exec(body)
    url = (m ? body.slice(0, m.index) : body).trim()
    if (m) marker = body.slice(m.index + 2).trim()
    if (url === '') throw new RequirementSyntaxError(raw, 'empty URL after `@`')
  } else {
    const semi = rest.indexOf(';')
    specText = (semi >= 0 ? rest.slice(0, semi) : rest).trim()
    if (semi >= 0) marker = rest.slice(semi + 1).trim()
  }
  if (marker === '') throw new RequirementSyntaxError(raw, 'empty marker after `;`')

  const specifiers: Specifier[] = []
  if (specText.startsWith('(')) {
    if (!specText.endsWith(')')) throw new RequirementSyntaxError(raw, 'unclosed `(`')
    specText = specText.slice(1, -1).trim()
  }
  if (specText !== '') {
    for (const part of specText.split(',')) {
      const clause = CLAUSE.exec(part.trim())
      if (!clause)
        throw new RequirementSyntaxError(raw, `bad version clause ${JSON.stringify(part.trim())}`)
      specifiers.push({ op: clause[1] as Specifier['op'], version: clause[2] })
    }
  }
  return { raw, name, key: normalizeName(name), extras, specifiers, url, marker }
}
