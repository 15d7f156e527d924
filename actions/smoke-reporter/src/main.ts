import {
  ActionResult,
  Inputs,
  loadRepo,
  Logger,
  mapJobs,
  PackageSignal,
  RunContext,
  UserError
} from '@contribs-actions/shared'
import {
  connect,
  DEFAULT_LEASE_POLICY,
  readJobs,
  ServerClock
} from '@contribs-actions/shared/github'
import { parseOptions } from './options.js'
import { Env, reportRun, runUrl } from './report.js'
import { buildResult } from './result.js'
import { FileStore, StoreConfig, TreeStore } from './store.js'

export async function run(inputs: Inputs, ctx: RunContext, log: Logger): Promise<ActionResult> {
  // Everything the user gives is checked before the first request.
  const options = parseOptions(inputs, ctx)
  const repo = await loadRepo(options.root, {
    table: options.table,
    overrides: {
      ...options.overrides,
      ...(options.threshold ? { failure_threshold: options.threshold } : {})
    }
  })
  const settings = repo.settings
  const scaleText = process.env.CONTRIBS_ACTIONS_TIME_SCALE
  const timeScale = scaleText ? Number(scaleText) : 1
  const conn = connect(inputs, ctx, log)
  const { octokit, owner, repo: name } = conn
  const clock = new ServerClock()
  clock.attach(octokit)
  const env: Env = {
    api: { octokit, owner, repo: name, label: settings.tracking_label },
    serverUrl: ctx.serverUrl,
    clock,
    settings,
    policy: { threshold: settings.failure_threshold, lease: DEFAULT_LEASE_POLICY },
    packages: repo.byDir,
    runId: options.runId,
    attempt: options.attempt,
    runUrl: runUrl(ctx.serverUrl, owner, name, options.runId, options.attempt),
    sha: options.sha,
    upstreamRef: options.upstreamRef,
    upstreamSha: options.upstreamSha,
    dryRun: options.dryRun,
    timeScale: Number.isFinite(timeScale) && timeScale >= 0 ? timeScale : 1,
    log
  }
  const storeConfig: StoreConfig = {
    octokit,
    owner,
    repo: name,
    branch: settings.state_branch,
    dir: settings.state_dir,
    timeScale: env.timeScale,
    log: (line) => log.info(line)
  }

  let ignoredJobs: { job: string; reason: string }[] = []
  let report
  if (options.source.kind === 'record') {
    report = await reportRun(env, new FileStore(storeConfig), [options.source.signal])
  } else {
    let signals: PackageSignal[]
    if (options.source.kind === 'results') signals = options.source.signals
    else {
      const jobs = await readJobs(octokit, owner, name, options.runId)
      const known = new Set(repo.packages.map((p) => p.dir))
      const mapped = mapJobs(jobs, options.source.pattern, known)
      signals = mapped.signals
      ignoredJobs = mapped.ignored
      if (!jobs.length)
        throw new UserError(`run ${options.runId} has no jobs (is \`run-id\` right?)`)
      log.info(
        `run ${options.runId}: ${jobs.length} jobs, smoke legs of ${signals.length} packages`
      )
      log.debug(() => ignoredJobs.map((j) => `job ${j.job} is not counted: ${j.reason}`))
    }
    report = await reportRun(env, new TreeStore(storeConfig), signals)
  }
  return buildResult({
    report,
    mode: options.mode,
    run: `${options.runId}/${options.attempt}`,
    threshold: settings.failure_threshold,
    stateBranch: settings.state_branch,
    ignoredJobs
  })
}
