// npm run check-self-contained: fails when a tracked file outside dist/ reads or mentions the
// developers' private folder beside the checkout (see scripts/lib/self-contained.ts).
import { REPO_ROOT } from './lib/bundles.js'
import { filesReachingOutside, OUTSIDE_FOLDER } from './lib/self-contained.js'

const files = filesReachingOutside(REPO_ROOT)
for (const file of files)
  console.error(
    `::error file=${file}::${file} mentions ${OUTSIDE_FOLDER}, which a fresh clone does not have`
  )
if (files.length > 0) process.exit(1)
console.log('self-contained: no tracked file reaches outside the repository')
