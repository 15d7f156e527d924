// The floors the benchmarks divide by: minimal Node scripts doing the least a tool that looks at
// every package must do, with no parsing and no validation.
//   node bench/floor.mjs ROOT               read every <pkg>/pyproject.toml and <pkg>/OWNERS once
//                                           (the top-level folders listed, nothing below them)
//   ... --pyproject-only                    the same, only pyproject.toml (discover's floor)
//   ... --walk                              walk the whole tree (every folder but .git, one
//                                           readdir after another) and read those files once:
//                                           the spec's floor, "walk the tree and read every
//                                           pyproject.toml and OWNERS once"
//   ... --parse                             also parse each pyproject.toml with smol-toml (the
//                                           parser the actions use): the least a tool that must
//                                           say whether every file is valid TOML can do
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const root = process.argv[2]
const withOwners = !process.argv.includes('--pyproject-only')
const walk = process.argv.includes('--walk')
const parse = process.argv.includes('--parse') ? (await import('smol-toml')).parse : undefined
const wanted = withOwners ? ['pyproject.toml', 'OWNERS'] : ['pyproject.toml']
let bytes = 0

function read(file) {
  let data
  try {
    data = readFileSync(file)
  } catch {
    return // a folder without the file: nothing to read
  }
  bytes += data.length
  if (parse && file.endsWith('pyproject.toml')) parse(data.toString('utf8'))
}

function walkBelow(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true }))
    if (e.isDirectory() && e.name !== '.git') walkBelow(path.join(dir, e.name))
}

for (const e of readdirSync(root, { withFileTypes: true })) {
  if (!e.isDirectory() || e.name.startsWith('.')) continue
  const dir = path.join(root, e.name)
  for (const f of wanted) read(path.join(dir, f))
  if (walk) walkBelow(dir)
}
if (bytes === 0) process.exit(1)
