import { ApiError } from '../http/errors.js'
import { paginate } from '../http/pagination.js'
import { nodeId } from '../ids.js'
import type { Job, Run } from '../model/types.js'
import { minimalRepository } from '../serialize/repo.js'
import { repoApi, repoHtml } from '../serialize/urls.js'
import { route, type Ctx, type Reply, type RouteDef } from './types.js'

function getRun(ctx: Ctx): Run {
  const raw = ctx.params.run_id
  const run = /^\d+$/.test(raw) ? ctx.repo.runs.get(Number(raw)) : undefined
  if (!run) throw new ApiError(404, 'Not Found')
  return run
}

function latestAttempt(run: Run): number {
  return run.jobs.reduce((m, j) => Math.max(m, j.attempt), 1)
}

function jobJson(ctx: Ctx, run: Run, job: Job): Record<string, unknown> {
  const api = repoApi(ctx.core, ctx.repo)
  return {
    id: job.id,
    run_id: run.id,
    workflow_name: run.name,
    head_branch: run.headBranch,
    run_url: `${api}/actions/runs/${run.id}`,
    run_attempt: job.attempt,
    node_id: nodeId('repo', `job:${job.id}`),
    head_sha: run.headSha,
    url: `${api}/actions/jobs/${job.id}`,
    html_url: `${repoHtml(ctx.repo)}/actions/runs/${run.id}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion ?? null,
    created_at: job.startedAt,
    started_at: job.startedAt,
    completed_at: job.completedAt,
    name: job.name,
    steps: job.steps,
    check_run_url: `${api}/check-runs/${job.id}`,
    labels: job.labels,
    runner_id: job.status === 'queued' ? null : 1,
    runner_name: job.status === 'queued' ? null : 'GitHub Actions 1',
    runner_group_id: job.status === 'queued' ? null : 2,
    runner_group_name: job.status === 'queued' ? null : 'GitHub Actions'
  }
}

function jobsReply(ctx: Ctx, run: Run, jobs: Job[]): Reply {
  const page = paginate(jobs, ctx.query, ctx.url)
  return {
    status: 200,
    body: { total_count: jobs.length, jobs: page.items.map((j) => jobJson(ctx, run, j)) },
    headers: page.link ? { link: page.link } : {}
  }
}

function listJobs(ctx: Ctx): Reply {
  const run = getRun(ctx)
  const filter = ctx.query.get('filter') ?? 'latest'
  if (filter !== 'latest' && filter !== 'all') {
    throw new ApiError(422, 'Validation Failed', [
      { resource: 'Job', field: 'filter', code: 'invalid' }
    ])
  }
  const latest = latestAttempt(run)
  return jobsReply(
    ctx,
    run,
    filter === 'all' ? run.jobs : run.jobs.filter((j) => j.attempt === latest)
  )
}

function listAttemptJobs(ctx: Ctx): Reply {
  const run = getRun(ctx)
  const attempt = Number(ctx.params.attempt_number)
  const jobs = run.jobs.filter((j) => j.attempt === attempt)
  if (jobs.length === 0) throw new ApiError(404, 'Not Found')
  return jobsReply(ctx, run, jobs)
}

function runJson(ctx: Ctx, run: Run): Record<string, unknown> {
  const api = repoApi(ctx.core, ctx.repo)
  const self = `${api}/actions/runs/${run.id}`
  const repo = minimalRepository(ctx.core, ctx.repo)
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId('repo', `run:${run.id}`),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: `.github/workflows/${run.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.yml`,
    display_title: run.name,
    run_number: run.runNumber,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: 1,
    check_suite_id: run.id,
    check_suite_node_id: nodeId('repo', `suite:${run.id}`),
    url: self,
    html_url: `${repoHtml(ctx.repo)}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    run_attempt: latestAttempt(run),
    run_started_at: run.createdAt,
    jobs_url: `${self}/jobs`,
    logs_url: `${self}/logs`,
    check_suite_url: `${api}/check-suites/${run.id}`,
    artifacts_url: `${self}/artifacts`,
    cancel_url: `${self}/cancel`,
    rerun_url: `${self}/rerun`,
    previous_attempt_url:
      latestAttempt(run) > 1 ? `${self}/attempts/${latestAttempt(run) - 1}` : null,
    workflow_url: `${api}/actions/workflows/1`,
    head_commit: null,
    repository: repo,
    head_repository: repo
  }
}

function getRunReply(ctx: Ctx): Reply {
  return { status: 200, body: runJson(ctx, getRun(ctx)) }
}

function getJob(ctx: Ctx): Reply {
  const id = Number(ctx.params.job_id)
  for (const run of ctx.repo.runs.values()) {
    const job = run.jobs.find((j) => j.id === id)
    if (job) return { status: 200, body: jobJson(ctx, run, job) }
  }
  throw new ApiError(404, 'Not Found')
}

/** Dispatches start workflows even from GITHUB_TOKEN (the two exceptions to the no-trigger rule). */
function repositoryDispatch(ctx: Ctx): Reply {
  const body = (ctx.body ?? {}) as { event_type?: unknown }
  if (typeof body.event_type !== 'string' || body.event_type === '') {
    throw new ApiError(422, 'Invalid request.\n\n"event_type" wasn\'t supplied.')
  }
  return { status: 204, events: ['repository_dispatch'] }
}

async function workflowDispatch(ctx: Ctx): Promise<Reply> {
  const body = (ctx.body ?? {}) as { ref?: unknown }
  if (typeof body.ref !== 'string')
    throw new ApiError(422, 'Invalid request.\n\n"ref" wasn\'t supplied.')
  if (!(await ctx.repo.git.resolveCommit(body.ref.replace(/^refs\/(heads|tags)\//, '')))) {
    throw new ApiError(422, `No ref found for: ${body.ref}`)
  }
  return { status: 204, events: ['workflow_dispatch'] }
}

export const actionsRoutes: RouteDef[] = [
  route('POST', '/repos/{owner}/{repo}/dispatches', repositoryDispatch, {
    permission: { scope: 'contents', level: 'write' }
  }),
  route(
    'POST',
    '/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
    workflowDispatch
  ),
  route('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}', getRunReply),
  route('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}/jobs', listJobs),
  route(
    'GET',
    '/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs',
    listAttemptJobs
  ),
  route('GET', '/repos/{owner}/{repo}/actions/jobs/{job_id}', getJob)
]
