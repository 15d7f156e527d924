import { ActionResult, Inputs, openRepo, RunContext } from '@contribs-actions/shared'
import { parseOptions } from './options.js'
import { buildResult, readConfigs, selectPackages } from './read-configs.js'

export async function run(inputs: Inputs, ctx: RunContext): Promise<ActionResult> {
  const options = parseOptions(inputs, ctx)
  const repo = await openRepo(options.root, { table: options.table })
  const pkgs = selectPackages(repo, options.select)
  const { configs, findings } = readConfigs(repo, pkgs)
  return buildResult(repo, options, configs, [...repo.settingsFindings, ...findings])
}
