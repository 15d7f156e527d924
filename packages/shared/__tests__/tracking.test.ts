import { parseTrackingMarker, trackingMarker } from '../src/tracking.js'

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
