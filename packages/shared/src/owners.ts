/** One entry of an OWNERS file: a user (`@login`) or a team (`@org/team`). */
export type Owner =
  | { kind: 'user'; login: string; line: number }
  | { kind: 'team'; org: string; slug: string; line: number }

export interface Owners {
  entries: Owner[]
  users: string[]
  /** `org/slug` strings. */
  teams: string[]
  /** Lines that are neither blank, a comment, nor an `@handle`. */
  invalid: { line: number; text: string }[]
}

const USER = /^@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$/
const TEAM = /^@([A-Za-z0-9](?:[A-Za-z0-9-]*))\/([A-Za-z0-9._-]+)$/

/** Parses OWNERS: one `@handle` or `@org/team` per line; `#` starts a comment; blanks ignored. */
export function parseOwners(text: string): Owners {
  const entries: Owner[] = []
  const invalid: Owners['invalid'] = []
  const seen = new Set<string>()
  text.split(/\r?\n/).forEach((rawLine, i) => {
    const line = i + 1
    const hash = rawLine.indexOf('#')
    const body = (hash >= 0 ? rawLine.slice(0, hash) : rawLine).trim()
    if (body === '') return
    for (const token of body.split(/[\s,]+/)) {
      const team = TEAM.exec(token)
      const user = USER.exec(token)
      const id = token.toLowerCase()
      if (seen.has(id)) continue
      if (team) {
        seen.add(id)
        entries.push({ kind: 'team', org: team[1], slug: team[2], line })
      } else if (user) {
        seen.add(id)
        entries.push({ kind: 'user', login: user[1], line })
      } else invalid.push({ line, text: token })
    }
  })
  return {
    entries,
    users: entries.flatMap((e) => (e.kind === 'user' ? [e.login] : [])),
    teams: entries.flatMap((e) => (e.kind === 'team' ? [`${e.org}/${e.slug}`] : [])),
    invalid
  }
}

/** The entries as CODEOWNERS writes them: `@login`, `@org/team`, in file order. */
export function ownerHandles(owners: Owners): string[] {
  return owners.entries.map((o) => (o.kind === 'user' ? `@${o.login}` : `@${o.org}/${o.slug}`))
}
