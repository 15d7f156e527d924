import { readdirSync, existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** The third-party notices ncc writes beside each bundle (`dist/licenses.txt`); check-dist
 *  compares it like every other file of a dist/. */
export const LICENSES_FILE = 'licenses.txt'

export interface Bundle {
  name: string
  entry: string
  outDir: string
  /**
   * Actions are bundled as CommonJS: Node's ESM loader costs ~7 ms of every cold start over
   * loading the same code as a script (measured on a 10-package repo, 41 runs interleaved), and a
   * step runs once per process. The CLI stays ESM (it is not on a runner's hot path).
   */
  format: 'commonjs' | 'module'
}

/** Every action folder with an action.yml and a src/index.ts, plus the CLI. */
export function listBundles(): Bundle[] {
  const actionsDir = path.join(REPO_ROOT, 'actions')
  const actions = readdirSync(actionsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(actionsDir, d.name, 'action.yml')))
    .map((dirent) => ({
      name: dirent.name,
      entry: path.join(actionsDir, dirent.name, 'src', 'index.ts'),
      outDir: path.join(actionsDir, dirent.name, 'dist'),
      format: 'commonjs' as const
    }))
    .filter((b) => existsSync(b.entry))
    .sort((a, b) => a.name.localeCompare(b.name))
  return [
    ...actions,
    {
      name: 'cli',
      entry: path.join(REPO_ROOT, 'packages/cli/src/main.ts'),
      outDir: path.join(REPO_ROOT, 'packages/cli/dist'),
      format: 'module'
    }
  ]
}
