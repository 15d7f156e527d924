// The floors the benchmarks divide by: minimal Node scripts doing the least a tool that looks at
// every package must do, with no validation.
//   node bench/floor.mjs ROOT [--globs G,G]   read the root's pyproject.toml, then every
//                                             package's pyproject.toml and OWNERS once
//   ... --parse                               read every pyproject.toml (the root's, where the
//                                             settings and the meta-package's extras are, and
//                                             every package's) and parse it with smol-toml (the
//                                             parser the actions use): the least a tool that
//                                             reads TOML correctly can do
//   ... --parse --keep                        the same, keeping every parsed document to the end
//                                             of the run, as a tool that uses what it parsed
//                                             after reading every package must: the survivors
//                                             are what the garbage collector copies
//   ... --walk                                walk the whole tree (every folder but hidden ones,
//                                             one readdir after another), reading every
//                                             pyproject.toml and OWNERS it meets: the least any
//                                             structural check can do
// The package folders are the top-level folders, or with --globs those the globs match (`*` is
// one folder name, as in a uv workspace's members), found one glob segment at a time: the way
// the actions find a nested layout's packages, so both sides list the same folders.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const [root, ...flags] = process.argv.slice(2)
const option = (name) => flags[flags.indexOf(`--${name}`) + 1]
const globs = flags.includes('--globs') ? option('globs').split(',') : ['*']
const walk = flags.includes('--walk')
const parse = flags.includes('--parse') ? (await import('smol-toml')).parse : undefined
// Kept documents stay reachable to the end: a tool that builds a graph from every package keeps them.
const kept = flags.includes('--keep') ? [] : undefined
let bytes = 0

function read(file) {
  let data
  try {
    data = readFileSync(file, 'utf8')
  } catch {
    return // a folder without the file: nothing to read
  }
  bytes += data.length
  if (!parse) return
  const document = parse(data)
  kept?.push(document)
}

const folders = (dir) =>
  readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name[0] !== '.')

/** The folders below `dir` that the glob segments match. */
function matching(dir, segments) {
  if (segments.length === 0) return [dir]
  const [first, ...rest] = segments
  const names = first === '*' ? folders(dir).map((e) => e.name) : [first]
  return names.flatMap((name) => matching(path.join(dir, name), rest))
}

function walkFrom(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name[0] === '.') continue
    const child = path.join(dir, e.name)
    if (e.isDirectory()) walkFrom(child)
    else if (e.name === 'pyproject.toml' || e.name === 'OWNERS') read(child)
  }
}

if (walk) walkFrom(root)
else {
  read(path.join(root, 'pyproject.toml'))
  for (const glob of globs)
    for (const dir of matching(root, glob.split('/'))) {
      read(path.join(dir, 'pyproject.toml'))
      if (!parse) read(path.join(dir, 'OWNERS'))
    }
}
if (bytes === 0 || kept?.length === 0) process.exit(1)
