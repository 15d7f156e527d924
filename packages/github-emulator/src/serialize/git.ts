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

export function gitCommit(
  core: Core,
  repo: RepoState,
  commit: CommitInfo
): Record<string, unknown> {
  const api = repoApi(core, repo)
  return {
    sha: commit.sha,
    node_id: nodeId('repo', `commit:${commit.sha}`),
    url: `${api}/git/commits/${commit.sha}`,
    html_url: `${repoHtml(repo)}/commit/${commit.sha}`,
    author: commit.author,
    committer: commit.committer,
    tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
    message: commit.message.replace(/\n$/, ''),
    parents: commit.parents.map((p) => ({
      sha: p,
      url: `${api}/git/commits/${p}`,
      html_url: `${repoHtml(repo)}/commit/${p}`
    })),
    verification: UNSIGNED
  }
}

/** The `commit` schema (branches API): a REST commit wrapping the git commit. */
export function restCommit(core: Core, repo: RepoState, info: CommitInfo): Record<string, unknown> {
  const api = repoApi(core, repo)
  const html = repoHtml(repo)
  return {
    sha: info.sha,
    node_id: nodeId('repo', `commit:${info.sha}`),
    url: `${api}/commits/${info.sha}`,
    html_url: `${html}/commit/${info.sha}`,
    comments_url: `${api}/commits/${info.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${info.sha}`,
      author: info.author,
      committer: info.committer,
      message: info.message.replace(/\n$/, ''),
      comment_count: 0,
      tree: { sha: info.tree, url: `${api}/git/trees/${info.tree}` },
      verification: UNSIGNED
    },
    author: null,
    committer: null,
    parents: info.parents.map((p) => ({
      sha: p,
      url: `${api}/commits/${p}`,
      html_url: `${html}/commit/${p}`
    }))
  }
}

function treeEntry(core: Core, repo: RepoState, entry: TreeEntry): Record<string, unknown> {
  const api = repoApi(core, repo)
  const out: Record<string, unknown> = {
    path: entry.path,
    mode: entry.mode,
    type: entry.type,
    sha: entry.sha
  }
  if (entry.type === 'blob') {
    out.size = entry.size ?? 0
    out.url = `${api}/git/blobs/${entry.sha}`
  } else if (entry.type === 'tree') {
    out.url = `${api}/git/trees/${entry.sha}`
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
  entry: TreeEntry,
  ref: string
): Record<string, unknown> {
  const api = repoApi(core, repo)
  const p = encodePath(entry.path)
  const name = entry.path.split('/').pop() ?? entry.path
  const type =
    entry.type === 'tree'
      ? 'dir'
      : entry.type === 'commit'
        ? 'submodule'
        : entry.mode === '120000'
          ? 'symlink'
          : 'file'
  const self = `${api}/contents/${p}?ref=${encodeURIComponent(ref)}`
  const git = type === 'dir' ? `${api}/git/trees/${entry.sha}` : `${api}/git/blobs/${entry.sha}`
  const html = `${repoHtml(repo)}/${type === 'dir' ? 'tree' : 'blob'}/${encodeURIComponent(ref)}/${p}`
  return {
    name,
    path: entry.path,
    sha: entry.sha,
    size: type === 'dir' ? 0 : (entry.size ?? 0),
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

export function fileCommit(
  core: Core,
  repo: RepoState,
  commit: CommitInfo
): Record<string, unknown> {
  const { sha, node_id, url, html_url, author, committer, message, tree, parents, verification } =
    gitCommit(core, repo, commit)
  return { sha, node_id, url, html_url, author, committer, message, tree, parents, verification }
}
