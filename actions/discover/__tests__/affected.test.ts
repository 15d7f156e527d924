// Which packages run when some change or go: the changed ones, their dependents (by name in any
// spelling, by uv path, through the root distribution's extras or its own dependencies), the
// dependents of deleted packages, and unreadable packages that may depend on one of them.
import path from 'node:path'
import { loadRepo } from '@contribs-actions/shared'
import { cleanupTempDirs, tempDir, writeFiles } from '../../../test/kit/fixtures.js'
import { affected } from '../src/affected.js'

afterAll(cleanupTempDirs)

const project = (name: string, body = '') =>
  `[project]\nname = "${name}"\nversion = "0.1.0"\n${body}`

const ROOT = `[project]
name = "mellea-contribs"
version = "0.1.0"
dependencies = ["pkg-c"]

[project.optional-dependencies]
core = ["core-pkg"]
b = ["pkg-b"]
all = ["mellea-contribs[core,b]"]
`

function repoWith(files: Record<string, string>): string {
  const dir = path.join(tempDir(), 'repo')
  writeFiles(dir, { 'pyproject.toml': ROOT, ...files })
  return dir
}

const EXAMPLE = {
  'core/pyproject.toml': project('core-pkg'),
  'b/pyproject.toml': project(
    'pkg-b',
    'dependencies = ["Core_Pkg >= 1 ; python_version >= \'3.11\'"]\n'
  ),
  'chain/pyproject.toml': `${project('chain')}\n[dependency-groups]\ndev = ["PKG.B[x]"]\n`,
  'pathdep/pyproject.toml': `${project('pathdep')}\n[tool.uv.sources]\nanything = { path = "../core/" }\n`,
  'c/pyproject.toml': project('pkg-c'),
  'extras-user/pyproject.toml': project('extras-user', 'dependencies = ["mellea-contribs[b]"]\n'),
  'plain-user/pyproject.toml': project('plain-user', 'dependencies = ["mellea-contribs"]\n'),
  'broken/pyproject.toml': '[project]\nname = "broken"\ndependencies = ["core-pkg"\n',
  'bystander/pyproject.toml': '[project]\nname = "other\n'
}

const run = async (root: string, changed: string[], deleted = []) =>
  affected(await loadRepo(root), new Map(changed.map((d) => [d, [`${d}/x.py`]])), deleted)

test('a changed package brings its dependents, each naming its nearest cause', async () => {
  const result = await run(repoWith(EXAMPLE), ['core'])
  expect(Object.fromEntries(result)).toEqual({
    core: { kind: 'changed', files: ['core/x.py'] },
    b: { kind: 'dependent', via: 'core', root: 'core' },
    pathdep: { kind: 'dependent', via: 'core', root: 'core' },
    chain: { kind: 'dependent', via: 'b', root: 'core' },
    'extras-user': { kind: 'dependent', via: 'b', root: 'core', through: 'mellea-contribs[b]' },
    broken: expect.objectContaining({ kind: 'unreadable', mentions: 'core' })
  })
})

test("a plain requirement on the root distribution depends on the root's own dependencies only", async () => {
  const root = repoWith(EXAMPLE)
  // As pip installs them: `mellea-contribs[b]` brings the root's own dependencies too.
  expect(Object.fromEntries(await run(root, ['c']))).toEqual({
    c: { kind: 'changed', files: ['c/x.py'] },
    'plain-user': { kind: 'dependent', via: 'c', root: 'c', through: 'mellea-contribs' },
    'extras-user': { kind: 'dependent', via: 'c', root: 'c', through: 'mellea-contribs[b]' }
  })
  expect((await run(root, ['b'])).has('plain-user')).toBe(false)
})

test('the dependents of a deleted package run, found by its name at the base', async () => {
  const root = repoWith({
    ...EXAMPLE,
    'user/pyproject.toml': project('user', 'dependencies = ["gone-pkg"]\n'),
    'after-user/pyproject.toml': project('after-user', 'dependencies = ["user"]\n')
  })
  const result = await affected(await loadRepo(root), new Map(), [
    { dir: 'gone', key: 'gone-pkg', name: 'gone-pkg' }
  ])
  expect(Object.fromEntries(result)).toEqual({
    user: { kind: 'deleted-dependent', via: 'gone', root: 'gone' },
    'after-user': { kind: 'deleted-dependent', via: 'user', root: 'gone' }
  })
})

test('nested packages (package_globs): dependencies by path and name across groups', async () => {
  const root = repoWith({
    'pyproject.toml': `${ROOT}\n[tool.mellea-contribs]\npackage_globs = ["python/*", "python/instrumentation/*"]\n`,
    'python/core/pyproject.toml': project('core-pkg'),
    'python/instrumentation/x/pyproject.toml': `${project('inst-x')}\n[tool.uv.sources]\ncore-pkg = { path = "../../core" }\n`,
    'python/instrumentation/y/pyproject.toml': project('inst-y', 'dependencies = ["inst-x"]\n'),
    'python/other/pyproject.toml': project('other')
  })
  const repo = await loadRepo(root)
  expect(repo.packages.map((p) => p.dir)).toEqual([
    'python/core',
    'python/instrumentation/x',
    'python/instrumentation/y',
    'python/other'
  ])
  expect([...(await run(root, ['python/core'])).keys()]).toEqual([
    'python/core',
    'python/instrumentation/x',
    'python/instrumentation/y'
  ])
})
