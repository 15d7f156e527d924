import {
  Inputs,
  RepositoryInputs,
  repositoryInputs,
  RunContext,
  UserError
} from '@contribs-actions/shared'

export interface Options extends RepositoryInputs {
  /** One package (single mode), a list, or every package. */
  select:
    { mode: 'single'; package: string } | { mode: 'many'; packages: string[] } | { mode: 'all' }
}

export function parseOptions(inputs: Inputs, ctx: Pick<RunContext, 'workspace'>): Options {
  const repository = repositoryInputs(inputs, ctx.workspace)
  const one = inputs.string('package')
  const many = inputs.string('packages')
  if (one && many) throw new UserError('give either `package` or `packages`, not both')
  let select: Options['select']
  if (one) select = { mode: 'single', package: one }
  else if (!many)
    throw new UserError(
      'input `package` (one folder) or `packages` (JSON array or `all`) is required'
    )
  else if (many === 'all') select = { mode: 'all' }
  else select = { mode: 'many', packages: inputs.list('packages') ?? [] }
  return { ...repository, select }
}
