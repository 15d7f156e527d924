// Checks every action.yml and workflow file the way GitHub will read them:
//  - each parses without errors under GitHub's own parser (@actions/workflow-parser; it imports
//    JSON modules, which tsx loads for us);
//  - each action runs on node24 from its committed dist/index.js;
//  - each action's README inputs/outputs tables match its action.yml (`npm run docs` regenerates them).
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { parseAction } from '@actions/workflow-parser/actions/action-parser'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as prettier from 'prettier'
import { REPO_ROOT } from './lib/bundles.js'
import { markers, readActionYml, renderApi, updateReadme } from './lib/readme-api.js'

const problems: string[] = []
const rel = (p: string) => path.relative(REPO_ROOT, p)

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(dir, f))
}

const actionsDir = path.join(REPO_ROOT, 'actions')
const actionNames = readdirSync(actionsDir).filter((d) =>
  existsSync(path.join(actionsDir, d, 'action.yml'))
)
const apis: Record<string, string> = {}
for (const name of actionNames) {
  const file = path.join(actionsDir, name, 'action.yml')
  const parsed = parseAction(
    { name: rel(file), content: readFileSync(file, 'utf8') },
    new NoOperationTraceWriter()
  )
  for (const e of parsed.context.errors.getErrors()) problems.push(`${rel(file)}: ${e.message}`)
  const doc = readActionYml(file)
  if (doc.runs?.using !== 'node24')
    problems.push(`${rel(file)}: runs.using must be node24 (got ${doc.runs?.using})`)
  if (doc.runs?.main !== 'dist/index.js')
    problems.push(`${rel(file)}: runs.main must be dist/index.js`)
  if (!existsSync(path.join(actionsDir, name, 'dist/index.js')))
    problems.push(`${rel(file)}: no committed dist/index.js`)
  apis[name] = renderApi(doc)
}

const workflowFiles = [
  ...yamlFiles(path.join(REPO_ROOT, '.github/workflows')),
  ...yamlFiles(path.join(REPO_ROOT, 'examples/consumer-workflows'))
]
for (const file of workflowFiles) {
  const parsed = parseWorkflow(
    { name: rel(file), content: readFileSync(file, 'utf8') },
    new NoOperationTraceWriter()
  )
  for (const e of parsed.context.errors.getErrors()) problems.push(e.message)
}

// Each action's README carries its inputs/outputs tables between markers, generated from action.yml.
for (const name of actionNames) {
  const readmePath = path.join(actionsDir, name, 'README.md')
  if (!existsSync(readmePath)) {
    problems.push(`${rel(readmePath)}: missing (each action documents itself there)`)
    continue
  }
  const readme = readFileSync(readmePath, 'utf8')
  if (!readme.includes(markers(name)[0])) {
    problems.push(
      `${rel(readmePath)}: no inputs/outputs block (add ${markers(name).join(' ... ')})`
    )
    continue
  }
  // Formatted as prettier would, so `npm run format` and this check agree.
  const prettierConfig = await prettier.resolveConfig(readmePath)
  const fresh = await prettier.format(updateReadme(readme, { [name]: apis[name] }), {
    ...prettierConfig,
    parser: 'markdown'
  })
  if (process.argv.includes('--write')) writeFileSync(readmePath, fresh)
  else if (fresh !== readme)
    problems.push(
      `${rel(readmePath)}: inputs/outputs tables differ from action.yml; run \`npm run docs\` and commit`
    )
}

if (problems.length) {
  for (const p of problems) console.error(`::error::${p}`)
  process.exit(1)
}
console.log(
  `manifests ok: ${actionNames.length} action.yml, ${workflowFiles.length} workflow files parse; README tables in step`
)
