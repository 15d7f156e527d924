import { ActionResult, Inputs, loadRepo, RunContext } from '@contribs-actions/shared'
import { buildResult } from './report.js'
import { parseOptions } from './options.js'
import { readFacts } from './read-facts.js'
import { validateRepo } from './validate.js'

export async function run(inputs: Inputs, ctx: RunContext): Promise<ActionResult> {
  const options = parseOptions(inputs, ctx)
  const repo = await loadRepo(options.root, { overrides: options.overrides, table: options.table })
  const { context, facts } = await readFacts(repo)
  return buildResult(repo, validateRepo(repo, context, facts), ctx.workspace)
}
