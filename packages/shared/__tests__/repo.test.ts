import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  cleanupTempDirs,
  commitAll,
  copyExampleRepo,
  EXAMPLE_REPO,
  git,
  initGitRepo,
  writeFiles,
  writeLink
} from '../../../test/kit/fixtures.js'
import { buildGraph, tiersOf, withDependents } from '../src/graph.js'
import { loadRepo, packagesAtCommit } from '../src/repo.js'

afterAll(cleanupTempDirs)

describe('loadRepo on the example contribs repo', () => {
  test('finds the subpackages, sorted, skipping template, docs, legacy namespace dir', async () => {
    const repo = await loadRepo(EXAMPLE_REPO)
    expect(repo.packages.map((p) => p.dir)).toEqual([
      '_integration_core',
      'agent-utilities',
      'citations',
      'crewai',
      'dspy',
      'langchain'
    ])
    expect(repo.grandfather.paths).toEqual(['mellea_contribs/legacy_tools'])
    const crewai = repo.byDir.get('crewai')!
    expect(crewai.owners?.teams).toEqual(['generative-computing/crewai-maintainers'])
    expect(crewai.pyproject?.key).toBe('mellea-contribs-crewai')
  })

  test('sibling graph: three packages depend on _integration_core', async () => {
    const repo = await loadRepo(EXAMPLE_REPO)
    const graph = buildGraph(repo)
    expect([...graph.dependents.get('_integration_core')!].sort()).toEqual([
      'crewai',
      'dspy',
      'langchain'
    ])
    expect([...withDependents(graph, ['_integration_core'])].sort()).toEqual([
      '_integration_core',
      'crewai',
      'dspy',
      'langchain'
    ])
    const tiers = tiersOf(graph)
    expect(tiers.get('_integration_core')).toBe(1)
    expect(tiers.get('citations')).toBe(1)
    expect(tiers.get('dspy')).toBe(2)
  })

  test('uv path sources alone make a dependency; a cycle is named', async () => {
    const dir = copyExampleRepo()
    writeFiles(dir, {
      'citations/pyproject.toml':
        '[project]\nname = "mellea-contribs-citations"\ndependencies = ["mellea>=0.6"]\n[tool.uv.sources]\nx = { path = "../agent-utilities" }\n',
      'agent-utilities/pyproject.toml':
        '[project]\nname = "mellea-contribs-agent-utilities"\ndependencies = ["mellea-contribs-citations"]\n'
    })
    const graph = buildGraph(await loadRepo(dir))
    expect([...graph.deps.get('citations')!]).toEqual(['agent-utilities'])
    expect(() => tiersOf(graph)).toThrow(
      'sibling dependency cycle: agent-utilities -> citations -> agent-utilities'
    )
  })

  test('a folder with neither pyproject, OWNERS nor namespace dir is not a subpackage; grandfathered dirs are skipped', async () => {
    const dir = copyExampleRepo()
    writeFiles(dir, {
      'test/conftest.py': 'import pytest\n',
      'oldpkg/OWNERS': '@a\n',
      '.github/scripts/grandfather_legacy.json': '{"legacy_paths": ["oldpkg"]}'
    })
    const repo = await loadRepo(dir)
    expect(repo.byDir.has('test')).toBe(false)
    expect(repo.byDir.has('oldpkg')).toBe(false)
  })

  test('a broken pyproject is kept as an error on that package, not a crash', async () => {
    const dir = copyExampleRepo()
    writeFiles(dir, { 'dspy/pyproject.toml': '[project\nname = "x"\n' })
    const repo = await loadRepo(dir)
    expect(repo.byDir.get('dspy')!.pyprojectError?.describe()).toMatch(
      /^dspy\/pyproject.toml:1:\d+: invalid TOML/
    )
  })
})

describe('hostile content: every file is read through the shared reader', () => {
  test("a package's unreadable pyproject.toml or OWNERS is kept as that package's error, unread", async () => {
    const dir = copyExampleRepo()
    writeLink(dir, 'dspy/pyproject.toml', '/dev/zero')
    writeLink(dir, 'citations/OWNERS', '/proc/self/environ')
    writeFileSync(path.join(dir, 'crewai', 'OWNERS'), Buffer.from('@j\u00fcrgen\n', 'latin1'))
    const repo = await loadRepo(dir)
    const dspy = repo.byDir.get('dspy')!
    expect(dspy.hasPyproject).toBe(true)
    expect(dspy.pyproject).toBeUndefined()
    expect(dspy.pyprojectError).toMatchObject({ reason: 'outside', file: 'dspy/pyproject.toml' })
    expect(repo.byDir.get('citations')!.ownersError).toMatchObject({
      reason: 'outside',
      file: 'citations/OWNERS'
    })
    expect(repo.byDir.get('crewai')!.ownersError).toMatchObject({
      reason: 'not-utf8',
      file: 'crewai/OWNERS',
      line: 1
    })
    expect(repo.byDir.get('crewai')!.owners).toBeUndefined()
  })

  test('an unreadable root pyproject.toml or grandfather list ends the load with a clear error', async () => {
    const dir = copyExampleRepo()
    writeLink(dir, 'pyproject.toml', 'pyproject.toml')
    await expect(loadRepo(dir)).rejects.toMatchObject({
      reason: 'loop',
      file: 'pyproject.toml'
    })
    const other = copyExampleRepo()
    const list = path.join(other, '.github', 'scripts', 'grandfather_legacy.json')
    rmSync(list)
    mkdirSync(list)
    await expect(loadRepo(other)).rejects.toMatchObject({
      reason: 'not-a-file',
      file: '.github/scripts/grandfather_legacy.json'
    })
  })
})

describe('packagesAtCommit: the packages of a commit that is not checked out', () => {
  /** The example repository at main, and a commit `change` that moves its packages on. */
  function repoWithChange(): { dir: string; change: string } {
    const dir = copyExampleRepo()
    initGitRepo(dir)
    git(dir, 'checkout', '-q', '-b', 'change')
    writeFiles(dir, {
      'vision/pyproject.toml':
        '[project]\nname = "mellea-contribs-vision"\nversion = "0.6.0"\ndependencies = ["mellea-contribs-dspy"]\n',
      'vision/OWNERS': '@octocat\n',
      'langchain/pyproject.toml': null,
      'langchain/OWNERS': null,
      'langchain/mellea_contribs/langchain/__init__.py': null,
      'citations/pyproject.toml':
        '[project]\nname = "mellea-contribs-citations"\nversion = "0.7.0"\n'
    })
    rmSync(path.join(dir, 'langchain'), { recursive: true, force: true })
    writeLink(dir, 'crewai/pyproject.toml', '/etc/hostname')
    const change = commitAll(dir, 'change')
    git(dir, 'checkout', '-q', 'main')
    return { dir, change }
  }

  test('what the commit adds is there, what it deletes is not, each read as it is there', async () => {
    const { dir, change } = repoWithChange()
    const checkout = await loadRepo(dir, { owners: false })
    const packages = await packagesAtCommit(checkout, change, { owners: false })
    const dirs = packages.map((p) => p.dir)
    expect(dirs).toEqual([
      '_integration_core',
      'agent-utilities',
      'citations',
      'crewai',
      'dspy',
      'vision'
    ])
    const at = new Map(packages.map((p) => [p.dir, p]))
    expect(at.get('vision')!.pyproject?.key).toBe('mellea-contribs-vision')
    expect(at.get('citations')!.pyproject?.version).toBe('0.7.0')
    // A link is refused as on disk: never followed, in the checkout or in git's objects.
    expect(at.get('crewai')!.pyprojectError?.message).toMatch(/symbolic link/)
    // What the commit did not change is the checkout's package, not parsed again.
    expect(at.get('dspy')).toBe(checkout.byDir.get('dspy'))
    expect(at.get('citations')).not.toBe(checkout.byDir.get('citations'))
    expect(buildGraph({ ...checkout, packages, byDir: at }).deps.get('vision')).toEqual(
      new Set(['dspy'])
    )
  })

  test('the working tree is left as it was', async () => {
    const { dir, change } = repoWithChange()
    const before = git(dir, 'status', '--porcelain', '--untracked-files=all')
    await packagesAtCommit(await loadRepo(dir), change)
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all')).toBe(before)
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(git(dir, 'rev-parse', 'main'))
  })
})
