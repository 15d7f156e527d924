import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { readActionYml, type ActionYml } from './action-yml.js'
import type { Catalog } from './args.js'
import { SUITE_ROOT } from './run-bundle.js'

/** packages/cli itself: this file is in src/ (development) or dist/ (the bundle), one level down. */
export const CLI_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/**
 * Where the action bundles are. A packed CLI carries copies in its own `actions/` (written by
 * `prepack`, see scripts/pack-actions.mjs); run from a clone, it uses the repository's `actions/`,
 * the very bundles the runner runs.
 */
export function actionsDir(): string {
  const packed = path.join(CLI_ROOT, 'actions')
  return existsSync(packed) ? packed : path.join(SUITE_ROOT, 'actions')
}

/** The runnable actions: folders with an action.yml. */
function listActions(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'action.yml')))
    .map((d) => d.name)
    .sort()
}

export function cliVersion(): string {
  return (
    JSON.parse(readFileSync(path.join(CLI_ROOT, 'package.json'), 'utf8')) as { version: string }
  ).version
}

/** The actions in `dir`, each action.yml read once, when first asked for. */
export function catalogOf(dir: string): Catalog {
  const manifests = new Map<string, ActionYml>()
  return {
    actions: listActions(dir),
    manifest(action) {
      if (!manifests.has(action))
        manifests.set(action, readActionYml(path.join(dir, action, 'action.yml')))
      return manifests.get(action)!
    }
  }
}
