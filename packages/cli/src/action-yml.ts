import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'

/** The parts of an action's `action.yml` that the CLI and the README tables read. */
export interface ActionYml {
  name?: string
  description?: string
  inputs?: Record<string, ActionInput>
  outputs?: Record<string, { description?: string }>
  runs?: { using?: string; main?: string }
}

export interface ActionInput {
  description?: string
  default?: unknown
  required?: boolean
}

export function readActionYml(file: string): ActionYml {
  return parseYaml(readFileSync(file, 'utf8')) as ActionYml
}

/** An input the runner fills with the workflow token; the CLI takes it from GITHUB_TOKEN only. */
export function isTokenInput(input: ActionInput): boolean {
  return typeof input.default === 'string' && /\$\{\{\s*github\.token\s*\}\}/.test(input.default)
}

/** An input whose default is `true` or `false`: a flag on the command line (`--dry-run`). */
export function isBooleanInput(input: ActionInput): boolean {
  // YAML reads an unquoted `default: false` as a boolean; the runner passes the same string.
  return input.default !== undefined && /^(true|false)$/.test(String(input.default))
}
