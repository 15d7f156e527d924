import type { Job } from '../job-signals.js'
import { apiError } from './api-error.js'
import type { Octokit } from './client.js'

/** The latest attempt's jobs of a workflow run, every page. */
export async function readJobs(
  octokit: Octokit,
  owner: string,
  repo: string,
  runId: number
): Promise<Job[]> {
  try {
    const jobs = await octokit.paginate(octokit.rest.actions.listJobsForWorkflowRun, {
      owner,
      repo,
      run_id: runId,
      filter: 'latest',
      per_page: 100
    })
    return jobs.map((j) => ({ name: j.name, status: j.status, conclusion: j.conclusion }))
  } catch (e) {
    throw apiError(`could not read the jobs of run ${runId}`, e, 'actions: read')
  }
}
