import { dependencyEntries, fillPattern, normalizeName, Settings } from '@contribs-actions/shared'
import type { Entry, Plan } from './plan.js'

/**
 * The pull request body: what changed (the version line, the lock file), that the upstream floor
 * was left alone, and where the package stands in the tiers.
 */
export function prBody(o: {
  entry: Entry & { state: 'below' }
  plan: Plan
  settings: Settings
  lockNote?: string
}): string {
  const { entry: e, plan, settings } = o
  const up = settings.upstream
  const from = e.current ? `\`${e.current}\`` : '(none)'
  const floors = dependencyEntries(e.pyproject)
    .filter((d) => d.requirement?.key === normalizeName(up))
    .map((d) => `\`${d.raw}\``)
  const lastTier = plan.tiers.length
  const nextTier = plan.tiers.findIndex((t, k) => k + 1 > e.tier && t.length > 0)
  const lines = [
    `Bumps \`${e.id}\` to **${plan.version}**, following the ${up} ${plan.version} release.`,
    '',
    `- \`${e.file}\`: \`[project] version\` ${from} -> \`${plan.version}\`${e.edit.inserted ? ' (inserted after `name`)' : ''}; no other line changes.`,
    `- Lock file: ${o.lockNote ?? 'unchanged'}.`,
    floors.length
      ? `- The ${up} requirement (${floors.join(', ')}) is left alone: each subpackage owns its floor. Sibling requirements are untouched too.`
      : `- No ${up} requirement to leave alone; sibling requirements are untouched.`,
    '',
    e.root
      ? `**Tier ${e.tier} of ${lastTier}** (the root meta-package, bumped after every subpackage).`
      : `**Tier ${e.tier} of ${lastTier}**: ${e.tier === 1 ? 'depends on no sibling' : 'depends only on packages of earlier tiers'}.` +
        (nextTier >= 0
          ? ` Tier ${nextTier + 1} opens when every tier-${e.tier} bump is merged.`
          : ''),
    '',
    `<sub>Opened by contribs-actions bump-versions. Merging re-runs the workflow through its \`${fillPattern(settings.bump_label, { upstream: up, version: plan.version })}\` label.</sub>`
  ]
  return lines.join('\n') + '\n'
}
