// The octokit plugins' queue (Bottleneck) yields between the steps of a job without Node's 1 ms
// clamp on zero-delay timers, and still paces with real timers where a wait is asked for.
import { afterEach, expect, jest, test } from '@jest/globals'
import Bottleneck from 'bottleneck/light.js'
import { yieldWithoutClamp } from '../src/github/bottleneck-yield.js'

afterEach(() => {
  jest.restoreAllMocks()
})

const zeroDelayTimers = (calls: unknown[][]) => calls.filter(([, ms]) => !ms)
// The limiter starts each job on a timer of its own (the pacing wait, zero when unpaced); every
// yield between the steps of a job is an immediate.
const START_TIMERS_PER_JOB = 1

test('a queued job yields between its steps with setImmediate, not zero-delay timers', async () => {
  expect(yieldWithoutClamp()).toBe(true)
  const timers = jest.spyOn(globalThis, 'setTimeout')
  const immediates = jest.spyOn(globalThis, 'setImmediate')
  const limiter = new Bottleneck({ maxConcurrent: 1 })
  await expect(limiter.schedule(async () => 'done')).resolves.toBe('done')
  expect(immediates.mock.calls.length).toBeGreaterThan(START_TIMERS_PER_JOB)
  expect(zeroDelayTimers(timers.mock.calls).length).toBeLessThanOrEqual(START_TIMERS_PER_JOB)
})

test('a paced limiter still waits on a timer between jobs, in the order they were queued', async () => {
  yieldWithoutClamp()
  const timers = jest.spyOn(globalThis, 'setTimeout')
  const limiter = new Bottleneck({ maxConcurrent: 1, minTime: 30 })
  const order: number[] = []
  await Promise.all([1, 2, 3].map((n) => limiter.schedule(async () => order.push(n))))
  expect(order).toEqual([1, 2, 3])
  expect(timers.mock.calls.some(([, ms]) => Number(ms) > 0)).toBe(true)
  expect(zeroDelayTimers(timers.mock.calls).length).toBeLessThanOrEqual(3 * START_TIMERS_PER_JOB)
})
