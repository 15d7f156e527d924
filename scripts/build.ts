// Bundles every action (and the CLI) with ncc into its committed dist/ folder.
//   npm run build            rebuild every dist/
//   npm run build -- NAME    rebuild one (e.g. read-ci-config)
//   npm run check-dist       rebuild in memory and fail when a committed dist/ differs
// ncc runs from the repo root with the one root tsconfig (per-folder tsconfigs break it under
// TypeScript 6). Bundles are built in child processes, two at a time, because webpack is
// CPU-bound and the machines have two cores.
// Each dist/ also gets licenses.txt: the name, licence and licence text of every package bundled
// into index.js, which the MIT, BSD and ISC licences of our dependencies ask us to ship with it.
import ncc from '@vercel/ncc'
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import { Bundle, LICENSES_FILE, listBundles, REPO_ROOT } from './lib/bundles.js'

type Files = Record<string, string>

async function bundle({ entry, format }: Bundle): Promise<Files> {
  const { code, assets } = await ncc(entry, {
    esm: format === 'module',
    minify: true,
    sourceMap: false,
    quiet: true,
    cache: false,
    // Type checking is `npm run typecheck`; without this ts-loader checks the whole program, and
    // one type error anywhere in the repo would stop every bundle.
    transpileOnly: true,
    license: LICENSES_FILE
  })
  const files: Files = { 'index.js': code }
  for (const [name, asset] of Object.entries(assets)) files[name] = asset.source.toString()
  // A bundle shipped without its notices would be a licence breach nobody sees; fail the build.
  if (!files[LICENSES_FILE]) throw new Error(`ncc wrote no ${LICENSES_FILE} for ${entry}`)
  // The repository's package.json says "type": "module"; the bundle's folder says what it is.
  files['package.json'] = `${JSON.stringify({ type: format }, null, 2)}\n`
  return files
}

function readDir(dir: string): Files {
  const files: Files = {}
  if (!existsSync(dir)) return files
  const walk = (sub: string) => {
    for (const e of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.posix.join(sub, e.name)
      if (e.isDirectory()) walk(rel)
      else files[rel] = readFileSync(path.join(dir, rel), 'utf8')
    }
  }
  walk('')
  return files
}

/** Child mode: bundle one entry; write it, or compare it and print the differing files. */
async function one(name: string, check: boolean): Promise<number> {
  const b = listBundles().find((x) => x.name === name)
  if (!b) throw new Error(`no bundle named ${name}`)
  const fresh = await bundle(b)
  if (!check) {
    rmSync(b.outDir, { recursive: true, force: true })
    for (const [rel, text] of Object.entries(fresh)) {
      mkdirSync(path.dirname(path.join(b.outDir, rel)), { recursive: true })
      writeFileSync(path.join(b.outDir, rel), text)
    }
    const kb = Math.round(Buffer.byteLength(fresh['index.js']) / 1024)
    console.log(`built ${path.relative(REPO_ROOT, b.outDir)}/index.js (${kb} KiB)`)
    return 0
  }
  const committed = readDir(b.outDir)
  const names = new Set([...Object.keys(fresh), ...Object.keys(committed)])
  const stale = [...names].filter((n) => fresh[n] !== committed[n])
  if (stale.length === 0) {
    console.log(`dist fresh: ${path.relative(REPO_ROOT, b.outDir)}`)
    return 0
  }
  for (const n of stale) {
    console.error(
      `::error file=${path.relative(REPO_ROOT, path.join(b.outDir, n))}::dist is stale: ${n} differs from a fresh build of ${path.relative(REPO_ROOT, b.entry)}; run \`npm run build\` and commit dist/`
    )
  }
  return 1
}

function runChild(name: string, check: boolean): Promise<number> {
  return new Promise((resolve) => {
    const args = [
      '--import',
      'tsx',
      path.join(REPO_ROOT, 'scripts/build.ts'),
      '--one',
      name,
      ...(check ? ['--check'] : [])
    ]
    const child = spawn(process.execPath, args, { stdio: 'inherit', cwd: REPO_ROOT })
    child.on('exit', (code) => resolve(code ?? 1))
  })
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2)
  const check = argv.includes('--check')
  const oneIdx = argv.indexOf('--one')
  if (oneIdx >= 0) return one(argv[oneIdx + 1], check)
  const wanted = argv.filter((a) => !a.startsWith('--'))
  const names = listBundles()
    .map((b) => b.name)
    .filter((n) => wanted.length === 0 || wanted.includes(n))
  const queue = [...names]
  let failed = 0
  await Promise.all(
    [0, 1].map(async () => {
      for (let n = queue.shift(); n; n = queue.shift()) {
        // Not `failed += await ...`: that reads `failed` before the await and loses the other worker's count.
        const code = await runChild(n, check)
        if (code !== 0) failed++
      }
    })
  )
  if (failed)
    console.error(check ? `${failed} dist folder(s) are stale` : `${failed} bundle(s) failed`)
  return failed ? 1 : 0
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e)
    process.exit(1)
  }
)
