import { Inputs, RepositoryInputs, repositoryInputs, RunContext } from '@contribs-actions/shared'
import { splitCommand } from './lock.js'

export interface Options extends RepositoryInputs {
  /** The `version` input, when given (wins over the event). */
  version?: string
  /** The lock command as typed, `{upstream}` not yet filled; undefined when turned off. */
  lockCommand?: string
  dryRun: boolean
  /** Whether a token was given; without one only a dry run (from the checkout) is possible. */
  hasToken: boolean
  /** Where temporary lock folders go (RUNNER_TEMP on a runner). */
  tempRoot?: string
}

/**
 * A token was given. Outside a runner (the CLI, a bundle test) action.yml's default arrives
 * unexpanded as the text `${{ github.token }}`, which is no token.
 */
function isToken(value: string | undefined): boolean {
  return value !== undefined && !/^\$\{\{.*\}\}$/.test(value)
}

export function parseOptions(inputs: Inputs, ctx: Pick<RunContext, 'workspace'>): Options {
  const lockCommand = inputs.string('lock-command')
  // Split once now, so an unbalanced quote fails before anything is read or written.
  if (lockCommand !== undefined) splitCommand(lockCommand)
  return {
    ...repositoryInputs(inputs, ctx.workspace),
    version: inputs.string('version'),
    lockCommand,
    dryRun: inputs.bool('dry-run', false),
    hasToken: isToken(inputs.string('token')),
    tempRoot: process.env.RUNNER_TEMP || undefined
  }
}
