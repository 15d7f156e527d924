/**
 * Whether `token` is the workflow's default GITHUB_TOKEN. Installation tokens of the Actions app
 * and of any other GitHub App look alike, so the actions that write take a second input,
 * `actions-token`, defaulting to `${{ github.token }}`, and compare. GitHub starts no workflow for
 * events caused by this token: PRs it opens get no CI and merging them starts nothing.
 */
export function isDefaultActionsToken(token: string, actionsToken: string | undefined): boolean {
  return actionsToken !== undefined && actionsToken !== '' && token === actionsToken
}

export const ACTIONS_TOKEN_WARNING =
  'the default GITHUB_TOKEN is in use: GitHub starts no workflow for what it creates, so pull requests ' +
  'it opens get no CI and merging them does not re-trigger this workflow. Pass a GitHub App installation ' +
  'token (actions/create-github-app-token) as `token`.'
