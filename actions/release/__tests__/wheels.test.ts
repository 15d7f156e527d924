// Real wheels from the files the release rewrites: the built bundle rewrites a copy of the
// example repository where crewai lags behind the release, then hatchling builds the packages
// (`python3 -m build --no-isolation`, Debian's python3-build and python3-hatchling, which
// .ci/run installs) and the wheels' metadata is read back.
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { runBundle } from '@contribs-actions/cli'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'
import {
  cleanupTempDirs,
  copyExampleRepo,
  initGitRepo,
  tempDir,
  writeFiles
} from '../../../test/kit/fixtures.js'

jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

const RELEASE = 'https://github.com/acme/contribs/releases/download/v0.6.0'

/** The first python3 that has build and hatchling (a pyenv shim may shadow the system one). */
function buildPython(): string {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(candidate, ['-c', 'import build, hatchling'], { stdio: 'ignore' })
    if (r.status === 0) return candidate
  }
  throw new Error(
    'no python3 with the `build` and `hatchling` modules: install python3-build and python3-hatchling (.ci/run does)'
  )
}

let python: string
let checkout: string
let dist: string

beforeAll(() => {
  python = buildPython()
  checkout = copyExampleRepo()
  const crewai = path.join(checkout, 'crewai/pyproject.toml')
  const root = path.join(checkout, 'pyproject.toml')
  writeFiles(checkout, {
    'crewai/pyproject.toml': readFileSync(crewai, 'utf8').replace(
      'version = "0.6.0"',
      'version = "0.5.0"'
    ),
    // An `all` extra naming every subpackage, as many meta-packages have.
    'pyproject.toml': readFileSync(root, 'utf8').replace(
      'citations = ["mellea-contribs-citations"]\n',
      'citations = ["mellea-contribs-citations"]\nall = ["mellea-contribs-dspy", "mellea-contribs-crewai"]\n'
    )
  })
  initGitRepo(checkout)
  dist = tempDir('release-wheels-')
})
afterAll(cleanupTempDirs)

/** Builds a folder of the checkout into `dist`; the dependency check is skipped because
 * Debian's hatchling works without the `editables` module it declares (editable installs only). */
function build(folder: string): void {
  execFileSync(
    python,
    ['-m', 'build', '--no-isolation', '--skip-dependency-check', '--outdir', dist, '.'],
    { cwd: path.join(checkout, folder), stdio: 'pipe' }
  )
}

function requiresDist(wheel: string): string[] {
  return metadataField(wheel, 'Requires-Dist')
}

function providesExtra(wheel: string): string[] {
  return metadataField(wheel, 'Provides-Extra')
}

function metadataField(wheel: string, field: string): string[] {
  const metadata = execFileSync(
    python,
    [
      '-c',
      'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode())',
      path.join(dist, wheel)
    ],
    { encoding: 'utf8' }
  )
  return metadata
    .split('\n')
    .filter((l) => l.startsWith(`${field}: `))
    .map((l) => l.slice(field.length + 2))
}

test('wheels built from the rewritten files point at the same release; the meta-package leaves the straggler out', async () => {
  const r = await runBundle({
    action: 'release',
    inputs: { mode: 'rewrite', version: '0.6.0' },
    workspace: checkout,
    env: { GITHUB_REPOSITORY: 'acme/contribs', GITHUB_SERVER_URL: 'https://github.com' }
  })
  expect(r.exitCode).toBe(0)
  expect(JSON.parse(r.outputs.stragglers)).toEqual([
    { package: 'crewai', kind: 'version', why: 'at 0.5.0, not 0.6.0', issue: null }
  ])
  expect(JSON.parse(r.outputs.rewritten)).toEqual(['dspy/pyproject.toml', 'pyproject.toml'])

  build('dspy')
  build('.')
  expect(readdirSync(dist).sort()).toEqual([
    'mellea_contribs-0.6.0-py3-none-any.whl',
    'mellea_contribs-0.6.0.tar.gz',
    'mellea_contribs_dspy-0.6.0-py3-none-any.whl',
    'mellea_contribs_dspy-0.6.0.tar.gz'
  ])
  const dspy = requiresDist('mellea_contribs_dspy-0.6.0-py3-none-any.whl')
  expect(dspy).toContain(
    `mellea-contribs-integration-core@ ${RELEASE}/mellea_contribs_integration_core-0.6.0-py3-none-any.whl`
  )
  // uv sources never reach the metadata; the other requirements are as written.
  expect(dspy).toContain('mellea[litellm]>=0.6.0')
  expect(dspy.join('\n')).not.toMatch(/\.\.\/_integration_core|file:/)

  const meta = requiresDist('mellea_contribs-0.6.0-py3-none-any.whl')
  expect(meta).toContain(
    `mellea-contribs-dspy@ ${RELEASE}/mellea_contribs_dspy-0.6.0-py3-none-any.whl ; extra == 'dspy'`
  )
  expect(meta).toContain(
    `mellea-contribs-dspy@ ${RELEASE}/mellea_contribs_dspy-0.6.0-py3-none-any.whl ; extra == 'all'`
  )
  // The straggler is in no extra: neither its own nor `all`.
  expect(meta.join('\n')).not.toContain('crewai')
  expect(providesExtra('mellea_contribs-0.6.0-py3-none-any.whl')).not.toContain('crewai')
})
