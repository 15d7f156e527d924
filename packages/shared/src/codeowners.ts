import type { Finding } from './findings.js'
import { globMatcher } from './glob.js'
import { readRepoText } from './repo-file.js'
import { clip } from './text.js'

/**
 * CODEOWNERS, as GitHub reads it: the first of these files that exists is the one it uses, each
 * line is `<pattern> <owner>...`, and for a path the last line whose pattern matches it decides
 * its owners (a line with no owners leaves the path unowned).
 */
export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS']

export interface CodeownersRule {
  /** 1-based line in the file. */
  line: number
  pattern: string
  /** `@user`, `@org/team` or an e-mail address, as written. */
  owners: string[]
}

export interface CodeownersFile {
  /** Root-relative path. */
  file: string
  /** The file's lines, without their line ends. */
  lines: string[]
  /** The line end it uses (`\r\n` when its first line ends so), for writing it back. */
  eol: string
  /** Its rules, in file order; lines GitHub skips are not among them. */
  rules: CodeownersRule[]
  /** Lines GitHub skips as invalid, with why. */
  invalid: { line: number; text: string; reason: string }[]
}

/** A package and the owners its OWNERS file lists (`@user`, `@org/team`, in file order). */
export interface PackageOwners {
  dir: string
  owners: string[]
}

const OWNER = /^(@[A-Za-z0-9](?:[A-Za-z0-9-]*)(?:\/[A-Za-z0-9._-]+)?|[^@\s]+@[^@\s]+\.[^@\s]+)$/

/** Why GitHub would skip a pattern, or undefined when it reads it. */
function patternProblem(pattern: string): string | undefined {
  if (pattern.startsWith('!')) return 'a negated pattern (`!`), which CODEOWNERS does not support'
  if (/[[\]]/.test(pattern)) return 'a character range (`[ ]`), which CODEOWNERS does not support'
  return undefined
}

/** Splits CODEOWNERS text into rules; comments (`#` at a line's start or after a space) end a line. */
export function parseCodeowners(text: string, file: string): CodeownersFile {
  const lines = text.split(/\r?\n/)
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop()
  const rules: CodeownersRule[] = []
  const invalid: CodeownersFile['invalid'] = []
  lines.forEach((raw, i) => {
    const tokens = raw
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\s+/)
    const hash = tokens.findIndex((t) => t.startsWith('#'))
    const [pattern, ...owners] = hash >= 0 ? tokens.slice(0, hash) : tokens
    if (!pattern) return
    const problem =
      patternProblem(pattern) ??
      owners
        .filter((o) => !OWNER.test(o))
        .map(
          (o) => `${JSON.stringify(clip(o, 60))} is not an @user, @org/team or e-mail address`
        )[0]
    if (problem) invalid.push({ line: i + 1, text: raw.trim(), reason: problem })
    else rules.push({ line: i + 1, pattern, owners })
  })
  return { file, lines, rules, invalid, eol: /^[^\n]*\r\n/.test(text) ? '\r\n' : '\n' }
}

/**
 * Reads the CODEOWNERS file: `location` when it is a path, else the first of
 * CODEOWNERS_LOCATIONS that exists. Undefined when there is none; a file that cannot be read is
 * an UnreadableFileError naming it.
 */
export function readCodeowners(root: string, location?: string): CodeownersFile | undefined {
  for (const file of location ? [location] : CODEOWNERS_LOCATIONS) {
    const text = readRepoText(root, file)
    if (text !== undefined) return parseCodeowners(text, file)
  }
  return undefined
}

interface CompiledPattern {
  test: (path: string) => boolean
  dirOnly: boolean
  /** `docs/*` owns the files in docs/, not those further down (GitHub's documented exception). */
  ownsSubfolders: boolean
}

const compiled = new Map<string, CompiledPattern>()

/** gitignore-style: a pattern with a `/` before its end is anchored at the root, else matches at any depth. */
function compile(pattern: string): CompiledPattern {
  let c = compiled.get(pattern)
  if (c) return c
  const dirOnly = pattern.endsWith('/')
  const body = pattern.replace(/\/+$/, '')
  const anchored = body.includes('/')
  const glob = anchored ? body.replace(/^\/+/, '') : `**/${body}`
  c = {
    test: globMatcher(glob, { dot: true }),
    dirOnly,
    ownsSubfolders: !/(^|\/)\*$/.test(body) || body === '*'
  }
  compiled.set(pattern, c)
  return c
}

/** Whether a pattern applies to a root-relative path: it matches it, or a folder it is in. */
export function codeownersPatternMatches(pattern: string, path: string, isDir = false): boolean {
  const c = compile(pattern)
  if ((isDir || !c.dirOnly) && c.test(path)) return true
  if (!c.ownsSubfolders) return false
  const parts = path.split('/')
  for (let n = parts.length - 1; n >= 1; n--) if (c.test(parts.slice(0, n).join('/'))) return true
  return false
}

/** The folder a pattern names as a whole (`/dspy/`, `dspy/`, `/dspy/**` name `dspy`). */
const ownFolder = (pattern: string) => pattern.replace(/^\/+/, '').replace(/\/\*\*$|\/+$/, '')

/** Whether a line is a package's own: its pattern names the package folder (`/dspy/`, `dspy/**`). */
function isPackagePattern(pattern: string, dir: string): boolean {
  return ownFolder(pattern) === dir
}

/**
 * The rules of a file arranged for folder questions, so judging thousands of packages against
 * thousands of lines is a few map look-ups per package rather than every pattern per package. A
 * pattern without wildcards names one path: anchored (`/a/b/`, `a/b`), it covers that folder and
 * everything in it; a bare name (`dspy/`) covers any folder of that name at any depth. Only the
 * patterns with wildcards are matched one by one.
 */
interface RuleIndex {
  /** Rule positions by the folder they name as a whole (see ownFolder). */
  own: Map<string, number[]>
  anchored: Map<string, number[]>
  anywhere: Map<string, number[]>
  wildcards: number[]
}

const indexes = new WeakMap<CodeownersFile, RuleIndex>()

function ruleIndex(file: CodeownersFile): RuleIndex {
  let index = indexes.get(file)
  if (index) return index
  index = { own: new Map(), anchored: new Map(), anywhere: new Map(), wildcards: [] }
  const add = (map: Map<string, number[]>, key: string, i: number) => {
    const list = map.get(key)
    if (list) list.push(i)
    else map.set(key, [i])
  }
  file.rules.forEach((rule, i) => {
    add(index!.own, ownFolder(rule.pattern), i)
    const body = rule.pattern.replace(/\/\*\*$/, '/').replace(/\/+$/, '')
    if (/[*?\\]/.test(body) || body === '') index!.wildcards.push(i)
    else if (body.includes('/')) add(index!.anchored, body.replace(/^\/+/, ''), i)
    else add(index!.anywhere, body, i)
  })
  indexes.set(file, index)
  return index
}

/** The positions of the rules that apply to folder `dir` as a whole, in file order. */
function coveringRules(file: CodeownersFile, dir: string): number[] {
  const index = ruleIndex(file)
  const parts = dir.split('/')
  const found = index.wildcards.filter((i) =>
    codeownersPatternMatches(file.rules[i].pattern, dir, true)
  )
  parts.forEach((part, n) => {
    found.push(...(index.anchored.get(parts.slice(0, n + 1).join('/')) ?? []))
    found.push(...(index.anywhere.get(part) ?? []))
  })
  return [...new Set(found)].sort((a, b) => a - b)
}

/** The line a package's OWNERS asks for: `/dspy/ @alice @org/team`. */
export function codeownersLine(pkg: PackageOwners): string {
  return `/${pkg.dir}/ ${pkg.owners.join(' ')}`
}

const sameOwners = (a: string[], b: string[]) => {
  const key = (list: string[]) => [...new Set(list.map((o) => o.toLowerCase()))].sort().join(' ')
  return key(a) === key(b)
}

/** Where a package stands in a CODEOWNERS file. */
export type PackageStanding =
  | { kind: 'ok'; rule: CodeownersRule }
  /** No line of its own; `decidedBy` is the line that owns the folder now, if any. */
  | { kind: 'missing'; decidedBy?: CodeownersRule }
  /** Its last line lists other owners. */
  | { kind: 'different'; rule: CodeownersRule }
  /** Its last line is overridden by a later line covering the whole folder. */
  | { kind: 'overridden'; rule: CodeownersRule; by: CodeownersRule }

/** Judges one package against the file (undefined: no CODEOWNERS at all). */
export function packageStanding(
  file: CodeownersFile | undefined,
  pkg: PackageOwners
): PackageStanding {
  if (!file) return { kind: 'missing' }
  const own = ruleIndex(file).own.get(pkg.dir)?.at(-1)
  const covering = coveringRules(file, pkg.dir)
  if (own === undefined) {
    const last = covering.at(-1)
    return { kind: 'missing', decidedBy: last === undefined ? undefined : file.rules[last] }
  }
  const rule = file.rules[own]
  const later = covering.findLast(
    (i) => i > own && !isPackagePattern(file.rules[i].pattern, pkg.dir)
  )
  const by = later === undefined ? undefined : file.rules[later]
  if (by) return { kind: 'overridden', rule, by }
  return sameOwners(rule.owners, pkg.owners) ? { kind: 'ok', rule } : { kind: 'different', rule }
}

const quote = (line: string) => `\`${clip(line)}\``

/**
 * One finding for each package whose CODEOWNERS line is missing, lists other owners than its
 * OWNERS file, or is overridden by a later line; each names the file, the line and the line to
 * write. Lines GitHub skips as invalid are one finding, on the first of them. `where` is the file
 * to create when there is none.
 */
export function checkCodeowners(
  file: CodeownersFile | undefined,
  packages: PackageOwners[],
  where = CODEOWNERS_LOCATIONS[0]
): Finding[] {
  const out: Finding[] = []
  if (file?.invalid.length) {
    const [first, ...more] = file.invalid
    const others = more.length
      ? ` (and ${more.length} more such line${more.length > 1 ? 's' : ''})`
      : ''
    out.push({
      severity: 'error',
      message: `${quote(first.text)} is ${first.reason}: GitHub skips this line${others}`,
      file: file.file,
      line: first.line
    })
  }
  for (const pkg of packages) {
    if (!pkg.owners.length) continue
    const want = quote(codeownersLine(pkg))
    const at = { severity: 'error' as const, package: pkg.dir, file: file?.file ?? where }
    if (!file) {
      out.push({ ...at, message: `no CODEOWNERS file: create ${where} with the line ${want}` })
      continue
    }
    const problem = standingProblem(file, pkg, want)
    if (problem) out.push({ ...at, ...problem })
  }
  return out
}

/** What is wrong with a package's line in `file` (and on which line), or undefined when nothing. */
function standingProblem(
  file: CodeownersFile,
  pkg: PackageOwners,
  want: string
): { line?: number; message: string } | undefined {
  const s = packageStanding(file, pkg)
  const text = (r: CodeownersRule) => quote(file.lines[r.line - 1].trim())
  switch (s.kind) {
    case 'ok':
      return undefined
    case 'missing':
      return {
        line: s.decidedBy?.line,
        message: s.decidedBy
          ? `no CODEOWNERS line for ${pkg.dir}/, so line ${s.decidedBy.line} ${text(s.decidedBy)} decides its reviewers: add ${want} after it`
          : `no CODEOWNERS line for ${pkg.dir}/: add ${want}`
      }
    case 'different':
      return {
        line: s.rule.line,
        message: `${text(s.rule)} lists other owners than ${pkg.dir}/OWNERS: write ${want}`
      }
    case 'overridden':
      return {
        line: s.rule.line,
        message: `${text(s.rule)} is overridden by line ${s.by.line} ${text(s.by)} (the last matching line wins): move ${want} below line ${s.by.line}`
      }
  }
}

/** The comment heading the lines generateCodeowners appends. */
export const CODEOWNERS_BLOCK_HEADER =
  '# Subpackages: one line per package, from its OWNERS file (contribs-actions codeowners)'

/**
 * The whole CODEOWNERS file the packages' OWNERS files ask for. Every line that is not a
 * package's own stays where it is, byte for byte. A package's own line that already wins is
 * rewritten in place (left as it is when it lists the same owners); its earlier lines for the
 * same folder, which it overrides anyway, are dropped. A package without a line of its own, or
 * whose line a later line overrides, gets its line at the end, after a header comment, so that
 * it wins over any catch-all. Packages whose OWNERS name nobody are left as they are.
 */
export function generateCodeowners(
  file: CodeownersFile | undefined,
  packages: PackageOwners[]
): string {
  const lines: (string | null)[] = [...(file?.lines ?? [])]
  const appended: string[] = []
  for (const pkg of packages) {
    if (!pkg.owners.length) continue
    const s = packageStanding(file, pkg)
    if (s.kind === 'missing') {
      appended.push(codeownersLine(pkg))
      continue
    }
    for (const i of ruleIndex(file!).own.get(pkg.dir) ?? [])
      if (file!.rules[i].line !== s.rule.line) lines[file!.rules[i].line - 1] = null
    if (s.kind === 'overridden') {
      lines[s.rule.line - 1] = null
      appended.push(codeownersLine(pkg))
    } else if (s.kind === 'different') lines[s.rule.line - 1] = codeownersLine(pkg)
  }
  const kept = lines.filter((l): l is string => l !== null)
  while (kept.length && kept[kept.length - 1].trim() === '') kept.pop()
  if (appended.length) {
    if (!kept.includes(CODEOWNERS_BLOCK_HEADER))
      kept.push(...(kept.length ? [''] : []), CODEOWNERS_BLOCK_HEADER)
    kept.push(...appended)
  }
  const eol = file?.eol ?? '\n'
  return kept.length ? `${kept.join(eol)}${eol}` : ''
}
