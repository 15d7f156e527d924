// The floor the benchmarks divide by: a minimal Node script that walks the repository's top-level
// folders and reads every <pkg>/pyproject.toml (and, unless --pyproject-only, <pkg>/OWNERS) once.
// No parsing, no validation: the least any tool that looks at every package must do.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const root = process.argv[2]
const withOwners = !process.argv.includes('--pyproject-only')
let bytes = 0
for (const e of readdirSync(root, { withFileTypes: true })) {
  if (!e.isDirectory() || e.name.startsWith('.')) continue
  for (const f of withOwners ? ['pyproject.toml', 'OWNERS'] : ['pyproject.toml']) {
    try {
      bytes += readFileSync(path.join(root, e.name, f)).length
    } catch {
      // a folder without the file: nothing to read
    }
  }
}
if (bytes === 0) process.exit(1)
