import {
  ActionResult,
  Inputs,
  logFailingPackages,
  Logger,
  openRepo,
  RunContext,
  startFileTree
} from '@contribs-actions/shared'
import { parseOptions } from './options.js'
import { readContext, readFacts } from './read-facts.js'
import { buildResult } from './report.js'
import { checkContents, validateRepo } from './validate.js'

export async function run(inputs: Inputs, ctx: RunContext, log: Logger): Promise<ActionResult> {
  const options = parseOptions(inputs, ctx)
  // The file list: from .git/index when small, else from git on the other core while this
  // process reads every pyproject and OWNERS.
  const listing = startFileTree(options.root, options.listing)
  const repo = await openRepo(options.root, { overrides: options.overrides, table: options.table })
  const context = readContext(repo)
  const contents = checkContents(repo, context)
  const tree = await listing
  if (tree.note) log.info(tree.note)
  const dirs = contents.packages.map((p) => p.dir)
  const facts = readFacts(repo, dirs, context, tree)
  const validation = validateRepo(repo, context, contents, facts)
  await logFailingPackages(log, validation.violations, 'violation')
  return buildResult(repo, validation, ctx.workspace)
}
