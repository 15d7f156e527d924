// Dependents: discover's own look-up (only the packages whose text names one of the set are parsed)
// against the shared library's loadRepo + buildGraph + withDependents, on a generated repository.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { buildGraph, loadRepo, withDependents } from '@contribs-actions/shared'
import { cleanupTempDirs, tempDir, writeFiles } from '../../../test/kit/fixtures.js'
import { generateRepo } from '../../../test/kit/generate-repo.js'
import { affected } from '../src/affected.js'
import { indexRepo } from '../src/repo-index.js'

afterAll(cleanupTempDirs)

let dir: string
beforeAll(() => {
  dir = path.join(tempDir(), 'repo')
  generateRepo(dir, { packages: 120, filesPerPackage: 0, git: false })
})

async function oracle(seeds: string[]): Promise<string[]> {
  return oracleIn(dir, seeds)
}

async function oracleIn(root: string, seeds: string[]): Promise<string[]> {
  const repo = await loadRepo(root)
  return [...withDependents(buildGraph(repo), seeds)].sort()
}

async function ours(seeds: string[]): Promise<string[]> {
  const index = await indexRepo(dir)
  return [...affected(index, new Map(seeds.map((s) => [s, [`${s}/README.md`]])), []).keys()].sort()
}

test('a few changed packages: the same dependents as the shared graph', async () => {
  const index = await indexRepo(dir)
  const [core, ...rest] = index.dirs
  expect(core).toBe('_integration_core')
  for (const seeds of [[core], [rest[3]], [rest[10], rest[50]], rest.slice(0, 5)])
    expect(await ours(seeds)).toEqual(await oracle(seeds))
  // The generator makes ~12% of packages depend on a sibling, mostly _integration_core.
  expect((await ours([core])).length).toBeGreaterThan(3)
})

test('many changed packages: the same answer', async () => {
  const index = await indexRepo(dir)
  const seeds = index.dirs.filter((_, i) => i % 3 === 0)
  expect(seeds.length).toBeGreaterThan(32)
  expect(await ours(seeds)).toEqual(await oracle(seeds))
})

test('packages whose pyproject.toml does not parse', async () => {
  const index = await indexRepo(dir)
  const victim = index.dirs[7]
  const bystander = index.dirs[8]
  const copy = path.join(tempDir(), 'copy')
  execFileSync('cp', ['-r', dir, copy])
  writeFiles(copy, {
    // Names _integration_core, but the file is broken: it may depend on it, so it runs.
    [`${victim}/pyproject.toml`]:
      '[project]\nname = "broken"\ndependencies = ["mellea-contribs-integration-core"\n',
    // Broken, and names nothing of the change: it stays out.
    [`${bystander}/pyproject.toml`]: '[project]\nname = "other\n'
  })
  const ix = await indexRepo(copy)
  const run = affected(ix, new Map([['_integration_core', ['_integration_core/x.py']]]), [])
  expect(run.get(victim)).toMatchObject({ kind: 'unreadable', mentions: '_integration_core' })
  expect(run.has(bystander)).toBe(false)

  // A changed package whose own file is broken still has its dependents found by its name.
  writeFiles(copy, {
    '_integration_core/pyproject.toml':
      '[project]\nname = "mellea-contribs-integration-core"\nx = \n'
  })
  const ix2 = await indexRepo(copy)
  const run2 = affected(ix2, new Map([['_integration_core', ['_integration_core/x.py']]]), [])
  const expected = (await oracle(['_integration_core'])).filter((d) => d !== victim)
  for (const d of expected) expect(run2.has(d)).toBe(true)
})

test('odd spellings, uv paths and chains are found, as the shared graph finds them', async () => {
  const copy = path.join(tempDir(), 'copy')
  execFileSync('cp', ['-r', dir, copy])
  const pkg = (name: string, body: string) =>
    `[project]\nname = "${name}"\nversion = "0.1.0"\n${body}`
  writeFiles(copy, {
    'zz-path-only/pyproject.toml': pkg(
      'zz-path-only',
      'dependencies = []\n\n[tool.uv.sources]\nanything = { path = "../_integration_core" }\n'
    ),
    'zz-spelling/pyproject.toml': pkg(
      'zz-spelling',
      'dependencies = [\n  \'Mellea_Contribs.Integration__Core >= 1 ; python_version >= "3.11"\',\n]\n'
    ),
    'zz-chain/pyproject.toml': pkg(
      'zz-chain',
      '[dependency-groups]\ndev = ["ZZ.Spelling[extra]"]\n'.replace('[project]', '')
    )
  })
  const seeds = ['_integration_core']
  const repo = await loadRepo(copy)
  const expected = [...withDependents(buildGraph(repo), seeds)].sort()
  expect(expected).toEqual(expect.arrayContaining(['zz-chain', 'zz-path-only', 'zz-spelling']))
  const ix = await indexRepo(copy)
  const run = affected(ix, new Map([['_integration_core', ['x']]]), [])
  expect([...run.keys()].sort()).toEqual(expected)
  // A trailing slash is the same folder, in the shared rule as here.
  writeFiles(copy, {
    'zz-path-only/pyproject.toml': pkg(
      'zz-path-only',
      '[tool.uv.sources]\nanything = { path = "../_integration_core/" }\n'
    )
  })
  const slash = affected(await indexRepo(copy), new Map([['_integration_core', ['x']]]), [])
  expect(slash.has('zz-path-only')).toBe(true)
  expect([...slash.keys()].sort()).toEqual(await oracleIn(copy, seeds))
  expect(run.get('zz-chain')).toEqual({
    kind: 'dependent',
    via: 'zz-spelling',
    root: '_integration_core'
  })
})

test("dependencies through the root distribution's extras: the same answer, by either look-up", async () => {
  const copy = path.join(tempDir(), 'copy')
  execFileSync('cp', ['-r', dir, copy])
  const index = await indexRepo(dir)
  const root = index.rootDistribution(true)!
  // The generated root has one extra per package; name a few of them, and the root plainly.
  const extras = [...root.extras.keys()].filter((_, i) => i % 20 === 7)
  expect(extras.length).toBeGreaterThan(4)
  const pkg = (name: string, body: string) =>
    `[project]\nname = "${name}"\nversion = "0.1.0"\n${body}`
  writeFiles(copy, {
    'zz-extras/pyproject.toml': pkg(
      'zz-extras',
      `dependencies = ["Mellea.Contribs[${extras.slice(0, 3).join(',')}] >= 0.6"]\n`
    ),
    'zz-group/pyproject.toml': pkg(
      'zz-group',
      `[dependency-groups]\ndev = ["mellea-contribs[${extras[3]}]"]\n`.replace('[project]', '')
    ),
    'zz-plain/pyproject.toml': pkg('zz-plain', 'dependencies = ["mellea-contribs"]\n')
  })
  const ix = await indexRepo(copy)
  const named = (extra: string) => root.extras.get(extra)![0].key
  const dirOf = new Map(ix.dirs.map((d) => [ix.pyproject(d, [['project']])?.key, d]))
  const seeds = [dirOf.get(named(extras[0]))!, dirOf.get(named(extras[3]))!]
  const expected = await oracleIn(copy, seeds)
  expect(expected).toEqual(expect.arrayContaining(['zz-extras', 'zz-group']))
  expect(expected).not.toContain('zz-plain') // the root's own dependencies are empty
  const run = affected(ix, new Map(seeds.map((s) => [s, ['x']])), [])
  expect([...run.keys()].sort()).toEqual(expected)
  expect(run.get('zz-group')).toMatchObject({
    via: seeds[1],
    through: `mellea-contribs[${extras[3]}]`
  })
  // Past the first few targets discover indexes every string literal instead: the same answer.
  const many = ix.dirs.filter((_, i) => i % 4 === 0).concat(seeds)
  expect([...affected(ix, new Map(many.sort().map((s) => [s, ['x']])), []).keys()].sort()).toEqual(
    await oracleIn(copy, many)
  )
})

test('a plain requirement on the root: its own dependencies, read without its extras', async () => {
  const copy = path.join(tempDir(), 'copy')
  execFileSync('cp', ['-r', dir, copy])
  const index = await indexRepo(dir)
  const [core, , sibling] = index.dirs
  const key = (d: string) => index.pyproject(d, [['project']])!.key!
  const root = readFileSync(path.join(copy, 'pyproject.toml'), 'utf8')
  writeFiles(copy, {
    'pyproject.toml': root.replace('dependencies = []', `dependencies = ["${key(sibling)}"]`),
    'zz-plain/pyproject.toml': '[project]\nname = "zz-plain"\ndependencies = ["mellea-contribs"]\n'
  })
  const ix = await indexRepo(copy)
  const run = affected(ix, new Map([[sibling, ['x']]]), [])
  expect(run.get('zz-plain')).toEqual({
    kind: 'dependent',
    via: sibling,
    root: sibling,
    through: 'mellea-contribs'
  })
  expect([...run.keys()].sort()).toEqual(await oracleIn(copy, [sibling]))
  // The root's dependencies do not name the core package.
  expect(affected(ix, new Map([[core, ['x']]]), []).has('zz-plain')).toBe(false)
})
