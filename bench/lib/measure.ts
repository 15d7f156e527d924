import { spawnSync } from 'node:child_process'

export interface Timing {
  median: number
  min: number
  max: number
  runs: number
}

/** Wall time (ms) of a whole process, `runs` times after one warm-up run (page cache, disk). */
export function timeProcess(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; runs: number; expectExit?: number }
): Timing {
  const samples: number[] = []
  for (let i = 0; i <= opts.runs; i++) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync(cmd, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 512 * 1024 * 1024
    })
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    const expected = opts.expectExit ?? 0
    if (r.status !== expected) {
      throw new Error(
        `${cmd} ${args.join(' ')} exited ${r.status} (expected ${expected}): ${r.stderr?.toString().slice(0, 500)} ${r.stdout?.toString().slice(-500)}`
      )
    }
    if (i > 0) samples.push(ms)
  }
  samples.sort((a, b) => a - b)
  return {
    median: samples[Math.floor(samples.length / 2)],
    min: samples[0],
    max: samples[samples.length - 1],
    runs: samples.length
  }
}

export const fmt = (t: Timing) => `${t.median.toFixed(0)} (${t.min.toFixed(0)}–${t.max.toFixed(0)})`
export const ratio = (a: Timing, b: Timing) => (a.median / b.median).toFixed(2)
