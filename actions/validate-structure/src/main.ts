import {
  ActionResult,
  Inputs,
  logFailingPackages,
  Logger,
  openRepo,
  RunContext
} from '@contribs-actions/shared'
import { parseOptions } from './options.js'
import { readContext, readFacts, skippedLinks } from './read-facts.js'
import { buildResult } from './report.js'
import { checkContents, validateRepo } from './validate.js'

export async function run(inputs: Inputs, ctx: RunContext, log: Logger): Promise<ActionResult> {
  const options = parseOptions(inputs, ctx)
  const repo = await openRepo(options.root, {
    overrides: options.overrides,
    table: options.table,
    listing: options.listing
  })
  if (repo.tree.note) log.info(repo.tree.note)
  for (const notice of skippedLinks(repo)) log.info(notice)
  const context = readContext(repo, options.levels)
  const contents = checkContents(repo, context)
  const dirs = contents.packages.map((p) => p.dir)
  const facts = readFacts(repo, dirs, context, repo.tree)
  const validation = validateRepo(repo, context, contents, facts)
  await logFailingPackages(log, validation.violations, 'violation')
  return buildResult(repo, validation, ctx.workspace)
}
