// sortChanges files each path with shortcuts (run-all globs looked up by binary search, a
// package's later paths filed without the rules); these tests hold it to the plain reading of
// the rules: every path through every rule, in order.
import picomatch from 'picomatch'
import { defaultSettings, isGrandfathered, Settings } from '@contribs-actions/shared'
import { firstRunAll, Layout, SortedChanges, sortChanges, touchedPaths } from '../src/classify.js'
import type { Change } from '../src/git-range.js'

/** The rules applied to every path in turn, with nothing skipped. */
function reference(changes: Change[], layout: Layout): SortedChanges {
  const { settings, grandfather } = layout
  const files = [
    ...new Set(changes.flatMap((c) => (c.status === 'R' && c.from ? [c.path, c.from] : [c.path])))
  ].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const matchers = layout.runAllGlobs.map((glob) => ({
    glob,
    re: picomatch.makeRe(glob, { dot: true })
  }))
  const template = settings.template_dir.replace(/\/+$/, '')
  const notPackages = new Set([...settings.exclude_dirs, settings.namespace, 'node_modules'])
  const out: SortedChanges = {
    files,
    byPackage: new Map(),
    docs: [],
    template: [],
    legacy: [],
    gone: new Map(),
    other: []
  }
  for (const rel of files) {
    if (!out.runAll)
      for (const m of matchers)
        if (m.re.test(rel)) {
          out.runAll = { file: rel, glob: m.glob }
          break
        }
    const slash = rel.indexOf('/')
    const top = slash < 0 ? '' : rel.slice(0, slash)
    const add = (map: Map<string, string[]>) => map.set(top, [...(map.get(top) ?? []), rel])
    if (slash < 0 ? /\.md$/i.test(rel) : settings.docs_dirs.includes(top)) out.docs.push(rel)
    else if (template !== '' && (rel === template || rel.startsWith(`${template}/`)))
      out.template.push(rel)
    else if (top !== '' && layout.isPackage(top)) add(out.byPackage)
    else if (grandfather.paths.length > 0 && isGrandfathered(grandfather, rel)) out.legacy.push(rel)
    else if (top !== '' && !top.startsWith('.') && !notPackages.has(top)) add(out.gone)
    else out.other.push(rel)
  }
  return out
}

const PACKAGES = new Set(['a', 'a-b', 'ab', 'pkg', 'pkg.x', 'z'])

function layout(settings: Settings, globs: string[], legacy: string[] = []): Layout {
  return {
    isPackage: (d) => PACKAGES.has(d),
    settings,
    grandfather: { file: '.github/grandfathered.txt', paths: legacy },
    runAllGlobs: globs
  }
}

// A small deterministic generator, so a failure can be replayed.
function random(seed: number): () => number {
  let s = seed
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
}

const TOPS = [
  'a',
  'a-b',
  'ab',
  'pkg',
  'pkg.x',
  'z',
  'gone',
  'docs',
  'cookiecutter',
  '.github',
  'old'
]
const LEAVES = [
  'x.py',
  'README.md',
  'pyproject.toml',
  'uv.lock',
  'sub/y.py',
  'workflows/ci.yml',
  'tests/t.py'
]

function randomChanges(next: () => number, n: number): Change[] {
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]
  const pathOf = () =>
    next() < 0.15
      ? pick(['pyproject.toml', 'uv.lock', 'NOTES.md', 'setup.cfg'])
      : `${pick(TOPS)}/${pick(LEAVES)}`
  const seen = new Set<string>()
  const out: Change[] = []
  for (let i = 0; i < n; i++) {
    const p = pathOf()
    if (seen.has(p)) continue
    seen.add(p)
    if (next() < 0.1) out.push({ status: 'R', from: pathOf(), path: p })
    else out.push({ status: pick(['M', 'A', 'D']), path: p })
  }
  // git lists paths sorted; a rename's old path is wherever it falls.
  return out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))
}

describe('sorting changed paths', () => {
  const base = defaultSettings()
  const settingsVariants: [string, Settings][] = [
    ['defaults', base],
    ['template inside a package', { ...base, template_dir: 'pkg/sub' }],
    ['no template', { ...base, template_dir: '' }]
  ]
  const globVariants = [
    ['pyproject.toml', 'uv.lock', '.github/workflows/**'],
    ['**/uv.lock', 'pkg/**', 'a/*.py'],
    ['z/**', 'a-b/sub/**', 'setup.cfg'],
    []
  ]

  test.each(settingsVariants)(
    'agrees with every rule applied to every path (%s)',
    (_, settings) => {
      for (let seed = 1; seed <= 60; seed++) {
        const next = random(seed)
        const changes = randomChanges(next, 1 + Math.floor(next() * 40))
        for (const globs of globVariants)
          for (const legacy of [[], ['old', 'a-b/sub']]) {
            const l = layout(settings, globs, legacy)
            expect(sortChanges(changes, l)).toEqual(reference(changes, l))
          }
      }
    }
  )

  test('the first run-all file in path order, with the first glob matching it', () => {
    const files = ['.github/workflows/a.yml', 'a/uv.lock', 'b/uv.lock', 'pyproject.toml', 'uv.lock']
    expect(firstRunAll(files, ['uv.lock', '**/uv.lock', '.github/**'])).toEqual({
      file: '.github/workflows/a.yml',
      glob: '.github/**'
    })
    expect(firstRunAll(files, ['**/uv.lock', 'a/**'])).toEqual({
      file: 'a/uv.lock',
      glob: '**/uv.lock'
    })
    expect(firstRunAll(files, ['a/**', '**/uv.lock'])).toEqual({ file: 'a/uv.lock', glob: 'a/**' })
    expect(firstRunAll(files, ['c/**', 'uv.lock'])).toEqual({ file: 'uv.lock', glob: 'uv.lock' })
    expect(firstRunAll(files, ['c/**', 'x.toml'])).toBeUndefined()
    expect(firstRunAll([], ['**'])).toBeUndefined()
  })

  test('touched paths: in order, renames at both ends, each once', () => {
    expect(
      touchedPaths([
        { status: 'M', path: 'a' },
        { status: 'M', path: 'b' }
      ])
    ).toEqual(['a', 'b'])
    expect(
      touchedPaths([
        { status: 'R', from: 'z', path: 'a' },
        { status: 'R', from: 'a', path: 'b' }
      ])
    ).toEqual(['a', 'b', 'z'])
    expect(
      touchedPaths([
        { status: 'M', path: 'b' },
        { status: 'M', path: 'a' }
      ])
    ).toEqual(['a', 'b'])
  })
})
