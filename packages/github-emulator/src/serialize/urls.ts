import type { Core } from '../core.js'
import type { RepoState } from '../model/types.js'

/** Where `html_url`s point; nothing is served there, GitHub's own host keeps links familiar. */
export const HTML_ROOT = 'https://github.com'

/** Encodes each segment of a repository path, keeping the slashes. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}

export function repoApi(core: Core, repo: RepoState): string {
  return `${core.baseUrl}/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.name)}`
}

export function repoHtml(repo: RepoState): string {
  return `${HTML_ROOT}/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.name)}`
}
