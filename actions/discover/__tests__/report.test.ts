// The summary's changed-files list is built group by group and stops when its budget runs out;
// it must read exactly as the whole list built up front and then cut.
import { code } from '@contribs-actions/shared'
import type { SortedChanges } from '../src/classify.js'
import type { Discovery } from '../src/discover.js'
import { changedFileLines } from '../src/report.js'

/** Every group built first, then listed within the budget (1,000 files, 20 per group). */
function literal(deleted: Discovery['deleted'], changes: SortedChanges): string[] {
  const groups: [string, string[]][] = [
    ...[...changes.byPackage].map(([p, files]) => [code(p), files] as [string, string[]]),
    ...deleted.map(
      (g) => [`${code(g.dir)} (deleted)`, changes.gone.get(g.dir) ?? []] as [string, string[]]
    ),
    ['docs', changes.docs],
    ['template', changes.template],
    ['legacy (grandfathered)', changes.legacy],
    [
      'outside every subpackage',
      [
        ...changes.other,
        ...[...changes.gone]
          .filter(([dir]) => !deleted.some((g) => g.dir === dir))
          .flatMap(([, f]) => f)
      ]
    ]
  ]
  let budget = 1000
  const lines: string[] = []
  const listed = groups.filter(([, files]) => files.length)
  for (const [label, files] of listed) {
    if (budget <= 0) {
      lines.push(
        `- …and ${listed.length - lines.length} more groups; \`changed-count\` counts them all`
      )
      break
    }
    const shown = files.slice(0, Math.min(20, budget))
    budget -= shown.length
    const more = files.length - shown.length
    lines.push(
      `- ${label} (${files.length}): ${shown.map(code).join(', ')}${more ? ` and ${more} more` : ''}`
    )
  }
  return lines
}

const filesOf = (dir: string, n: number) => Array.from({ length: n }, (_, i) => `${dir}/f${i}.py`)

test.each([
  ['a few packages and every other group', 3, 2, true],
  ['thousands of packages, over the budget', 5000, 2, true],
  ['exactly at the budget', 50, 20, false],
  ['at the budget, then other groups', 50, 20, true],
  ['one file short of it', 1, 999, true],
  ['nothing in packages', 0, 0, true]
])('%s', (_, packages, perPackage, others) => {
  const byPackage = new Map<string, string[]>()
  for (let i = 0; i < packages; i++) byPackage.set(`pkg-${i}`, filesOf(`pkg-${i}`, perPackage))
  const gone = new Map([
    ['old-a', filesOf('old-a', 3)],
    ['old-b', filesOf('old-b', 25)]
  ])
  const c: SortedChanges = {
    files: [],
    byPackage,
    docs: others ? filesOf('docs', 2) : [],
    template: others ? ['cookiecutter/x'] : [],
    legacy: [],
    gone: others ? gone : new Map(),
    other: others ? ['setup.cfg'] : []
  }
  const deleted = others ? [{ dir: 'old-a' }, { dir: 'never-there' }] : []
  const d = { deleted } as unknown as Discovery
  expect(changedFileLines(d, c)).toEqual(literal(deleted, c))
})
