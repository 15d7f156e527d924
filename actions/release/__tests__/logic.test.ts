import { describe, expect, test } from '@jest/globals'
import {
  Inputs,
  readPyProject,
  dependencyEntries,
  type SiblingGraph
} from '@contribs-actions/shared'
import { releaseNotes } from '../src/notes.js'
import { planRelease, type PlanInput, type ReleasePackage } from '../src/plan.js'
import { metaForRelease, rewriteForBuild } from '../src/rewrite.js'
import { releaseVersion } from '../src/version.js'
import { parseOptions } from '../src/options.js'
import { sdistName, versionFreeWheelName, wheelName } from '../src/files.js'

/** A sibling graph from package -> the siblings it depends on. */
function graphOf(deps: Record<string, string[]>): SiblingGraph {
  const graph: SiblingGraph = {
    deps: new Map(),
    dependents: new Map(),
    through: new Map(),
    references: new Map()
  }
  for (const p of Object.keys(deps)) {
    graph.deps.set(p, new Set(deps[p]))
    graph.dependents.set(p, new Set())
  }
  for (const [p, ds] of Object.entries(deps)) for (const d of ds) graph.dependents.get(d)!.add(p)
  return graph
}

const pkg = (dir: string, version = '0.6.0'): ReleasePackage => ({
  dir,
  name: `mellea-contribs-${dir.replace(/^_/, '')}`,
  version,
  file: `${dir}/pyproject.toml`
})

function input(over: Partial<PlanInput> = {}): PlanInput {
  return {
    release: { version: '0.6.0', tag: 'v0.6.0' },
    repository: { serverUrl: 'https://github.com', owner: 'acme', repo: 'contribs' },
    packages: [pkg('_integration_core'), pkg('dspy'), pkg('crewai'), pkg('reqlib')],
    graph: graphOf({
      _integration_core: [],
      dspy: ['_integration_core'],
      crewai: ['_integration_core'],
      reqlib: []
    }),
    meta: { dir: '.', name: 'mellea-contribs', version: '0.6.0', file: 'pyproject.toml' },
    tracked: [],
    ...over
  }
}

describe('version', () => {
  test('comes from the tag, pre-releases included, normalized', () => {
    expect(releaseVersion({ ref: 'refs/tags/v0.7.0rc1' })).toEqual({
      version: '0.7.0rc1',
      tag: 'v0.7.0rc1'
    })
    expect(releaseVersion({ ref: 'refs/tags/v1.0.0-RC.2' }).version).toBe('1.0.0rc2')
    expect(releaseVersion({ version: '0.6.0', ref: 'refs/heads/main' })).toEqual({
      version: '0.6.0',
      tag: 'v0.6.0'
    })
  })
  test('a version that disagrees with the tag, or none at all, is refused', () => {
    expect(() => releaseVersion({ version: '0.6.1', ref: 'refs/tags/v0.6.0' })).toThrow(
      'does not match the tag v0.6.0'
    )
    expect(() => releaseVersion({ version: 'latest' })).toThrow('not a PEP 440 version')
    expect(() => releaseVersion({ ref: 'refs/heads/main' })).toThrow('no version')
  })
})

describe('file names', () => {
  test('follow the binary distribution format and PEP 625', () => {
    expect(wheelName('Mellea.Contribs-integration_core', '0.7.0rc1')).toBe(
      'mellea_contribs_integration_core-0.7.0rc1-py3-none-any.whl'
    )
    expect(sdistName('mellea-contribs-dspy', '0.6.0')).toBe('mellea_contribs_dspy-0.6.0.tar.gz')
    expect(versionFreeWheelName('mellea-contribs')).toBe('mellea_contribs-py3-none-any.whl')
  })
})

describe('plan', () => {
  test('every package at the version ships, in build order, with every asset', () => {
    const plan = planRelease(input())
    expect(plan.included.map((p) => p.dir)).toEqual([
      '_integration_core',
      'reqlib',
      'crewai',
      'dspy'
    ])
    expect(plan.tiers).toEqual([
      ['_integration_core', 'reqlib'],
      ['crewai', 'dspy']
    ])
    expect(plan.stragglers).toEqual([])
    expect(plan.included[0].wheelUrl).toBe(
      'https://github.com/acme/contribs/releases/download/v0.6.0/mellea_contribs_integration_core-0.6.0-py3-none-any.whl'
    )
    expect(plan.assets).toHaveLength(2 * 5 + 1)
    expect(plan.assets).toContain('mellea_contribs-py3-none-any.whl')
  })

  test('a lagging package is a straggler, and so are its dependents, with their tracking issues', () => {
    const plan = planRelease(
      input({
        packages: [pkg('_integration_core', '0.5.0'), pkg('dspy'), pkg('crewai'), pkg('reqlib')],
        tracked: [
          {
            package: '_integration_core',
            issue: 12,
            url: 'https://x/12',
            archived: false,
            pastNotice: false
          }
        ]
      })
    )
    expect(plan.included.map((p) => p.dir)).toEqual(['reqlib'])
    expect(plan.stragglers).toEqual([
      {
        dir: '_integration_core',
        kind: 'version',
        why: 'at 0.5.0, not 0.6.0',
        issue: { number: 12, url: 'https://x/12' }
      },
      { dir: 'crewai', kind: 'dependency', why: 'needs _integration_core, not in this release' },
      { dir: 'dspy', kind: 'dependency', why: 'needs _integration_core, not in this release' }
    ])
    expect(plan.assets).not.toContain('mellea_contribs_dspy-0.6.0-py3-none-any.whl')
  })

  test('a package that failed its jobs in this release is a straggler; one with no job is not built', () => {
    const plan = planRelease(
      input({
        jobSignals: [
          {
            package: '_integration_core',
            signal: 'green',
            legs: [{ name: 'build (_integration_core)', conclusion: 'success' }]
          },
          {
            package: 'dspy',
            signal: 'green',
            legs: [{ name: 'build (dspy)', conclusion: 'success' }]
          },
          {
            package: 'crewai',
            signal: 'red',
            legs: [{ name: 'build (crewai)', conclusion: 'failure' }]
          }
        ]
      })
    )
    expect(plan.included.map((p) => p.dir)).toEqual(['_integration_core', 'dspy'])
    expect(plan.stragglers.map((s) => [s.dir, s.kind, s.why])).toEqual([
      ['crewai', 'failed', "failed in this release's jobs (build (crewai))"],
      ['reqlib', 'not-built', 'no build or test job of this release ran for it']
    ])
  })

  test('a package whose version cannot be read is a straggler, not a crash', () => {
    const plan = planRelease(
      input({
        packages: [
          pkg('_integration_core'),
          { dir: 'reqlib', file: 'reqlib/pyproject.toml', problem: 'invalid TOML' }
        ],
        graph: graphOf({ _integration_core: [], reqlib: [] })
      })
    )
    expect(plan.stragglers).toEqual([{ dir: 'reqlib', kind: 'unreadable', why: 'invalid TOML' }])
  })

  test('pre-release versions compare in normalized form', () => {
    const plan = planRelease(
      input({
        release: { version: '0.7.0rc1', tag: 'v0.7.0rc1' },
        packages: [pkg('reqlib', '0.7.0-rc.1')],
        graph: graphOf({ reqlib: [] }),
        meta: { dir: '.', name: 'mellea-contribs', version: '0.7.0rc1', file: 'pyproject.toml' }
      })
    )
    expect(plan.included.map((p) => p.wheel)).toEqual([
      'mellea_contribs_reqlib-0.7.0rc1-py3-none-any.whl'
    ])
  })

  test('a meta-package at another version stops the release', () => {
    expect(() =>
      planRelease(
        input({
          meta: { dir: '.', name: 'mellea-contribs', version: '0.5.0', file: 'pyproject.toml' }
        })
      )
    ).toThrow('the meta-package mellea-contribs is at 0.5.0, not 0.6.0')
  })

  test('packages at or past the archival notice, or archived, are at risk', () => {
    const plan = planRelease(
      input({
        tracked: [
          { package: 'dspy', issue: 3, url: 'u3', archived: false, pastNotice: true },
          { package: 'crewai', issue: 4, url: 'u4', archived: true, pastNotice: true },
          { package: 'reqlib', issue: 5, url: 'u5', archived: false, pastNotice: false },
          { package: 'gone', issue: 6, url: 'u6', archived: true, pastNotice: true }
        ]
      })
    )
    expect(plan.atRisk).toEqual([
      { dir: 'crewai', stage: 'archived', issue: { number: 4, url: 'u4' } },
      { dir: 'dspy', stage: 'notice', issue: { number: 3, url: 'u3' } }
    ])
  })
})

describe('notes', () => {
  test('name the upstream version, what shipped, each straggler with its issue, and the at-risk', () => {
    const plan = planRelease(
      input({
        packages: [pkg('_integration_core'), pkg('dspy'), pkg('crewai', '0.5.0'), pkg('reqlib')],
        tracked: [
          {
            package: 'crewai',
            issue: 9,
            url: 'https://github.com/acme/contribs/issues/9',
            archived: false,
            pastNotice: true
          }
        ]
      })
    )
    const notes = releaseNotes(plan, {
      upstream: 'mellea',
      upstreamVersion: '0.6.0'
    })
    expect(notes).toContain('Tracks `mellea` 0.6.0.')
    expect(notes).toContain('- `dspy`: `mellea-contribs-dspy` 0.6.0')
    expect(notes).toContain(
      '### Skipped\n\n- `crewai`: at 0.5.0, not 0.6.0; tracking issue [#9](https://github.com/acme/contribs/issues/9)'
    )
    expect(notes).toContain('### At risk\n\n- `crewai`: broken past the archival notice')
    expect(releaseNotes(plan, { upstream: 'mellea', upstreamVersion: '0.6.0' })).toBe(notes)
  })
})

const DSPY = `[project]
name = "mellea-contribs-dspy"
version = "0.6.0"
dependencies = [
    "mellea[litellm]>=0.6.0",
    'Mellea_Contribs.Integration-Core[extra]>=0.5 ; python_version >= "3.11"',  # sibling
    "dspy>=3.1.3",
]

[project.optional-dependencies]
test = ["pytest>=7"]

[tool.uv.sources]
mellea-contribs-integration-core = { path = "../_integration_core", editable = true }

[dependency-groups]
dev = ["mellea-contribs-integration-core"]
`

describe('rewrite for building', () => {
  const core =
    'https://github.com/acme/contribs/releases/download/v0.6.0/mellea_contribs_integration_core-0.6.0-py3-none-any.whl'
  const urls = new Map([['_integration_core', core]])
  const dirs = new Set(['_integration_core', 'dspy'])

  test('a uv-sourced sibling becomes a direct reference to its wheel; every other byte is kept', () => {
    const out = rewriteForBuild(DSPY, 'dspy/pyproject.toml', 'dspy', urls, dirs)
    const want = `"Mellea_Contribs.Integration-Core[extra] @ ${core} ; python_version >= \\"3.11\\""`
    expect(out.text).toBe(
      DSPY.replace(
        `'Mellea_Contribs.Integration-Core[extra]>=0.5 ; python_version >= "3.11"'`,
        want
      ) + '\n[tool.hatch.metadata]\nallow-direct-references = true\n'
    )
    const deps = dependencyEntries(readPyProject(out.text, 'x')).map((d) => d.raw)
    expect(deps).toContain(
      `Mellea_Contribs.Integration-Core[extra] @ ${core} ; python_version >= "3.11"`
    )
    expect(deps).toContain('mellea-contribs-integration-core') // the dev group is not published
    expect(out.changes).toEqual([
      expect.objectContaining({ group: 'project.dependencies', line: 6 })
    ])
  })

  test('an existing [tool.hatch.metadata] table gets the key; CRLF files stay CRLF', () => {
    const crlf = DSPY.replace(
      '[dependency-groups]',
      '[tool.hatch.metadata]\n[dependency-groups]'
    ).replace(/\n/g, '\r\n')
    const out = rewriteForBuild(crlf, 'f', 'dspy', urls, dirs)
    expect(out.text).toContain(
      '[tool.hatch.metadata]\r\nallow-direct-references = true\r\n[dependency-groups]'
    )
    expect(out.text.replace(/\r\n/g, '')).not.toContain('\n')
  })

  test('a package with no uv-sourced sibling is returned unchanged', () => {
    const text = '[project]\nname = "x"\nversion = "1"\ndependencies = ["requests"]\n'
    expect(rewriteForBuild(text, 'f', 'x', urls, dirs)).toEqual({ text, changes: [] })
  })

  test('a uv-sourced sibling missing from the release is an error naming it', () => {
    expect(() => rewriteForBuild(DSPY, 'dspy/pyproject.toml', 'dspy', new Map(), dirs)).toThrow(
      'resolves to _integration_core, which is not in this release'
    )
  })

  const META =
    '[project]\nname = "mellea-contribs"\nversion = "0.6.0"\n\n[project.optional-dependencies]\ndspy = ["mellea-contribs-dspy"]  # one extra\ncrewai = ["mellea-contribs-crewai"]\nall = [\n  "mellea-contribs-dspy",\n  "mellea-contribs-crewai",\n]\n'
  const DSPY_WHEEL =
    'https://github.com/acme/contribs/releases/download/v0.6.0/mellea_contribs_dspy-0.6.0-py3-none-any.whl'

  test("the meta-package's extras point at the release's wheels; a straggler leaves them", () => {
    const out = metaForRelease(
      META,
      'pyproject.toml',
      'mellea-contribs',
      ['mellea-contribs-crewai'],
      new Map([['mellea-contribs-dspy', DSPY_WHEEL]])
    )
    expect(out.text).toContain(`dspy = ["mellea-contribs-dspy @ ${DSPY_WHEEL}"]  # one extra\n`)
    expect(out.text).toContain(`all = [\n  "mellea-contribs-dspy @ ${DSPY_WHEEL}",\n]\n`)
    expect(out.text).not.toContain('crewai')
    // Each change on its line in the file as written.
    expect(out.changes.map((c) => [c.line, c.from, c.to])).toEqual([
      [6, 'mellea-contribs-dspy', `mellea-contribs-dspy @ ${DSPY_WHEEL}`],
      [7, 'crewai = ["mellea-contribs-crewai"]', ''],
      [9, 'mellea-contribs-dspy', `mellea-contribs-dspy @ ${DSPY_WHEEL}`],
      [10, '"mellea-contribs-crewai"', '']
    ])
  })

  test("a self-reference naming a straggler's extra is narrowed to the others", () => {
    const meta =
      '[project]\nname = "mellea-contribs"\n\n[project.optional-dependencies]\ndspy = ["mellea-contribs-dspy"]\ncrewai = ["mellea-contribs-crewai"]\nall = ["mellea-contribs[dspy,crewai]"]\n'
    const out = metaForRelease(
      meta,
      'pyproject.toml',
      'mellea-contribs',
      ['mellea-contribs-crewai'],
      new Map([['mellea-contribs-dspy', DSPY_WHEEL]])
    )
    expect(out.text).toContain('all = ["mellea-contribs[dspy]"]\n')
    expect(out.text).not.toContain('crewai')
    expect(out.changes.map((c) => [c.line, c.from, c.to])).toEqual([
      [5, 'mellea-contribs-dspy', `mellea-contribs-dspy @ ${DSPY_WHEEL}`],
      [6, 'crewai = ["mellea-contribs-crewai"]', ''],
      [7, '"mellea-contribs[dspy,crewai]"', '"mellea-contribs[dspy]"']
    ])
  })

  test('with no straggler and no wheel the meta-package is returned as written', () => {
    expect(metaForRelease(META, 'pyproject.toml', 'mellea-contribs', [], new Map())).toEqual({
      text: META,
      changes: []
    })
  })
})

describe('build-jobs: a job-name pattern with a `package` group, checked before anything runs', () => {
  const options = (buildJobs: string) =>
    parseOptions(
      new Inputs(
        (name) => ({ mode: 'publish', version: '0.6.0', 'build-jobs': buildJobs })[name] ?? ''
      ),
      { workspace: '/w', ref: 'refs/heads/main' }
    )

  test('the group names the package of each build job', () => {
    const pattern = options('^build \\((?<package>[^)]+)\\)').buildJobs!
    expect(pattern.exec('build (dspy) / wheel')?.groups?.package).toBe('dspy')
  })

  test('a pattern without the group, or not a regular expression, is refused by name', () => {
    expect(() => options('^build \\(([^)]+)\\)')).toThrow(
      'input `build-jobs` must have a named group `package`'
    )
    expect(() => options('^build (')).toThrow(
      'input `build-jobs` is not a valid regular expression'
    )
  })
})
