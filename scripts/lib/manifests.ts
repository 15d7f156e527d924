// What `npm run check-manifests` checks: each action's action.yml as GitHub reads it, the
// inputs/outputs tables its README carries (generated from the action.yml by `npm run docs`),
// and every workflow file and workflow snippet of the docs (workflow-lint.ts, doc-snippets.ts).
import { NoOperationTraceWriter } from '@actions/workflow-parser'
import { parseAction } from '@actions/workflow-parser/actions/action-parser'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as prettier from 'prettier'
import { docSources } from './doc-snippets.js'
import { markers, readActionYml, renderApi, updateReadme } from './readme-api.js'
import { lintWorkflows, resolver, workflowFiles } from './workflow-lint.js'

/** The longest `description` the GitHub Marketplace accepts for a listed action. */
export const MAX_DESCRIPTION = 125

/** The folders under `<root>/actions` that hold an action.yml. */
export function actionNames(root: string): string[] {
  const dir = path.join(root, 'actions')
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((d) => existsSync(path.join(dir, d, 'action.yml')))
        .sort()
    : []
}

/** One action.yml: parses under GitHub's parser, runs on node24 from a committed dist/index.js,
 *  and has a description the Marketplace would take. */
export function checkActionYml(root: string, name: string): string[] {
  const rel = `actions/${name}/action.yml`
  const file = path.join(root, rel)
  const problems = parseAction(
    { name: rel, content: readFileSync(file, 'utf8') },
    new NoOperationTraceWriter()
  )
    .context.errors.getErrors()
    .map((e) => `${rel}: ${e.message}`)
  const doc = readActionYml(file)
  const description = doc.description ?? ''
  if (!description.trim()) problems.push(`${rel}: no description`)
  else if (description.length > MAX_DESCRIPTION)
    problems.push(
      `${rel}: description is ${description.length} characters; the Marketplace takes at most ${MAX_DESCRIPTION}`
    )
  if (doc.runs?.using !== 'node24')
    problems.push(`${rel}: runs.using must be node24 (got ${doc.runs?.using})`)
  if (doc.runs?.main !== 'dist/index.js') problems.push(`${rel}: runs.main must be dist/index.js`)
  if (!existsSync(path.join(root, 'actions', name, 'dist/index.js')))
    problems.push(`${rel}: no committed dist/index.js`)
  return problems
}

/**
 * One action's README with its inputs/outputs block regenerated from action.yml and formatted
 * as prettier would (so `npm run format` and this check agree), or a problem when the README or
 * its markers are missing.
 */
export async function freshReadme(
  root: string,
  name: string
): Promise<{ file: string; current: string; fresh: string } | string> {
  const rel = `actions/${name}/README.md`
  const file = path.join(root, rel)
  if (!existsSync(file)) return `${rel}: missing (each action documents itself there)`
  const current = readFileSync(file, 'utf8')
  if (!current.includes(markers(name)[0]))
    return `${rel}: no inputs/outputs block (add ${markers(name).join(' ... ')})`
  const api = renderApi(readActionYml(path.join(root, 'actions', name, 'action.yml')))
  const config = await prettier.resolveConfig(file)
  const fresh = await prettier.format(updateReadme(current, { [name]: api }), {
    ...config,
    parser: 'markdown'
  })
  return { file, current, fresh }
}

export interface ManifestReport {
  problems: string[]
  /** Lines to print that are not failures (a check skipped, and why). */
  notes: string[]
  counts: { actions: number; workflows: number; snippets: number }
}

/** Every check of `npm run check-manifests` over the repository at `root`; `write` regenerates
 *  the README tables instead of comparing them. */
export async function checkManifests(
  root: string,
  opts: { write?: boolean; shellcheck?: string } = {}
): Promise<ManifestReport> {
  const problems: string[] = []
  const names = actionNames(root)
  for (const name of names) problems.push(...checkActionYml(root, name))
  for (const name of names) {
    const readme = await freshReadme(root, name)
    if (typeof readme === 'string') problems.push(readme)
    else if (opts.write) writeFileSync(readme.file, readme.fresh)
    else if (readme.fresh !== readme.current)
      problems.push(
        `actions/${name}/README.md: inputs/outputs tables differ from action.yml; run \`npm run docs\` and commit`
      )
  }
  const workflows = workflowFiles(root)
  const docs = docSources(root)
  problems.push(...docs.findings)
  const lint = await lintWorkflows(
    [...workflows, ...docs.sources],
    resolver(workflows),
    opts.shellcheck
  )
  problems.push(...lint.findings)
  return {
    problems,
    notes: lint.skipped ? [lint.skipped] : [],
    counts: { actions: names.length, workflows: workflows.length, snippets: docs.sources.length }
  }
}
