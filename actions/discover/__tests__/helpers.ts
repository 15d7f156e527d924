// Builds real git repositories from the example contribs repo and runs discover's run() on them
// in-process, with the outputs encoded exactly as the runner receives them.
import {
  ActionResult,
  createLogger,
  encodeOutputs,
  Inputs,
  RunContext
} from '@contribs-actions/shared'
import { run } from '../src/main.js'
import {
  commitAll,
  copyExampleRepo,
  git,
  EXAMPLE_PACKAGES,
  initGitRepo,
  writeFiles
} from '../../../test/kit/fixtures.js'

export const ALL = EXAMPLE_PACKAGES

/** A copy of the example repo, committed on `main`; returns the folder and the commit. */
export function exampleRepo(): { dir: string; main: string } {
  const dir = copyExampleRepo()
  return { dir, main: initGitRepo(dir) }
}

/** Writes (or deletes, with null) files and commits them; returns the new commit. */
export function change(
  dir: string,
  files: Record<string, string | null>,
  message = 'change'
): string {
  writeFiles(dir, files)
  return commitAll(dir, message)
}

/** Appends a line to an existing file and commits. */
export function touch(dir: string, rel: string[], message = 'touch'): string {
  const files: Record<string, string> = {}
  for (const r of rel) files[r] = `${readOr(dir, r)}\n# touched ${message}\n`
  return change(dir, files, message)
}

function readOr(dir: string, rel: string): string {
  try {
    return git(dir, 'show', `HEAD:${rel}`)
  } catch {
    return ''
  }
}

export function prPayload(base: string, baseRef = 'main', head?: string, number = 7) {
  return {
    pull_request: {
      number,
      base: { sha: base, ref: baseRef },
      head: { sha: head ?? '0'.repeat(40), ref: 'feature' }
    },
    repository: { default_branch: 'main' }
  }
}

export interface Discovered {
  result: ActionResult
  outputs: Record<string, string>
  matrix: string[]
  reason: string
  /** The lines run() logged while it ran (workflow commands included). */
  log: string[]
}

/** run() as the runner would call it for this event, on the repository in `dir`. */
export async function discoverIn(
  dir: string,
  eventName: string,
  event: Record<string, unknown>,
  inputs: Record<string, string> = {}
): Promise<Discovered> {
  const ctx: RunContext = {
    eventName,
    event,
    workspace: dir,
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com'
  }
  const log: string[] = []
  const result = await run(
    new Inputs((name) => inputs[name] ?? ''),
    ctx,
    createLogger((text) => log.push(...text.split('\n')))
  )
  const outputs = encodeOutputs(result.outputs)
  return {
    log,
    result,
    outputs,
    matrix: outputs.matrix === undefined ? [] : JSON.parse(outputs.matrix),
    reason: outputs.reason
  }
}
