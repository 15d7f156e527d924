import {
  packageFromTitle,
  parseArchivalIssues,
  parseTrackingMarker,
  statePath,
  trackedByPackage,
  trackingMarker,
  trackingTitle
} from '../src/tracking.js'

test('markers round-trip and are found inside a body', () => {
  const body = `Smoke is red.\n\n${trackingMarker('agent-utilities')}\nmore text`
  expect(parseTrackingMarker(body)).toEqual({ kind: 'tracking', package: 'agent-utilities' })
  expect(parseTrackingMarker(trackingMarker('_integration_core', 'stale'))).toEqual({
    kind: 'stale',
    package: '_integration_core'
  })
})

test('no marker, or a look-alike, is not a tracking issue', () => {
  expect(parseTrackingMarker('contribs-actions:tracking package=x')).toBeUndefined()
  expect(parseTrackingMarker(null)).toBeUndefined()
})

test('a tracking title names its package, read back by label (case-insensitive) and by nothing else', () => {
  const title = trackingTitle('contribs-broken', 'agent-utilities', 'smoke red since 2026-01-05')
  expect(title).toBe('[contribs-broken] agent-utilities: smoke red since 2026-01-05')
  expect(packageFromTitle(title, 'contribs-broken')).toBe('agent-utilities')
  expect(packageFromTitle(`  ${title}`, 'Contribs-Broken')).toBe('agent-utilities')
  expect(packageFromTitle(title, 'contribs-stale')).toBeUndefined()
  // Label characters are taken literally, never as a pattern.
  expect(packageFromTitle('[my.label] pkg-x: red', 'my.label')).toBe('pkg-x')
  expect(packageFromTitle('[myXlabel] pkg-x: red', 'my.label')).toBeUndefined()
  expect(packageFromTitle('[contribs-broken] no colon here', 'contribs-broken')).toBeUndefined()
})

test('trackedByPackage: one issue per package of the kind asked, the first listed (oldest) wins', () => {
  const issues = [
    { number: 1, body: 'no marker' },
    { number: 2, body: trackingMarker('dspy', 'stale') },
    { number: 3, body: `red\n${trackingMarker('dspy')}` },
    { number: 4, body: trackingMarker('dspy') },
    { number: 5, body: trackingMarker('langchain') }
  ]
  const tracking = trackedByPackage(issues, 'tracking')
  expect([...tracking].map(([p, i]) => [p, i.number])).toEqual([
    ['dspy', 3],
    ['langchain', 5]
  ])
  expect(trackedByPackage(issues, 'stale').get('dspy')?.number).toBe(2)
})

test('statePath: <state_dir>/<package>.json, whatever slashes the setting has', () => {
  expect(statePath('.github/bot-state', 'dspy')).toBe('.github/bot-state/dspy.json')
  expect(statePath('/.github/bot-state/', 'dspy')).toBe('.github/bot-state/dspy.json')
})

test('statePath: a nested package is one file in the state folder, its slashes written as %2F', () => {
  expect(statePath('.github/bot-state', 'python/instrumentation/x')).toBe(
    '.github/bot-state/python%2Finstrumentation%2Fx.json'
  )
  // `%` itself is written as %25, so two package names never share a file.
  expect(statePath('s', 'a%2Fb')).toBe('s/a%252Fb.json')
  expect(statePath('s', 'a/b')).not.toBe(statePath('s', 'a%2Fb'))
})

describe("archival-sweep's issues output", () => {
  test('items with a package and a known stage are read; unknown stages are left out', () => {
    const items = [
      {
        issue: 1,
        package: 'dspy',
        kind: 'tracking',
        age_days: 5,
        stage: 'paused',
        actions: [],
        pending: [],
        paused_since: '2026-01-10'
      },
      {
        issue: 2,
        package: 'crewai',
        kind: 'tracking',
        age_days: 22,
        stage: 'archived',
        actions: ['archive-pr'],
        pending: [],
        pull: { number: 3, url: 'u' }
      },
      {
        issue: 4,
        package: 'x',
        kind: 'tracking',
        age_days: 1,
        stage: 'some-future-stage',
        actions: [],
        pending: []
      },
      {
        issue: 5,
        package: null,
        kind: 'tracking',
        age_days: 1,
        stage: 'skipped',
        actions: [],
        pending: []
      }
    ]
    expect(parseArchivalIssues(JSON.stringify(items)).map((i) => [i.package, i.stage])).toEqual([
      ['dspy', 'paused'],
      ['crewai', 'archived']
    ])
    expect(() => parseArchivalIssues('{"a": 1}')).toThrow('not a JSON list')
    expect(() => parseArchivalIssues('nope')).toThrow('not JSON')
  })
})
