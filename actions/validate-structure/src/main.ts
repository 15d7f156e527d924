import { ActionResult, Inputs, openRepo, RunContext } from '@contribs-actions/shared'
import { parseOptions } from './options.js'
import { readContext, readFacts } from './read-facts.js'
import { buildResult } from './report.js'
import { checkContents, validateRepo } from './validate.js'

export async function run(inputs: Inputs, ctx: RunContext): Promise<ActionResult> {
  const options = parseOptions(inputs, ctx)
  const repo = await openRepo(options.root, {
    overrides: options.overrides,
    table: options.table,
    listing: options.listing
  })
  const context = readContext(repo)
  const contents = checkContents(repo, context)
  const dirs = contents.packages.map((p) => p.dir)
  const facts = readFacts(repo, dirs, context, repo.tree)
  const result = buildResult(repo, validateRepo(repo, context, contents, facts), ctx.workspace)
  if (repo.tree.note) result.log.unshift(repo.tree.note)
  return result
}
