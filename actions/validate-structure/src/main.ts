import { ActionResult, Inputs, loadRepo, RunContext, startFileTree } from '@contribs-actions/shared'
import { buildResult } from './report.js'
import { parseOptions } from './options.js'
import { readFacts } from './read-facts.js'
import { validateRepo } from './validate.js'

export async function run(inputs: Inputs, ctx: RunContext): Promise<ActionResult> {
  const options = parseOptions(inputs, ctx)
  // git lists the tree on the other core while this process reads every pyproject and OWNERS.
  const listing = startFileTree(options.root, options.listing)
  const repo = await loadRepo(options.root, { overrides: options.overrides, table: options.table })
  const tree = await listing
  const { context, facts } = await readFacts(repo, tree)
  const result = buildResult(repo, validateRepo(repo, context, facts), ctx.workspace)
  if (tree.note) result.log.unshift(tree.note)
  return result
}
