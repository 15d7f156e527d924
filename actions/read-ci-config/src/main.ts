import {
  ActionResult,
  Inputs,
  logFailingPackages,
  Logger,
  openRepo,
  packageLayoutFindings,
  RunContext
} from '@contribs-actions/shared'
import { parseOptions } from './options.js'
import { buildResult, readConfigs, selectPackages } from './read-configs.js'

export async function run(inputs: Inputs, ctx: RunContext, log: Logger): Promise<ActionResult> {
  const options = parseOptions(inputs, ctx)
  const repo = await openRepo(options.root, { table: options.table, overrides: options.overrides })
  const select = options.select
  const which =
    select.mode === 'all'
      ? 'every subpackage'
      : select.mode === 'single'
        ? select.package
        : select.packages.join(', ')
  log.info(`reading [tool.${repo.settings.table}.ci] of ${which}`)
  const pkgs = selectPackages(repo, select)
  const { configs, findings } = readConfigs(repo, pkgs)
  // Reading every package: say when the layout found none, or missed some.
  const layout =
    select.mode === 'all'
      ? packageLayoutFindings(
          repo,
          configs.map((c) => c.package)
        )
      : []
  const all = [...repo.settingsFindings, ...layout, ...findings]
  await logFailingPackages(log, all, 'invalid CI setting')
  return buildResult(repo, options, configs, all)
}
