// npm's prepack/postpack for @contribs-actions/cli. The CLI runs the actions' built bundles, which
// live outside this package (actions/<name>/dist/index.js and action.yml at the repository root).
// A packed CLI carries copies in its own actions/ folder, which src/paths.ts looks at first:
//   node scripts/pack-actions.mjs          copy every action's action.yml and dist/ (prepack)
//   node scripts/pack-actions.mjs --clean  remove the copies again (postpack)
// Plain JavaScript, so packing needs nothing installed.
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const CLI_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SOURCE = path.resolve(CLI_ROOT, '../../actions')
const TARGET = path.join(CLI_ROOT, 'actions')

rmSync(TARGET, { recursive: true, force: true })
if (!process.argv.includes('--clean')) {
  const actions = readdirSync(SOURCE, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(SOURCE, d.name, 'action.yml')))
    .map((d) => d.name)
  for (const name of actions) {
    const bundle = path.join(SOURCE, name, 'dist', 'index.js')
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first`)
    cpSync(path.join(SOURCE, name, 'action.yml'), path.join(TARGET, name, 'action.yml'))
    cpSync(path.join(SOURCE, name, 'dist'), path.join(TARGET, name, 'dist'), { recursive: true })
  }
  console.log(
    `packed ${actions.length} action bundles into ${path.relative(process.cwd(), TARGET) || '.'}/`
  )
}
