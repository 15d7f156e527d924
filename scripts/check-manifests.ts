// `npm run check-manifests` (and `npm run docs`, which passes --write): every action.yml, README
// inputs/outputs table, workflow file and workflow snippet of the docs, checked the way GitHub
// and a careful reviewer would read them. The checks are in scripts/lib/manifests.ts.
import { checkManifests } from './lib/manifests.js'
import { REPO_ROOT } from './lib/bundles.js'

const report = await checkManifests(REPO_ROOT, { write: process.argv.includes('--write') })
for (const note of report.notes) console.log(note)
if (report.problems.length) {
  for (const p of report.problems) console.error(`::error::${p}`)
  process.exit(1)
}
const { actions, workflows, snippets } = report.counts
const checks = `GitHub's parser, the security rules${report.notes.length ? ' and actionlint' : ', actionlint and shellcheck'}`
console.log(
  `manifests ok: ${actions} action.yml, ${workflows} workflow files and ${snippets} doc snippets pass ${checks}; README tables in step`
)
