import { spawnSync } from 'node:child_process'

export interface Timing {
  median: number
  min: number
  max: number
  runs: number
  /** The wall times in the order they were taken (round by round, see timeProcesses). */
  samples: number[]
}

export interface ProcessSpec {
  cmd: string
  args: string[]
  cwd?: string
  env?: NodeJS.ProcessEnv
  expectExit?: number
}

/** Wall time (ms) of one run of a whole process; throws when it exits other than expected. */
export function runOnce(spec: ProcessSpec): number {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(spec.cmd, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 512 * 1024 * 1024
  })
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  const expected = spec.expectExit ?? 0
  if (r.status !== expected) {
    throw new Error(
      `${spec.cmd} ${spec.args.join(' ')} exited ${r.status} (expected ${expected}): ${r.stderr?.toString().slice(0, 500)} ${r.stdout?.toString().slice(-500)}`
    )
  }
  return ms
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

function summarise(samples: number[]): Timing {
  return {
    median: median(samples),
    min: Math.min(...samples),
    max: Math.max(...samples),
    runs: samples.length,
    samples
  }
}

/**
 * How much longer `a` takes than `b` when both were timed in the same rounds: the median of the
 * round-by-round differences. Load that comes and goes between rounds cancels out, where the
 * difference of two medians carries it.
 */
export function pairedDifference(a: Timing, b: Timing): number {
  return median(a.samples.map((x, i) => x - b.samples[i]))
}

/** Likewise for a ratio: the median of the round-by-round ratios of `a` to `b`. */
export function pairedRatio(a: Timing, b: Timing): number {
  return median(a.samples.map((x, i) => x / b.samples[i]))
}

/**
 * Wall times of several processes run in turn, `runs` rounds after one warm-up round (page
 * cache, disk). Taking turns means load that comes and goes on a shared machine hits each alike,
 * so their differences hold even when the absolute times drift.
 */
export function timeProcesses(specs: ProcessSpec[], runs: number): Timing[] {
  const samples = specs.map((): number[] => [])
  for (let i = 0; i <= runs; i++)
    specs.forEach((spec, k) => {
      const ms = runOnce(spec)
      if (i > 0) samples[k].push(ms)
    })
  return samples.map(summarise)
}

export const fmt = (t: Timing) => `${t.median.toFixed(0)} (${t.min.toFixed(0)}–${t.max.toFixed(0)})`
export const ratio = (a: Timing, b: Timing) => (a.median / b.median).toFixed(2)
