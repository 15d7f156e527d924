import { ActionResult, code, emptyResult, fileLine, Markdown } from '@contribs-actions/shared'
import type { Rewritten } from './main.js'
import type { ReleasePlan } from './plan.js'
import type { PublishOutcome } from './publish.js'
import type { TagOutcome } from './tag.js'

/** The outputs every mode sets: what the release holds and why the rest is not in it. */
function planOutputs(plan: ReleasePlan): ActionResult['outputs'] {
  return {
    version: plan.version,
    tag: plan.tag,
    included: plan.included.map((p) => p.dir),
    tiers: plan.tiers,
    stragglers: plan.stragglers.map((straggler) => ({
      package: straggler.dir,
      kind: straggler.kind,
      why: straggler.why,
      issue: straggler.issue?.number ?? null
    })),
    'at-risk': plan.atRisk.map((r) => ({ package: r.dir, stage: r.stage, issue: r.issue.number })),
    assets: plan.assets
  }
}

function planSentence(plan: ReleasePlan): string {
  const skipped = plan.stragglers.length
    ? `; skipped ${plan.stragglers.map((s) => s.dir).join(', ')}`
    : ''
  return `${plan.tag}: ${plan.included.length} package(s)${plan.meta ? ' and the meta-package' : ''}${skipped}`
}

function planMarkdown(plan: ReleasePlan, sentence: string): Markdown {
  const md = new Markdown().heading(`release ${plan.tag}`).para(sentence)
  md.table(
    ['tier', 'package', 'wheel'],
    plan.included.map((p) => [p.tier, code(p.dir), code(p.wheel)])
  )
  if (plan.stragglers.length)
    md.heading('Skipped', 3).list(
      plan.stragglers.map(
        (s) => `${code(s.dir)}: ${s.why}${s.issue ? ` (#${s.issue.number})` : ''}`
      )
    )
  if (plan.atRisk.length)
    md.heading('At risk', 3).list(
      plan.atRisk.map((r) => `${code(r.dir)}: ${r.stage} (#${r.issue.number})`)
    )
  return md
}

export function planResult(plan: ReleasePlan, notes: string): ActionResult {
  const result = emptyResult()
  const sentence = planSentence(plan)
  result.outputs = { ...planOutputs(plan), notes, summary: sentence }
  result.summary = planMarkdown(plan, sentence).details('Release notes', notes).toString()
  result.log.push(sentence)
  return result
}

export function rewriteResult(
  plan: ReleasePlan,
  rewritten: Rewritten[],
  dryRun: boolean
): ActionResult {
  const result = emptyResult()
  const verb = dryRun ? 'would rewrite' : 'rewrote'
  const sentence = `${planSentence(plan)}; ${verb} ${rewritten.length} pyproject.toml file(s) for building`
  result.outputs = {
    ...planOutputs(plan),
    rewritten: rewritten.map((r) => r.file),
    summary: sentence
  }
  for (const r of rewritten)
    for (const c of r.changes) result.log.push(`${fileLine(r.file, c.line)}: ${c.from} -> ${c.to}`)
  result.log.push(sentence)
  result.summary = planMarkdown(plan, sentence).toString()
  return result
}

export function publishResult(
  plan: ReleasePlan,
  notes: string,
  outcome: PublishOutcome,
  dryRun: boolean
): ActionResult {
  const result = emptyResult()
  const uploads = outcome.assets.filter((a) => a.step === 'upload').map((a) => a.name)
  const kept = outcome.assets.length - uploads.length
  const prefix = dryRun ? 'dry run, nothing written: would ' : ''
  const release = { create: 'create', update: 'update the notes of', keep: 'keep' }[outcome.release]
  const sentence = `${planSentence(plan)}; ${prefix}${release} release ${plan.tag}, upload ${uploads.length} asset(s), keep ${kept}`
  result.outputs = {
    ...planOutputs(plan),
    notes,
    'release-url': outcome.url ?? '',
    uploaded: uploads,
    written: outcome.written,
    summary: sentence
  }
  result.log.push(...uploads.map((u) => `${dryRun ? 'would upload' : 'uploaded'} ${u}`), sentence)
  if (outcome.foreign.length)
    result.log.push(`left alone (not built by this release): ${outcome.foreign.join(', ')}`)
  result.summary = planMarkdown(plan, sentence).details('Release notes', notes).toString()
  return result
}

/**
 * GitHub starts no workflow for a tag the default token pushes: the release workflow would
 * never run. Said as a warning, as bump-versions does for its pull requests.
 */
const TAG_TOKEN_WARNING =
  'the tag was pushed with the default GITHUB_TOKEN, which starts no workflow: the release workflow does not run for it. Push it with a GitHub App token (or push the tag yourself)'

export function tagResult(
  plan: ReleasePlan,
  outcome: TagOutcome,
  actionsToken: boolean,
  dryRun: boolean
): ActionResult {
  const result = emptyResult()
  const at = outcome.sha.slice(0, 12)
  const sentence = {
    create: `${dryRun ? 'dry run, nothing written: would push' : 'pushed'} ${outcome.tag} at ${at}`,
    keep: `${outcome.tag} already names ${at}: nothing to push`,
    elsewhere: `${outcome.tag} already exists at ${outcome.existing?.slice(0, 12)}, not ${at}: left as it is (a tag is never moved)`
  }[outcome.step]
  result.outputs = {
    ...planOutputs(plan),
    sha: outcome.existing ?? outcome.sha,
    written: outcome.written,
    summary: sentence
  }
  result.log.push(sentence)
  if (outcome.written && actionsToken)
    result.findings.push({ severity: 'warning', message: TAG_TOKEN_WARNING })
  if (outcome.step === 'elsewhere') result.findings.push({ severity: 'warning', message: sentence })
  result.summary = new Markdown().heading(`release ${plan.tag}`).para(sentence).toString()
  return result
}
