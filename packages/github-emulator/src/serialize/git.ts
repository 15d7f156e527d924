import type { Core } from '../core.js'
import type { CommitInfo, TreeEntry } from '../git/bare-repo.js'
import { nodeId } from '../ids.js'
import type { RepoState } from '../model/types.js'
import { encodePath, repoApi, repoHtml } from './urls.js'

/** GitHub wraps base64 at 60 characters and ends with a newline. */
export function wrapBase64(data: Buffer): string {
  const b64 = data.toString('base64')
  if (b64 === '') return ''
  return `${b64.match(/.{1,60}/g)!.join('\n')}\n`
}

export function gitRef(
  core: Core,
  repo: RepoState,
  fullRef: string,
  sha: string,
  type = 'commit'
): Record<string, unknown> {
  const api = repoApi(core, repo)
  return {
    ref: fullRef,
    node_id: nodeId('repo', `${repo.id}:${fullRef}`),
    url: `${api}/git/${encodePath(fullRef)}`,
    object: { sha, type, url: `${api}/git/${type === 'tag' ? 'tags' : 'commits'}/${sha}` }
  }
}

const UNSIGNED = {
  verified: false,
  reason: 'unsigned',
  signature: null,
  payload: null,
  verified_at: null
}

export function gitCommit(core: Core, repo: RepoState, c: CommitInfo): Record<string, unknown> {
  const api = repoApi(core, repo)
  return {
    sha: c.sha,
    node_id: nodeId('repo', `commit:${c.sha}`),
    url: `${api}/git/commits/${c.sha}`,
    html_url: `${repoHtml(repo)}/commit/${c.sha}`,
    author: c.author,
    committer: c.committer,
    tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
    message: c.message.replace(/\n$/, ''),
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${api}/git/commits/${p}`,
      html_url: `${repoHtml(repo)}/commit/${p}`
    })),
    verification: UNSIGNED
  }
}

/** The `commit` schema (branches API): a REST commit wrapping the git commit. */
export function restCommit(core: Core, repo: RepoState, c: CommitInfo): Record<string, unknown> {
  const api = repoApi(core, repo)
  const html = repoHtml(repo)
  return {
    sha: c.sha,
    node_id: nodeId('repo', `commit:${c.sha}`),
    url: `${api}/commits/${c.sha}`,
    html_url: `${html}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${c.sha}`,
      author: c.author,
      committer: c.committer,
      message: c.message.replace(/\n$/, ''),
      comment_count: 0,
      tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
      verification: UNSIGNED
    },
    author: null,
    committer: null,
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${api}/commits/${p}`,
      html_url: `${html}/commit/${p}`
    }))
  }
}

function treeEntry(core: Core, repo: RepoState, e: TreeEntry): Record<string, unknown> {
  const api = repoApi(core, repo)
  const out: Record<string, unknown> = { path: e.path, mode: e.mode, type: e.type, sha: e.sha }
  if (e.type === 'blob') {
    out.size = e.size ?? 0
    out.url = `${api}/git/blobs/${e.sha}`
  } else if (e.type === 'tree') {
    out.url = `${api}/git/trees/${e.sha}`
  }
  return out
}

export function gitTree(
  core: Core,
  repo: RepoState,
  sha: string,
  entries: TreeEntry[]
): Record<string, unknown> {
  return {
    sha,
    url: `${repoApi(core, repo)}/git/trees/${sha}`,
    tree: entries.map((e) => treeEntry(core, repo, e)),
    truncated: false
  }
}

/** Contents API entry for a path; `ref` is echoed into the URLs as GitHub does. */
export function contentEntry(
  core: Core,
  repo: RepoState,
  e: TreeEntry,
  ref: string
): Record<string, unknown> {
  const api = repoApi(core, repo)
  const p = encodePath(e.path)
  const name = e.path.split('/').pop() ?? e.path
  const type =
    e.type === 'tree'
      ? 'dir'
      : e.type === 'commit'
        ? 'submodule'
        : e.mode === '120000'
          ? 'symlink'
          : 'file'
  const self = `${api}/contents/${p}?ref=${encodeURIComponent(ref)}`
  const git = type === 'dir' ? `${api}/git/trees/${e.sha}` : `${api}/git/blobs/${e.sha}`
  const html = `${repoHtml(repo)}/${type === 'dir' ? 'tree' : 'blob'}/${encodeURIComponent(ref)}/${p}`
  return {
    name,
    path: e.path,
    sha: e.sha,
    size: type === 'dir' ? 0 : (e.size ?? 0),
    url: self,
    html_url: html,
    git_url: git,
    download_url:
      type === 'file'
        ? `https://raw.githubusercontent.com/${repo.fullName}/${encodeURIComponent(ref)}/${p}`
        : null,
    type,
    _links: { self, git, html }
  }
}

export function fileCommit(core: Core, repo: RepoState, c: CommitInfo): Record<string, unknown> {
  const { sha, node_id, url, html_url, author, committer, message, tree, parents, verification } =
    gitCommit(core, repo, c)
  return { sha, node_id, url, html_url, author, committer, message, tree, parents, verification }
}
