import { execFileSync, spawnSync } from 'node:child_process'
import path from 'node:path'
import { parseArgs } from '../src/args.js'
import { parseAnnotations, parseOutputFile } from '../src/run-bundle.js'
import { EXAMPLE_REPO, REPO_ROOT } from '../../../test/kit/fixtures.js'
import { jest } from '@jest/globals'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

const CLI = path.join(REPO_ROOT, 'packages/cli/bin/contribs-actions.mjs')

test('parseArgs maps flags to inputs and refuses tokens on the command line', () => {
  expect(
    parseArgs(['read-ci-config', '--path', 'x', '--package=dspy', '--format', 'json'])
  ).toEqual({
    action: 'read-ci-config',
    format: 'json',
    inputs: { path: 'x', package: 'dspy' }
  })
  expect(() => parseArgs(['read-ci-config', '--token', 'abc'])).toThrow(
    'never passed on the command line'
  )
  expect(() => parseArgs(['no-such-action'])).toThrow('unknown action')
})

test('output and annotation parsing follow the runner file formats', () => {
  expect(parseOutputFile('a<<ghadelimiter_1\nx\ny\nghadelimiter_1\nb=2\n')).toEqual({
    a: 'x\ny',
    b: '2'
  })
  expect(
    parseAnnotations('::warning file=a%2Cb.toml,line=3,title=T::50%25 done%0Anext\nplain\n')
  ).toEqual([
    { level: 'warning', file: 'a,b.toml', line: 3, title: 'T', message: '50% done\nnext' }
  ])
})

test('the CLI prints the same outputs as the bundle, as JSON', () => {
  const out = execFileSync(
    process.execPath,
    [CLI, 'read-ci-config', '--path', EXAMPLE_REPO, '--package', 'dspy', '--format', 'json'],
    {
      encoding: 'utf8'
    }
  )
  const parsed = JSON.parse(out)
  expect(parsed.exitCode).toBe(0)
  expect(parsed.outputs.timeout_minutes).toBe('90')
})

test('the CLI exits non-zero with the error on a bad package', () => {
  const r = spawnSync(
    process.execPath,
    [CLI, 'read-ci-config', '--path', EXAMPLE_REPO, '--package', 'nope'],
    { encoding: 'utf8' }
  )
  expect(r.status).toBe(1)
  expect(r.stdout).toContain('error: no subpackage "nope"')
})

test('expressions in action.yml defaults are evaluated as the runner would', async () => {
  const { evaluateDefaults } = await import('../src/run-bundle.js')
  expect(
    evaluateDefaults({ token: '${{ github.token }}', other: '${{ secrets.X }}', plain: 'a' }, 'tok')
  ).toEqual({
    token: 'tok',
    other: '',
    plain: 'a'
  })
})
