import Bottleneck from 'bottleneck/light.js'

/**
 * plugin-retry and plugin-throttling queue every request through Bottleneck, whose local store
 * yields to the event loop between the steps of each job with `setTimeout(resolve, 0)`. Node
 * clamps that to 1 ms, and the dozen or so hops of the three limiters a request passes through
 * put 10-15 ms on every request: against the local emulator, whose answer takes 2 ms, that was
 * most of the time of every test and demo run that talks to GitHub, and on github.com a few
 * percent of each call. A zero wait now yields with `setImmediate`: still after the current
 * turn's I/O and in the order asked, without the clamp; a real wait stays a timer.
 *
 * Bottleneck 2.19.5 (its last release, from 2019) keeps `yieldLoop` on its local store's
 * prototype; were it ever elsewhere, nothing is patched and requests are only slower.
 * Returns whether the store yields without the clamp.
 */
export function yieldWithoutClamp(): boolean {
  patched ??= patchYieldLoop()
  return patched
}

/** Whether the prototype was patched, once a client has asked (one throwaway limiter, once). */
let patched: boolean | undefined

function patchYieldLoop(): boolean {
  const store = (new Bottleneck() as unknown as { _store?: object })._store
  const prototype = store && (Object.getPrototypeOf(store) as { yieldLoop?: unknown })
  if (!prototype || typeof prototype.yieldLoop !== 'function') return false
  prototype.yieldLoop = yieldLoop
  return true
}

function yieldLoop(this: { Promise: PromiseConstructor }, wait = 0): Promise<void> {
  return new this.Promise((resolve) => {
    if (wait > 0) setTimeout(resolve, wait)
    else setImmediate(resolve)
  })
}
