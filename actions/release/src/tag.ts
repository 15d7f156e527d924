import { UserError } from '@contribs-actions/shared'

/** What tagging reads: where the tag points now, and the commit it should name. */
export interface TagReader {
  tagSha(tag: string): Promise<string | undefined>
  /** The commit of a branch (the default branch when `branch` is undefined). */
  branchHead(branch?: string): Promise<{ branch: string; sha: string }>
}

export interface TagWriter {
  /** Creates `refs/tags/<tag>` at `sha`, once (see github.ts). */
  createTag(tag: string, sha: string): Promise<void>
}

export interface TagOutcome {
  tag: string
  sha: string
  /** `create`: the tag is new; `keep`: it already names that commit; `elsewhere`: another. */
  step: 'create' | 'keep' | 'elsewhere'
  existing?: string
  written: boolean
}

const SHA = /^[0-9a-f]{40}$/

/**
 * Pushes the release tag at the commit the release is cut from (a commit sha, or a branch's
 * head; the default branch's by default). A tag that already exists is never moved: a
 * maintainer may have pushed it by hand, and a published tag must not change under people.
 * Without a writer (dry run) it says what it would do.
 */
export async function pushReleaseTag(
  tag: string,
  target: string | undefined,
  reader: TagReader,
  writer: TagWriter | undefined
): Promise<TagOutcome> {
  const sha = target && SHA.test(target) ? target : (await reader.branchHead(target)).sha
  const existing = await reader.tagSha(tag)
  if (existing !== undefined)
    return { tag, sha, step: existing === sha ? 'keep' : 'elsewhere', existing, written: false }
  if (!writer) return { tag, sha, step: 'create', written: false }
  await writer.createTag(tag, sha)
  return { tag, sha, step: 'create', written: true }
}

/** A target that is neither a commit sha nor a plausible branch name is refused up front. */
export function checkTarget(target: string | undefined): string | undefined {
  if (target === undefined) return undefined
  if (SHA.test(target) || (/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(target) && !target.includes('..')))
    return target
  throw new UserError(
    `input \`target\` must be a commit sha or a branch (got ${JSON.stringify(target)})`
  )
}
