import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ActionResult, Inputs, loadRepo, RunContext, UserError } from '@contribs-actions/shared'
import { connect } from '@contribs-actions/shared/github'
import { execute, ExecuteOptions } from './execute.js'
import { Remote } from './github.js'
import { lockArgv } from './lock.js'
import { parseOptions } from './options.js'
import { buildPlan } from './plan.js'
import { buildReport, nothingToDo, preflightFailure } from './report.js'
import { listTargets } from './targets.js'
import { branchName, checkVersion, resolveVersion } from './version.js'

export async function run(inputs: Inputs, ctx: RunContext): Promise<ActionResult> {
  const options = parseOptions(inputs, ctx)
  const repo = await loadRepo(options.root, { table: options.table })
  const settings = repo.settings
  const source = resolveVersion(options.version, ctx, settings)
  if (source.kind === 'nothing') return nothingToDo(source.reason)
  const version = source.version
  checkVersion(version, source.from, settings)
  if (!settings.bump_branch.includes('{package}'))
    throw new UserError(
      `bump_branch ${JSON.stringify(settings.bump_branch)} must contain {package}: each subpackage gets its own branch`
    )

  const targets = listTargets(repo)
  for (const t of targets) branchName(settings, version, t.id)
  if (!options.hasToken && !options.dryRun)
    throw new UserError(
      'input `token` is required (default: ${{ github.token }}); only `dry-run: true` works without one'
    )

  const log: string[] = []
  const local = (rel: string): Buffer | undefined => {
    try {
      return readFileSync(path.join(repo.root, rel))
    } catch {
      return undefined
    }
  }
  let remote: ExecuteOptions['remote']
  if (options.hasToken) {
    const conn = connect(inputs, ctx, (m) => log.push(m))
    const api = new Remote(conn)
    const base = await api.base()
    // Versions and edits come from the default branch's head, not the checkout, so a checkout
    // that is behind never reverts what others merged.
    const paths = targets.map((t) => t.file)
    const first = await api.readFiles(base, paths, local)
    for (const t of targets) t.text = first.get(t.file)?.text
    remote = { api, base, files: first, actionsToken: conn.actionsToken }
  }

  const plan = buildPlan(version, targets, settings.upstream)
  if (plan.problems.length) return preflightFailure(plan, repo.root)

  if (remote && !options.dryRun) {
    // The lock files of the packages this run may commit, read at the same base.
    const locks = plan.entries
      .filter((e) => e.state === 'below' && e.tier === plan.activeTier)
      .map((e) => e.lockFile)
    if (locks.length)
      for (const [p, f] of await remote.api.readFiles(remote.base, locks, local))
        remote.files.set(p, f)
  }

  const outcome = await execute({
    plan,
    settings,
    dryRun: options.dryRun,
    remote,
    lockArgv: lockArgv(options.lockCommand, settings.upstream),
    checkout: repo.root,
    tempRoot: options.tempRoot,
    log: (m) => log.push(m)
  })
  return buildReport({
    plan,
    outcome,
    dryRun: options.dryRun,
    from: source.from,
    offline: !remote,
    actionsToken: remote?.actionsToken ?? false,
    root: repo.root,
    log
  })
}
