import type { Core } from '../core.js'
import { simpleUser } from './users.js'
import { HTML_ROOT } from './urls.js'

/**
 * `performed_via_github_app` for an app installation token: the app behind the bot login
 * (`contribs-bot[bot]` → app `contribs-bot`). GitHub sets it on events an app caused.
 */
export function integration(core: Core, botLogin: string, owner: string): Record<string, unknown> {
  const slug = botLogin.replace(/\[bot\]$/, '')
  const bot = core.user(botLogin)
  return {
    id: bot.id,
    slug,
    node_id: core.userNodeId(botLogin),
    client_id: `Iv1.${bot.id}`,
    owner: simpleUser(core, owner),
    name: slug,
    description: null,
    external_url: `${HTML_ROOT}/apps/${encodeURIComponent(slug)}`,
    html_url: `${HTML_ROOT}/apps/${encodeURIComponent(slug)}`,
    created_at: '2020-01-01T00:00:00Z',
    updated_at: '2020-01-01T00:00:00Z',
    permissions: { contents: 'write', issues: 'write', pull_requests: 'write', metadata: 'read' },
    events: []
  }
}
