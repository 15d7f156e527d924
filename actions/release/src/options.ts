import path from 'node:path'
import {
  Inputs,
  jobNamePattern,
  RepositoryInputs,
  repositoryInputs,
  RunContext,
  UserError
} from '@contribs-actions/shared'
import { checkTarget } from './tag.js'
import { releaseVersion, type ReleaseVersion } from './version.js'

export type Mode = 'plan' | 'rewrite' | 'publish' | 'tag'

export interface Options extends RepositoryInputs {
  mode: Mode
  release: ReleaseVersion
  dryRun: boolean
  /** Where the built wheels and sdists are (publish), flat. */
  distDir: string
  /** Job names of this run's build and test jobs, with a `package` group (publish). */
  buildJobs?: RegExp
  upstreamVersion?: string
  /** rewrite: also point the meta-package's extras at the release's wheels. */
  pinExtras: boolean
  /** tag: the commit sha or branch the tag names; default the default branch's head. */
  target?: string
}

/** Everything the user gives is checked here, before the first request. */
export function parseOptions(inputs: Inputs, ctx: Pick<RunContext, 'workspace' | 'ref'>): Options {
  const mode = inputs.oneOf('mode', ['plan', 'rewrite', 'publish', 'tag'] as const, 'plan')
  const jobs = inputs.string('build-jobs')
  const target = inputs.string('target')
  if (target !== undefined && mode !== 'tag')
    throw new UserError('input `target` is for `mode: tag`, where the release tag is pushed')
  if (jobs !== undefined && mode !== 'publish' && mode !== 'rewrite')
    throw new UserError(
      'input `build-jobs` is for `mode: publish` and `mode: rewrite`, which read the build results'
    )
  const repository = repositoryInputs(inputs, ctx.workspace)
  return {
    ...repository,
    mode,
    release: releaseVersion({ version: inputs.string('version'), ref: ctx.ref }),
    dryRun: inputs.bool('dry-run', false),
    distDir: path.resolve(repository.root, inputs.string('dist-dir') ?? 'dist'),
    buildJobs:
      jobs === undefined
        ? undefined
        : jobNamePattern('build-jobs', jobs, '^build \\((?<package>[^)]+)\\)'),
    upstreamVersion: inputs.version('upstream-version'),
    pinExtras: inputs.bool('pin-extras', true),
    target: checkTarget(target)
  }
}
