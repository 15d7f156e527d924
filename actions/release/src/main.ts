import { writeFileSync } from 'node:fs'
import path from 'node:path'
import {
  ActionResult,
  buildGraph,
  Finding,
  Inputs,
  isPreRelease,
  loadRepo,
  Logger,
  mapJobs,
  readRepoBytes,
  readRepoText,
  Repo,
  RunContext,
  splitRepository,
  UserError,
  type PackageSignal
} from '@contribs-actions/shared'
import { connect, readJobs, type Connection } from '@contribs-actions/shared/github'
import { octokitReader, octokitTagger, octokitWriter } from './github.js'
import { releaseNotes } from './notes.js'
import { parseOptions, type Options } from './options.js'
import { planRelease, type ReleasePackage, type ReleasePlan, type TrackedPackage } from './plan.js'
import { publishRelease, type LocalAsset } from './publish.js'
import { planResult, publishResult, rewriteResult, tagResult } from './report.js'
import { metaForRelease, rewriteForBuild } from './rewrite.js'
import { pushReleaseTag } from './tag.js'
import { readTracked } from './tracked.js'

/** Wheels are far larger than the pyproject files the repository readers are sized for. */
const MAX_ASSET_BYTES = 2 * 1024 * 1024 * 1024

export async function run(inputs: Inputs, ctx: RunContext, log: Logger): Promise<ActionResult> {
  const options = parseOptions(inputs, ctx)
  const repo = await loadRepo(options.root, {
    table: options.table,
    overrides: options.overrides
  })
  const result = await decide(inputs, ctx, log, options, repo)
  result.findings.unshift(...repoFindings(repo))
  result.root = repo.root
  return result
}

/**
 * The settings' findings, and a warning on each package file that could not be read: the
 * package is a straggler (the train leaves without it), and the annotation says why on the file.
 */
function repoFindings(repo: Repo): Finding[] {
  const out: Finding[] = [...repo.settingsFindings]
  for (const p of repo.packages) {
    const e = p.pyprojectError
    if (!e) continue
    out.push({
      severity: 'warning',
      message: `${e.message}; ${p.dir} is left out of the release`,
      file: e.file,
      line: e.line,
      column: e.column,
      package: p.dir
    })
  }
  return out
}

async function decide(
  inputs: Inputs,
  ctx: RunContext,
  log: Logger,
  options: Options,
  repo: Repo
): Promise<ActionResult> {
  const target = splitRepository(inputs.string('repository') ?? ctx.repository)
  const plan = (tracked: TrackedPackage[], jobSignals?: PackageSignal[]): ReleasePlan =>
    planRelease({
      release: options.release,
      repository: { serverUrl: ctx.serverUrl, ...target },
      packages: repo.packages.map(releasePackage),
      graph: buildGraph(repo),
      meta: metaPackage(repo),
      jobSignals,
      tracked
    })
  if (options.mode === 'rewrite') {
    // Building needs no API (the tracking issues only change the notes), unless the build
    // results say which siblings the meta-package's extras may point at.
    const signals = options.buildJobs
      ? await buildSignals(connect(inputs, ctx, log), ctx, options, repo, log)
      : undefined
    const p = plan([], signals)
    return rewriteResult(
      p,
      rewriteCheckout(repo, p, options.pinExtras, options.dryRun),
      options.dryRun
    )
  }
  const conn = connect(inputs, ctx, log)
  if (options.mode === 'tag') {
    // The meta-package must be at the version (planRelease refuses otherwise) before it is tagged.
    const p = plan([])
    const tagger = octokitTagger(conn)
    const outcome = await pushReleaseTag(
      p.tag,
      options.target,
      tagger,
      options.dryRun ? undefined : tagger
    )
    return tagResult(p, outcome, conn.actionsToken, options.dryRun)
  }
  const tracked = await log.withGroup('Tracking issues', () => readTracked(conn, repo.settings))
  const signals = options.buildJobs ? await buildSignals(conn, ctx, options, repo, log) : undefined
  const p = plan(tracked, signals)
  const notes = releaseNotes(p, {
    upstream: repo.settings.upstream,
    upstreamVersion: options.upstreamVersion ?? p.version
  })
  if (options.mode === 'plan') return planResult(p, notes)
  const files = readBuiltFiles(p, options.distDir)
  const outcome = await publishRelease(
    {
      tag: p.tag,
      name: `${p.meta?.name ?? target.repo} ${p.version}`,
      body: notes,
      prerelease: isPreRelease(p.version),
      target: ctx.sha
    },
    files,
    octokitReader(conn),
    options.dryRun ? undefined : octokitWriter(conn)
  )
  return publishResult(p, notes, outcome, options.dryRun)
}

function releasePackage(pkg: Repo['packages'][number]): ReleasePackage {
  const file = `${pkg.dir}/pyproject.toml`
  const py = pkg.pyproject
  const problem = pkg.pyprojectError
    ? pkg.pyprojectError.message
    : !py
      ? 'no pyproject.toml'
      : py.dynamicVersion
        ? 'its version is dynamic ([project].dynamic), so the release cannot check it'
        : undefined
  return { dir: pkg.dir, name: py?.name, version: py?.version, problem, file }
}

function metaPackage(repo: Repo): ReleasePackage | undefined {
  const py = repo.rootPyproject
  if (!py?.name) return undefined
  return { dir: '.', name: py.name, version: py.version, file: py.file }
}

async function buildSignals(
  conn: Connection,
  ctx: RunContext,
  options: Options,
  repo: Repo,
  log: Logger
): Promise<PackageSignal[]> {
  const runId = Number(ctx.runId)
  if (!Number.isInteger(runId) || runId <= 0)
    throw new UserError('input `build-jobs` reads this run’s jobs, but GITHUB_RUN_ID is not set')
  const jobs = await readJobs(conn.octokit, conn.owner, conn.repo, runId)
  const mapped = mapJobs(jobs, options.buildJobs, new Set(repo.packages.map((p) => p.dir)))
  for (const i of mapped.ignored) log.info(`job ${i.job}: ${i.reason}`)
  return mapped.signals
}

/** Every file the plan publishes, read before the first write: a missing one writes nothing. */
function readBuiltFiles(plan: ReleasePlan, distDir: string): LocalAsset[] {
  const out: LocalAsset[] = []
  const missing: string[] = []
  const read = (file: string) => readRepoBytes(distDir, file, { maxBytes: MAX_ASSET_BYTES })
  for (const p of [...plan.included, ...(plan.meta ? [plan.meta] : [])]) {
    for (const file of [p.wheel, p.sdist]) {
      const data = read(file)
      if (data) out.push({ name: file, data })
      else missing.push(file)
    }
  }
  if (plan.meta) {
    const wheel = out.find((f) => f.name === plan.meta!.wheel)
    if (wheel) out.push({ name: plan.meta.versionFreeWheel, data: wheel.data })
  }
  if (missing.length)
    throw new UserError(
      `nothing was published: ${missing.length} built file(s) missing from ${distDir}: ${missing.join(', ')}`
    )
  return out
}

export interface Rewritten {
  file: string
  changes: { line: number; from: string; to: string }[]
}

/**
 * Rewrites, in the checkout, the pyproject.toml of every included package (and the
 * meta-package's extras when asked: stragglers out, the others pinned) for building. Every edit
 * is computed before the first file is written, so a refusal leaves the checkout as it was.
 */
function rewriteCheckout(
  repo: Repo,
  plan: ReleasePlan,
  pinExtras: boolean,
  dryRun: boolean
): Rewritten[] {
  const byDir = new Map(plan.included.map((p) => [p.dir, p.wheelUrl]))
  const dirs = new Set(repo.packages.map((p) => p.dir))
  const edits: { file: string; text: string; changes: Rewritten['changes'] }[] = []
  for (const p of plan.included) {
    const file = `${p.dir}/pyproject.toml`
    const text = readRepoText(repo.root, file)
    if (text === undefined) throw new UserError('the file is gone', { file })
    edits.push({ file, ...rewriteForBuild(text, file, p.dir, byDir, dirs) })
  }
  if (pinExtras && plan.meta && repo.rootPyproject) {
    const byKey = new Map(
      plan.included.map((p) => [repo.byDir.get(p.dir)!.pyproject!.key!, p.wheelUrl])
    )
    // A straggler whose pyproject.toml cannot be read has no name to look for in the extras.
    const stragglers = plan.stragglers.flatMap((s) => repo.byDir.get(s.dir)?.pyproject?.name ?? [])
    const { file, text } = repo.rootPyproject
    edits.push({ file, ...metaForRelease(text, file, plan.meta.name, stragglers, byKey) })
  }
  const changed = edits.filter((e) => e.changes.length)
  if (!dryRun) for (const e of changed) writeFileSync(path.join(repo.root, e.file), e.text)
  return changed.map((e) => ({ file: e.file, changes: e.changes }))
}
