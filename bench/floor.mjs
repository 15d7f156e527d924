// The floor the benchmarks divide by: a minimal Node script that walks the repository's top-level
// folders and reads every <pkg>/pyproject.toml (and, unless --pyproject-only, <pkg>/OWNERS) once.
// No parsing, no validation: the least any tool that looks at every package must do.
// --parse also parses each pyproject.toml with smol-toml (the parser the actions use): the least a
// tool that must say whether every file is valid TOML (validate-structure's rule 4) can do.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const root = process.argv[2]
const withOwners = !process.argv.includes('--pyproject-only')
const parse = process.argv.includes('--parse') ? (await import('smol-toml')).parse : undefined
let bytes = 0
for (const e of readdirSync(root, { withFileTypes: true })) {
  if (!e.isDirectory() || e.name.startsWith('.')) continue
  for (const f of withOwners ? ['pyproject.toml', 'OWNERS'] : ['pyproject.toml']) {
    let data
    try {
      data = readFileSync(path.join(root, e.name, f))
    } catch {
      continue // a folder without the file: nothing to read
    }
    bytes += data.length
    if (parse && f === 'pyproject.toml') parse(data.toString('utf8'))
  }
}
if (bytes === 0) process.exit(1)
