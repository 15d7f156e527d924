// The pure parts: where the version comes from and what is accepted, the diff, the command
// splitter, the plan over package states. The bundle is run only for the event stories, which
// stop before any request.
import { runBundle } from '@contribs-actions/cli'
import { defaultSettings, UserError } from '@contribs-actions/shared'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { cleanupTempDirs, copyExampleRepo, EXAMPLE_PACKAGES } from '../../../test/kit/fixtures.js'
import { unifiedDiff } from '../src/diff.js'
import { lockArgv, splitCommand } from '../src/lock.js'
import { buildPlan, Target } from '../src/plan.js'
import { planOutput } from '../src/report.js'
import { branchName, checkVersion, resolveVersion } from '../src/version.js'
import { jest } from '@jest/globals'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'
import { expectNoStackTrace } from '../../../test/kit/step-log.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

afterAll(cleanupTempDirs)

const settings = defaultSettings()

describe('resolveVersion', () => {
  test('input wins; then repository_dispatch, workflow_dispatch, the merged bump PR label', () => {
    const ev = (eventName: string, event: Record<string, unknown>) => ({ eventName, event })
    expect(resolveVersion('1.0', ev('push', {}), settings)).toMatchObject({ version: '1.0' })
    expect(
      resolveVersion(
        undefined,
        ev('repository_dispatch', {
          action: 'mellea-released',
          client_payload: { version: '0.8.0rc1' }
        }),
        settings
      )
    ).toEqual({ kind: 'version', version: '0.8.0rc1', from: 'client_payload.version' })
    expect(
      resolveVersion(
        undefined,
        ev('workflow_dispatch', { inputs: { version: ' 0.9.0.dev2 ' } }),
        settings
      )
    ).toMatchObject({ version: '0.9.0.dev2' })
    const merged = (labels: string[], merged = true) =>
      ev('pull_request', {
        action: 'closed',
        pull_request: { number: 7, merged, labels: labels.map((name) => ({ name })) }
      })
    expect(
      resolveVersion(undefined, merged(['bug', 'sync-mellea-version:0.6.0rc1']), settings)
    ).toEqual({
      kind: 'version',
      version: '0.6.0rc1',
      from: 'label of merged pull request #7'
    })
    expect(resolveVersion(undefined, merged(['bug']), settings)).toEqual({
      kind: 'nothing',
      reason: 'merged pull request #7 is not a bump PR (no sync-mellea-version:<version> label)'
    })
    expect(
      resolveVersion(undefined, merged(['sync-mellea-version:1.0'], false), settings)
    ).toMatchObject({
      kind: 'nothing'
    })
  })

  test('a push follows the open bump PRs (their versions are read from GitHub)', () => {
    const ctx = { eventName: 'push', event: { ref: 'refs/heads/main' } }
    expect(resolveVersion(undefined, ctx, settings)).toEqual({ kind: 'open-bumps' })
  })

  test('anything else is a UserError saying what is accepted', () => {
    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['schedule', {}, /cannot tell the version from a "schedule" event/],
      ['repository_dispatch', { action: 'other' }, /expected type "mellea-released"/],
      [
        'repository_dispatch',
        { action: 'mellea-released', client_payload: {} },
        /no client_payload.version/
      ],
      ['workflow_dispatch', { inputs: {} }, /without a `version` input/],
      ['pull_request', { action: 'opened', pull_request: {} }, /types: \[closed\]/],
      ['pull_request', { action: 'closed' }, /payload has no `pull_request` object/],
      ['pull_request', { action: 'closed', pull_request: null }, /no `pull_request` object/],
      [
        'pull_request',
        {
          action: 'closed',
          pull_request: {
            merged: true,
            labels: [{ name: 'sync-mellea-version:1.0' }, { name: 'sync-mellea-version:2.0' }]
          }
        },
        /several version labels/
      ]
    ]
    for (const [eventName, event, message] of bad)
      expect(() => resolveVersion(undefined, { eventName, event }, settings)).toThrow(message)
  })

  test('a custom label pattern and upstream are honoured', () => {
    const s = { ...defaultSettings(), upstream: 'x', bump_label: 'release/{upstream}/{version}' }
    const event = {
      action: 'closed',
      pull_request: { merged: true, labels: [{ name: 'release/x/2.0' }] }
    }
    expect(resolveVersion(undefined, { eventName: 'pull_request', event }, s)).toMatchObject({
      version: '2.0'
    })
  })
})

describe('checkVersion', () => {
  test.each([
    '0.8.0',
    '0.8.0rc1',
    '0.8.0.post1',
    '0.9.0.dev2',
    '1!2.0',
    '0.8.0-rc.1',
    '1.0.0.0.0.0.0.0.0.0.0.0.0.0.10' // the label is exactly 50 characters
  ])('accepts %s', (v) => {
    expect(() => checkVersion(v, 'input', settings)).not.toThrow()
  })
  test.each([
    ['', /is not a PEP 440 release/],
    ['1.0; rm -rf', /is not a PEP 440 release/],
    ['../x', /is not a PEP 440 release/],
    ['1.0 ', /is not a PEP 440 release/],
    ['1.0+local', /local version label/],
    ['v1.0', /without the leading v/],
    ['1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1', /is 51 characters; GitHub allows at most 50/]
  ])('rejects %j', (v, message) => {
    expect(() => checkVersion(v, 'input `version`', settings)).toThrow(UserError)
    expect(() => checkVersion(v, 'input `version`', settings)).toThrow(message)
  })
  test('branch names git would refuse are caught up front', () => {
    expect(branchName(settings, '0.8.0rc1', 'dspy')).toBe('sync-mellea-0.8.0rc1-dspy')
    expect(() =>
      branchName({ ...settings, bump_branch: 'a..{version}-{package}' }, '1.0', 'x')
    ).toThrow(/not a valid branch name/)
  })
})

describe('unifiedDiff', () => {
  test('one changed line with context, CRLF kept, missing final newline marked', () => {
    expect(unifiedDiff('f', 'a\r\nv = 1\r\nb\r\n', 'a\r\nv = 2\r\nb\r\n')).toBe(
      '--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\r\n-v = 1\r\n+v = 2\r\n b\r\n'
    )
    expect(unifiedDiff('f', 'x\nv = 1', 'x\nv = 2')).toBe(
      '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n x\n-v = 1\n\\ No newline at end of file\n+v = 2\n\\ No newline at end of file\n'
    )
    expect(unifiedDiff('f', 'same', 'same')).toBe('')
  })
  test('an inserted line in a long file shows 3 lines of context each side', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8'].join('\n') + '\n'
    const after = before.replace('4\n', '4\nnew\n')
    expect(unifiedDiff('f', before, after)).toBe(
      '--- a/f\n+++ b/f\n@@ -2,6 +2,7 @@\n 2\n 3\n 4\n+new\n 5\n 6\n 7\n'
    )
  })
})

describe('lock command', () => {
  test('split like shell words, with no shell meaning', () => {
    expect(splitCommand(`uv lock --upgrade-package {upstream}`)).toEqual([
      'uv',
      'lock',
      '--upgrade-package',
      '{upstream}'
    ])
    expect(splitCommand(`a "b c" 'd $HOME' e\\ f ; rm -rf /`)).toEqual([
      'a',
      'b c',
      'd $HOME',
      'e f',
      ';',
      'rm',
      '-rf',
      '/'
    ])
    expect(() => splitCommand(`a "b`)).toThrow(/unclosed " quote/)
    expect(lockArgv('uv lock -P {upstream}', 'mellea')).toEqual(['uv', 'lock', '-P', 'mellea'])
    expect(lockArgv('', 'mellea')).toBeUndefined()
    expect(lockArgv(undefined, 'mellea')).toBeUndefined()
  })
})

describe('buildPlan', () => {
  const t = (id: string, wave: number, text?: string, dependsOn: string[] = []): Target => ({
    id,
    dir: id,
    file: `${id}/pyproject.toml`,
    lockFile: `${id}/uv.lock`,
    wave,
    dependsOn,
    lockedBy: [],
    root: false,
    text
  })
  const py = (v: string) =>
    `[project]\nname = "p"\nversion = "${v}"\ndependencies = ["mellea>=0.5"]\n`

  test('states against the version; ready unless a sibling it waits for is below the version', () => {
    const plan = buildPlan(
      '0.8.0rc1',
      [
        t('at', 1, py('0.8.0rc1')),
        t('ahead', 1, py('0.9.0')),
        t('dyn', 1, '[project]\nname = "d"\ndynamic = ["version"]\n'),
        t('none', 1),
        t('low', 2, py('0.8.0b2'), ['at', 'ahead', 'dyn', 'none']),
        t('later', 3, py('0.7.0'), ['low', 'at'])
      ],
      'mellea'
    )
    expect(plan.entries.map((e) => [e.id, e.state])).toEqual([
      ['at', 'at'],
      ['ahead', 'ahead'],
      ['dyn', 'dynamic'],
      ['none', 'missing'],
      ['low', 'below'],
      ['later', 'below']
    ])
    expect(plan.waves).toEqual([['at', 'ahead', 'dyn'], ['low'], ['later']])
    expect(plan.ready).toEqual(['low'])
    expect([...plan.waitsFor]).toEqual([['later', ['low']]])
    expect(plan.why.get('later')).toBe('0.7.0 -> 0.8.0rc1 waits for low: still below 0.8.0rc1')
    expect(plan.why.get('low')).toBe(
      '0.8.0b2 -> 0.8.0rc1 now: what it waits for (at, ahead, dyn, none) is at 0.8.0rc1'
    )
    expect(plan.done).toBe(false)
    expect(plan.problems).toEqual([])
  })

  test('the plan output keeps diffs within its budget and marks the rest truncated', () => {
    const plan = buildPlan(
      '0.8.0',
      [t('a', 1, py('0.6.0')), t('b', 1, py('0.6.0')), t('c', 2, py('0.6.0'))],
      'mellea'
    )
    const one = Buffer.byteLength(planOutput(plan).edits[0].diff!)
    const all = Buffer.byteLength(JSON.stringify(planOutput(plan)))
    const out = planOutput(plan, all - one + 10)
    expect(Buffer.byteLength(JSON.stringify(out))).toBeLessThanOrEqual(all - one + 10)
    expect(out.edits.map((e) => [e.package, e.diff === null, 'truncated' in e])).toEqual([
      ['a', false, false],
      ['b', false, false],
      ['c', true, true]
    ])
    expect(planOutput(plan).edits.every((e) => e.diff !== null)).toBe(true)
  })

  test('packages of any wave whose siblings are at the version open together', () => {
    const plan = buildPlan(
      '1.0',
      [
        t('core', 1, py('0.9')),
        t('leaf', 1, py('0.9')),
        t('mid', 2, py('1.0'), ['leaf']),
        t('top', 3, py('0.9'), ['mid']),
        t('user', 2, py('0.9'), ['core'])
      ],
      'mellea'
    )
    expect(plan.ready).toEqual(['core', 'leaf', 'top'])
    expect([...plan.waitsFor]).toEqual([['user', ['core']]])
  })

  test('every package at the version (dynamic ones aside): done, nothing ready', () => {
    const plan = buildPlan(
      '1.0',
      [t('a', 1, py('1.0.0')), t('d', 1, '[project]\nname="d"\ndynamic=["version"]\n')],
      'mellea'
    )
    expect(plan.done).toBe(true)
    expect(plan.ready).toEqual([])
  })

  test('pre-flight problems name file and line; packages already at the version are not checked', () => {
    const plan = buildPlan(
      '1.0',
      [
        t('ok', 1, `[project]\nname = "a"\nversion = "1.0"\ndependencies = ["mellea"]\n`),
        t(
          'bad',
          1,
          `[project]\nname = "b"\nversion = "0.1"\ndependencies = [\n  "mellea-tools",\n  "mellea<2",\n]\n`
        ),
        t('odd', 1, `[project]\nname = "c"\nversion = "banana"\n`),
        t('broken', 1, `[project\n`)
      ],
      'mellea'
    )
    expect(plan.problems.map((p) => [p.package, p.file, p.line])).toEqual([
      ['bad', 'bad/pyproject.toml', 6],
      ['odd', 'odd/pyproject.toml', 3],
      ['broken', 'broken/pyproject.toml', 1]
    ])
    expect(plan.problems[0].message).toBe(
      '"mellea<2" in [project].dependencies has no `>=` or `==` clause (only `<`); use `mellea>=X` or `mellea==X`'
    )
  })

  test('pre-flight is the shared upstream rule: every array, unparseable strings and versions pip refuses', () => {
    const plan = buildPlan(
      '1.0',
      [
        t(
          'a',
          1,
          `[project]\nname = "a"\nversion = "0.1"\ndependencies = ["mellea>=latest"]\n` +
            `[dependency-groups]\ndev = ["Mellea[hf] >= 0.5 <1", "mellea-tools"]\n`
        )
      ],
      'mellea'
    )
    expect(plan.problems.map((p) => [p.code, p.line, p.message])).toEqual([
      [
        'CA106',
        4,
        '"mellea>=latest" in [project].dependencies is not a valid PEP 508 requirement ("latest" in `>=latest` is not a PEP 440 version); use `mellea>=X` or `mellea==X`'
      ],
      [
        'CA106',
        6,
        expect.stringMatching(
          /^"Mellea\[hf\] >= 0.5 <1" in \[dependency-groups\]\.dev is not a valid PEP 508 requirement \(invalid PEP 508 requirement .*bad version clause/
        )
      ]
    ])
  })
})

describe('event stories through the bundle (no request is made)', () => {
  test('a merged PR without a version label: nothing to do, success', async () => {
    const r = await runBundle({
      action: 'bump-versions',
      workspace: copyExampleRepo(),
      inputs: { 'lock-command': '' },
      event: {
        name: 'pull_request',
        payload: { action: 'closed', pull_request: { number: 3, merged: true, labels: [] } }
      }
    })
    expect(r.exitCode).toBe(0)
    expect(r.outputs.reason).toBe(
      'merged pull request #3 is not a bump PR (no sync-mellea-version:<version> label)'
    )
    expect(r.summary).toContain('Nothing to do')
  })

  test('a version that is not PEP 440 fails with one clear line and no outputs', async () => {
    const r = await runBundle({
      action: 'bump-versions',
      workspace: copyExampleRepo(),
      event: {
        name: 'repository_dispatch',
        payload: { action: 'mellea-released', client_payload: { version: '1.0; rm -rf /' } }
      }
    })
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toContain(
      '::error::client_payload.version: "1.0; rm -rf /" is not a PEP 440 release'
    )
    expectNoStackTrace(r)
    expect(r.outputs).toEqual({})
  })

  test('every package skipped (dynamic versions): the reason says so, not that all are at it', async () => {
    const dir = copyExampleRepo()
    for (const file of ['pyproject.toml', ...EXAMPLE_PACKAGES.map((p) => `${p}/pyproject.toml`)]) {
      const text = readFileSync(path.join(dir, file), 'utf8')
      writeFileSync(path.join(dir, file), text.replace(/^version = .*$/m, 'dynamic = ["version"]'))
    }
    const r = await runBundle({
      action: 'bump-versions',
      workspace: dir,
      inputs: { version: '0.8.0', 'dry-run': 'true', token: '', 'lock-command': '' }
    })
    expect(r.exitCode).toBe(0)
    expect(r.outputs.reason).toBe(
      `nothing to open for 0.8.0 (version from input \`version\`): ${EXAMPLE_PACKAGES.length + 1} packages skipped (a dynamic version or no pyproject.toml)`
    )
  })

  test('a cycle through an extra orders by the required dependency instead of failing', async () => {
    // citations[dspy] names dspy, and dspy requires citations: citations goes first.
    const dir = copyExampleRepo()
    const edit = (file: string, from: RegExp | string, to: string) =>
      writeFileSync(
        path.join(dir, file),
        readFileSync(path.join(dir, file), 'utf8').replace(from, to)
      )
    edit(
      'dspy/pyproject.toml',
      /^dependencies = \[/m,
      'dependencies = [\n    "mellea-contribs-citations",'
    )
    edit(
      'citations/pyproject.toml',
      '[project.optional-dependencies]\n',
      '[project.optional-dependencies]\ndspy = ["mellea-contribs-dspy"]\n'
    )
    const r = await runBundle({
      action: 'bump-versions',
      workspace: dir,
      inputs: { version: '0.8.0', 'dry-run': 'true', token: '', 'lock-command': '' }
    })
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toContain(
      'citations does not wait for dspy: its extras name them, and they need citations (a cycle)'
    )
    expect(r.summary).toMatch(/\| 2 \| `dspy` \| `_integration_core`, `citations` \|/)
    expect(r.summary).toMatch(/\| 1 \| `citations` \| +\|/)
  })
})
