import { dependencyEntries, fillPattern, normalizeName, Settings } from '@contribs-actions/shared'
import type { Entry, Plan } from './plan.js'

/**
 * The pull request body: what changed (the version line, the lock file), that the upstream floor
 * was left alone, what it waited for, and which bumps wait for it.
 */
export function prBody(input: {
  entry: Entry & { state: 'below' }
  plan: Plan
  settings: Settings
  lockNote?: string
}): string {
  const { entry: e, plan, settings } = input
  const up = settings.upstream
  const from = e.current ? `\`${e.current}\`` : '(none)'
  const floors = dependencyEntries(e.pyproject)
    .filter((d) => d.requirement?.key === normalizeName(up))
    .map((d) => `\`${d.raw}\``)
  const code = (ids: string[]) => ids.map((d) => `\`${d}\``).join(', ')
  const waitingForIt = [...plan.waitsFor].flatMap(([id, deps]) => (deps.includes(e.id) ? [id] : []))
  const lines = [
    `Bumps \`${e.id}\` to **${plan.version}**, following the ${up} ${plan.version} release.`,
    '',
    `- \`${e.file}\`: \`[project] version\` ${from} -> \`${plan.version}\`${e.edit.inserted ? ' (inserted after `name`)' : ''}; no other line changes.`,
    `- Lock file: ${input.lockNote ?? 'unchanged'}.`,
    floors.length
      ? `- The ${up} requirement (${floors.join(', ')}) is left alone: each subpackage owns its floor. Sibling requirements are untouched too.`
      : `- No ${up} requirement to leave alone; sibling requirements are untouched.`,
    '',
    `**Wave ${e.wave} of ${plan.waves.length}**` +
      (e.dependsOn.length
        ? `: opened once ${code(e.dependsOn)} ${e.dependsOn.length === 1 ? 'was' : 'were'} at ${plan.version} on the default branch.`
        : ': waits for no sibling.') +
      (e.root ? ' The root meta-package: its extras are pinned to the release itself.' : '') +
      (waitingForIt.length
        ? ` Merging it opens the bump of ${code(waitingForIt)} once nothing else they wait for is below ${plan.version}.`
        : ''),
    '',
    `<sub>Opened by contribs-actions bump-versions. Merging re-runs the workflow through its \`${fillPattern(settings.bump_label, { upstream: up, version: plan.version })}\` label.</sub>`
  ]
  return lines.join('\n') + '\n'
}
