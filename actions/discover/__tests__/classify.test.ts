// How changed paths are sorted: into the package holding them (the deepest package folder, at any
// depth with globs), docs, the template, grandfathered paths, folders that were packages, the rest.
import {
  defaultSettings,
  neverPackage,
  packageFolderTest,
  PackageLayout
} from '@contribs-actions/shared'
import { firstRunAll, Layout, sortChanges, touchedPaths } from '../src/classify.js'
import type { Change } from '../src/git-range.js'

const settings = defaultSettings()
const grandfather = { file: '.github/grandfathered.json', paths: ['old'] }

function layoutOf(packages: string[], shape: PackageLayout): Layout {
  const known = new Set(packages)
  return {
    isPackage: (d) => known.has(d),
    mayBePackage: packageFolderTest(shape, neverPackage(settings, grandfather)),
    settings,
    grandfather,
    runAllGlobs: ['uv.lock', '.github/workflows/**']
  }
}

const changed = (...paths: string[]): Change[] => paths.map((path) => ({ status: 'M', path }))

describe('sorting changed paths', () => {
  test('top-level packages: every path in exactly one bucket', () => {
    const layout = layoutOf(['a', 'a-b', 'pkg'], { kind: 'top-level' })
    const sorted = sortChanges(
      changed(
        '.github/workflows/ci.yml',
        'NOTES.md',
        'a-b/x.py',
        'a/README.md',
        'a/sub/y.py',
        'cookiecutter/{{x}}/pyproject.toml',
        'docs/guide.md',
        'gone/pyproject.toml',
        'old/legacy.py',
        'setup.cfg'
      ),
      layout
    )
    expect(Object.fromEntries(sorted.byPackage)).toEqual({
      'a-b': ['a-b/x.py'],
      a: ['a/README.md', 'a/sub/y.py']
    })
    expect(sorted.docs).toEqual(['NOTES.md', 'docs/guide.md'])
    expect(sorted.template).toEqual(['cookiecutter/{{x}}/pyproject.toml'])
    expect(sorted.legacy).toEqual(['old/legacy.py'])
    expect(Object.fromEntries(sorted.gone)).toEqual({ gone: ['gone/pyproject.toml'] })
    expect(sorted.other).toEqual(['.github/workflows/ci.yml', 'setup.cfg'])
    expect(sorted.runAll).toEqual({
      file: '.github/workflows/ci.yml',
      glob: '.github/workflows/**'
    })
  })

  test('nested packages: the deepest package folder holds a path; a glob-shaped folder that is no package was one', () => {
    const shape: PackageLayout = {
      kind: 'globs',
      source: 'package_globs',
      globs: ['python/*', 'python/instrumentation/*'],
      exclude: []
    }
    const layout = layoutOf(['python/core', 'python/instrumentation/x'], shape)
    const sorted = sortChanges(
      changed(
        'python/core/src/a.py',
        'python/instrumentation/x/pyproject.toml',
        'python/instrumentation/README.txt',
        'python/instrumentation/y/pyproject.toml',
        'python/shared.py',
        'tools/x.py'
      ),
      layout
    )
    expect(Object.fromEntries(sorted.byPackage)).toEqual({
      'python/core': ['python/core/src/a.py'],
      'python/instrumentation/x': ['python/instrumentation/x/pyproject.toml']
    })
    // `python/instrumentation` matches `python/*` but holds no package of its own.
    expect(Object.fromEntries(sorted.gone)).toEqual({
      'python/instrumentation': ['python/instrumentation/README.txt'],
      'python/instrumentation/y': ['python/instrumentation/y/pyproject.toml']
    })
    expect(sorted.other).toEqual(['python/shared.py', 'tools/x.py'])
  })

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
