// The generator the tests and the benchmark build repositories with: what it says it wrote is
// what the shared repository model reads back, and the same options give the same repository.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { buildGraph, loadRepo } from '@contribs-actions/shared'
import { cleanupTempDirs, git, tempDir } from '../fixtures.js'
import { CORE_DIR, NESTED_GLOBS, generateRepo } from '../generate-repo.js'

afterAll(cleanupTempDirs)

test('top-level layout: the packages and sibling dependencies the shared model reads', async () => {
  const dir = path.join(tempDir(), 'repo')
  const generated = generateRepo(dir, { packages: 80, filesPerPackage: 2 })
  const repo = await loadRepo(dir)
  expect(repo.packages.map((p) => p.dir).sort()).toEqual(
    generated.packages.map((p) => p.dir).sort()
  )
  const graph = buildGraph(repo)
  for (const pkg of generated.packages) expect([...graph.deps.get(pkg.dir)!]).toEqual(pkg.dependsOn)
  const dependents = generated.packages.filter((p) => p.dependsOn.length > 0)
  expect(dependents.length).toBeGreaterThan(4)
  expect(dependents.some((p) => p.dependsOn[0] !== CORE_DIR)).toBe(true)
  // Committed on main, nothing left over.
  expect(git(dir, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main')
  expect(git(dir, 'status', '--porcelain')).toBe('')
  expect(readdirSync(path.join(dir, 'search/mellea_contribs/search')).sort()).toEqual([
    '__init__.py',
    'module_0.py',
    'module_1.py',
    'stdlib'
  ])
})

test('nested layout: packages in group folders one or two levels down, declared as a uv workspace', () => {
  const dir = path.join(tempDir(), 'repo')
  const { packages } = generateRepo(dir, { packages: 30, layout: 'nested', git: false })
  expect(packages[0].dir).toBe(CORE_DIR)
  expect(packages.slice(1).every((p) => /^[a-z]+(\/[a-z]+)?\/[a-z0-9-]+$/.test(p.dir))).toBe(true)
  expect(packages.some((p) => p.dir.startsWith('python/instrumentation/'))).toBe(true)
  const root = readFileSync(path.join(dir, 'pyproject.toml'), 'utf8')
  expect(root).toContain(`members = ${JSON.stringify(NESTED_GLOBS)}`)
  const bare = path.join(tempDir(), 'bare')
  generateRepo(bare, { packages: 5, layout: 'nested', workspace: false, git: false })
  expect(readFileSync(path.join(bare, 'pyproject.toml'), 'utf8')).not.toContain('uv.workspace')
  // A nested dependent reaches its sibling by a relative uv path.
  const dependent = packages.find((p) => p.dependsOn.length > 0 && p.dir.includes('/'))!
  const own = readFileSync(path.join(dir, dependent.dir, 'pyproject.toml'), 'utf8')
  const target = dependent.dependsOn[0]
  expect(own).toContain(`{ path = "${path.posix.relative(dependent.dir, target)}" }`)
})

test('the same options give the same repository; another seed another one', () => {
  const a = generateRepo(path.join(tempDir(), 'a'), { packages: 50, broken: 10, git: false })
  const b = generateRepo(path.join(tempDir(), 'b'), { packages: 50, broken: 10, git: false })
  const c = generateRepo(path.join(tempDir(), 'c'), {
    packages: 50,
    broken: 10,
    git: false,
    seed: 7
  })
  expect(b.packages).toEqual(a.packages)
  expect(b.planted).toEqual(a.planted)
  expect(c.planted.map((p) => p.subpackage)).not.toEqual(a.planted.map((p) => p.subpackage))
  expect(() => generateRepo(path.join(tempDir(), 'd'), { packages: 5, broken: 5 })).toThrow(
    'cannot plant 5 violations in 4 non-core packages'
  )
})
