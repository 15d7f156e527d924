// Every action that reads the repository takes `path`, `settings-table` and `package-globs`, and
// reads them the same way (repositoryInputs): checked here through each action's own options.
import { describe, expect, test } from '@jest/globals'
import { Inputs, type RepositoryInputs } from '@contribs-actions/shared'
import { parseOptions as archivalSweep } from '../../../actions/archival-sweep/src/options.js'
import { parseOptions as bumpVersions } from '../../../actions/bump-versions/src/options.js'
import { parseOptions as discover } from '../../../actions/discover/src/options.js'
import { parseOptions as readCiConfig } from '../../../actions/read-ci-config/src/options.js'
import { parseOptions as release } from '../../../actions/release/src/options.js'
import { parseOptions as smokeReporter } from '../../../actions/smoke-reporter/src/options.js'
import { parseOptions as validateStructure } from '../../../actions/validate-structure/src/options.js'

const ctx = {
  workspace: '/runner/work/contribs',
  ref: 'refs/heads/main',
  runId: '7',
  runAttempt: '1',
  sha: 'c0ffee0000000000000000000000000000000000'
}

/** Each action's options from its inputs: the repository ones plus what it cannot run without. */
const ACTIONS: Record<string, (given: Record<string, string>) => RepositoryInputs> = {
  'archival-sweep': (given) => archivalSweep(inputs(given), ctx),
  'bump-versions': (given) => bumpVersions(inputs(given), ctx),
  discover: (given) => discover(inputs(given), ctx),
  'read-ci-config': (given) => readCiConfig(inputs({ packages: 'all', ...given }), ctx),
  release: (given) => release(inputs({ version: '1.2.0', ...given }), ctx),
  'smoke-reporter': (given) =>
    smokeReporter(inputs({ results: '{"dspy":"success"}', ...given }), ctx),
  'validate-structure': (given) => validateStructure(inputs(given), ctx)
}

function inputs(given: Record<string, string>): Inputs {
  return new Inputs((name) => given[name] ?? '')
}

describe.each(Object.entries(ACTIONS))('%s', (_name, optionsOf) => {
  test('path is taken from the workspace, the table and the package globs as given', () => {
    const options = optionsOf({
      path: 'python',
      'settings-table': 'acme-contribs',
      'package-globs': 'integrations/*, exporters/*'
    })
    expect(options.root).toBe('/runner/work/contribs/python')
    expect(options.table).toBe('acme-contribs')
    expect(options.overrides).toMatchObject({ package_globs: ['integrations/*', 'exporters/*'] })
  })

  test('without them: the workspace itself, the default table, no globs over the settings', () => {
    const options = optionsOf({})
    expect(options.root).toBe('/runner/work/contribs')
    expect(options.table).toBeUndefined()
    expect(options.overrides.package_globs).toBeUndefined()
  })

  test('package globs as a JSON list; a list that is not JSON stops before anything is read', () => {
    expect(optionsOf({ 'package-globs': '["a/*","b/**"]' }).overrides.package_globs).toEqual([
      'a/*',
      'b/**'
    ])
    expect(() => optionsOf({ 'package-globs': '["a/*",' })).toThrow('package-globs')
  })
})
