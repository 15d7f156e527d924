import { ActionResult, Inputs, Logger, RunContext } from '@contribs-actions/shared'
import { discover } from './discover.js'
import { parseOptions } from './options.js'
import { buildResult } from './report.js'

export async function run(inputs: Inputs, ctx: RunContext, log: Logger): Promise<ActionResult> {
  const options = parseOptions(inputs, ctx)
  const found = await discover(options, ctx.eventName, ctx.event, log)
  return buildResult(found, options.maxLegs)
}
