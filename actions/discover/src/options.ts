import {
  Inputs,
  RepositoryInputs,
  repositoryInputs,
  RunContext,
  UserError
} from '@contribs-actions/shared'

export interface Options extends RepositoryInputs {
  /** Explicit base commit (any revision git understands); overrides the event's base. */
  base?: string
  /** Explicit head commit; default HEAD (or the PR head for pull_request_target). */
  head?: string
  /** The `default-branch` input; when unset the settings table, the payload, then `main` decide. */
  defaultBranch?: string
  maxLegs: number
  /** Extra run-all globs, on top of the settings table's `run_all`. */
  runAll: string[]
  /** The `skip-archived` input; undefined means the settings table decides. */
  skipArchived?: boolean
}

/** GitHub runs at most 256 jobs per matrix; a bigger limit would make GitHub reject the matrix. */
const GITHUB_MATRIX_LIMIT = 256

const REVISION = /^[A-Za-z0-9][A-Za-z0-9._/~^@{}-]*$/

function revision(inputs: Inputs, name: string): string | undefined {
  const v = inputs.string(name)
  // A revision starting with `-` would be read by git as an option.
  if (v !== undefined && !REVISION.test(v))
    throw new UserError(
      `input \`${name}\` must be a commit sha, branch or tag (got ${JSON.stringify(v)})`
    )
  return v
}

export function parseOptions(inputs: Inputs, ctx: Pick<RunContext, 'workspace'>): Options {
  const skip = inputs.string('skip-archived')
  const branch = inputs.string('default-branch')
  if (branch !== undefined && !/^\S+$/.test(branch))
    throw new UserError(
      `input \`default-branch\` must be a branch name (got ${JSON.stringify(branch)})`
    )
  return {
    ...repositoryInputs(inputs, ctx.workspace),
    base: revision(inputs, 'base'),
    head: revision(inputs, 'head'),
    defaultBranch: branch?.replace(/^refs\/heads\//, ''),
    maxLegs: inputs.int('max-legs', GITHUB_MATRIX_LIMIT, { min: 1, max: GITHUB_MATRIX_LIMIT }),
    runAll: inputs.list('run-all') ?? [],
    skipArchived: skip === undefined ? undefined : inputs.bool('skip-archived', false)
  }
}
