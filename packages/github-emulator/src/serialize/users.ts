import type { Core } from '../core.js'
import { HTML_ROOT } from './urls.js'

/** The `simple-user` shape GitHub embeds everywhere (issue author, actor, assignee, owner). */
export function simpleUser(core: Core, login: string): Record<string, unknown> {
  const u = core.user(login)
  const api = `${core.baseUrl}/users/${encodeURIComponent(u.login)}`
  const html =
    u.type === 'Bot'
      ? `${HTML_ROOT}/apps/${encodeURIComponent(u.login.replace(/\[bot\]$/, ''))}`
      : `${HTML_ROOT}/${encodeURIComponent(u.login)}`
  return {
    login: u.login,
    id: u.id,
    node_id: core.userNodeId(u.login),
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: html,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: u.type,
    user_view_type: 'public',
    site_admin: false
  }
}

/** `public-user` (GET /user for a user token). */
export function publicUser(core: Core, login: string): Record<string, unknown> {
  return {
    ...simpleUser(core, login),
    name: login,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: '2011-01-25T18:44:36Z',
    updated_at: core.now()
  }
}
