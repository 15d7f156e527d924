import type { Core } from '../core.js'
import type { Job, Run, RunSpec } from './types.js'

/**
 * Seeds (or extends) a workflow run. Calling it again with the same id and another `attempt`
 * adds that attempt's jobs; the same attempt replaces them. Job ids are derived from the run id.
 */
export function seedRun(core: Core, owner: string, name: string, spec: RunSpec): Run {
  const repo = core.requireRepo(owner, name)
  if (!Number.isInteger(spec.id) || spec.id <= 0)
    throw new Error('seedRun needs a positive integer id')
  let run = repo.runs.get(spec.id)
  if (!run) {
    run = {
      id: spec.id,
      name: spec.name ?? 'CI',
      event: spec.event ?? 'pull_request',
      headBranch: spec.headBranch ?? repo.defaultBranch,
      headSha: spec.headSha ?? '0'.repeat(40),
      status: null,
      conclusion: null,
      createdAt: core.now(),
      updatedAt: core.now(),
      runNumber: repo.runs.size + 1,
      jobs: []
    }
    repo.runs.set(spec.id, run)
  } else {
    if (spec.name) run.name = spec.name
    if (spec.headSha) run.headSha = spec.headSha
    if (spec.headBranch) run.headBranch = spec.headBranch
    run.updatedAt = core.now()
  }
  const attempt = spec.attempt ?? 1
  const incoming = spec.jobs.map((j) => ({ ...j, attempt: j.run_attempt ?? attempt }))
  const replaced = new Set(incoming.map((j) => j.attempt))
  run.jobs = run.jobs.filter((j) => !replaced.has(j.attempt))
  let n = run.jobs.length
  for (const j of incoming) {
    const status =
      j.status ??
      (j.conclusion === null || j.conclusion === undefined ? 'in_progress' : 'completed')
    const job: Job = {
      id: j.id ?? run.id * 10_000 + ++n,
      runId: run.id,
      attempt: j.attempt,
      name: j.name,
      status,
      conclusion: status === 'completed' ? (j.conclusion ?? 'success') : null,
      startedAt: j.started_at ?? core.now(),
      completedAt: status === 'completed' ? (j.completed_at ?? core.now()) : null,
      labels: j.labels ?? ['ubuntu-latest'],
      steps: j.steps ?? []
    }
    run.jobs.push(job)
  }
  const latest = run.jobs.reduce((m, j) => Math.max(m, j.attempt), 1)
  const current = run.jobs.filter((j) => j.attempt === latest)
  const done = current.every((j) => j.status === 'completed')
  run.status = spec.status ?? (done ? 'completed' : 'in_progress')
  run.conclusion =
    spec.conclusion !== undefined
      ? spec.conclusion
      : run.status !== 'completed'
        ? null
        : current.some((j) => j.conclusion === 'failure' || j.conclusion === 'timed_out')
          ? 'failure'
          : current.some((j) => j.conclusion === 'cancelled')
            ? 'cancelled'
            : 'success'
  return run
}
