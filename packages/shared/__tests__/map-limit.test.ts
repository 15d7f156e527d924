import { mapLimit } from '../src/map-limit.js'

test('keeps result order and never exceeds the limit', async () => {
  let inFlight = 0
  let most = 0
  const out = await mapLimit([5, 1, 4, 2, 3], 2, async (ms) => {
    most = Math.max(most, ++inFlight)
    await new Promise((ok) => setTimeout(ok, ms))
    inFlight--
    return ms * 10
  })
  expect(out).toEqual([50, 10, 40, 20, 30])
  expect(most).toBe(2)
  expect(await mapLimit([], 4, async (x: number) => x)).toEqual([])
})
