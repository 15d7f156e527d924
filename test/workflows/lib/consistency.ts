// Consistency across workflow files: one published path for our actions (so a fork's one
// replace is complete), one pin per third-party action, schedules off the hour, and the same
// default on both sides of an input passed through.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { REPO_ROOT } from '../../kit/fixtures.js'
import {
  isObj,
  jobs,
  ourActionName,
  ourWorkflowPath,
  OUR_REF,
  OUR_REPO,
  parseWorkflow,
  steps,
  trailingComment,
  where,
  type Json,
  type Workflow
} from './load.js'
import type { Finding } from './rules.js'

const OUR_USES = new RegExp(
  `^${OUR_REPO.replace(/[./]/g, (c) => `\\${c}`)}/(actions/[a-z-]+|\\.github/workflows/[a-z-]+\\.yml)@${OUR_REF}$`
)

/** Every `uses:` of a job or step, with where it is. */
function allUses(wf: Workflow): { uses: string; at: (string | number)[] }[] {
  const out: { uses: string; at: (string | number)[] }[] = []
  for (const [id, job] of jobs(wf)) {
    if (typeof job.uses === 'string') out.push({ uses: job.uses, at: ['jobs', id, 'uses'] })
    steps(job).forEach((s, i) => {
      if (typeof s.uses === 'string')
        out.push({ uses: s.uses, at: ['jobs', id, 'steps', i, 'uses'] })
    })
  }
  return out
}

/** Anything naming contribs-actions must be exactly `<OUR_REPO>/<actions/x | .github/workflows/x.yml>@<OUR_REF>`. */
export function ourReferences(wf: Workflow): Finding[] {
  return allUses(wf)
    .filter((u) => u.uses.includes('contribs-actions') && !OUR_USES.test(u.uses))
    .map(
      (u) =>
        `${where(wf, u.at)}: ${u.uses} is not ${OUR_REPO}/<actions/NAME | .github/workflows/NAME.yml>@${OUR_REF}`
    )
}

/** An action pinned to two different shas (or comments) in two places: one of them is stale. */
export function pinConsistency(wfs: Workflow[]): Finding[] {
  const pins = new Map<string, Map<string, string>>()
  for (const wf of wfs)
    for (const u of allUses(wf)) {
      const m = /^([^@]+)@([0-9a-f]{40})$/.exec(u.uses)
      if (!m) continue
      const pin = `${m[2]} # ${trailingComment(wf, u.at).replace(/^#?\s*/, '')}`
      const seen = pins.get(m[1]) ?? new Map<string, string>()
      if (!seen.has(pin)) seen.set(pin, where(wf, u.at))
      pins.set(m[1], seen)
    }
  return [...pins]
    .filter(([, seen]) => seen.size > 1)
    .map(
      ([action, seen]) =>
        `${action} is pinned differently: ${[...seen].map(([p, w]) => `${p} (${w})`).join(' vs ')}`
    )
}

/** Scheduled runs at minute 0 (or every minute) are the ones GitHub delays and drops. */
export function offHourSchedules(wf: Workflow): Finding[] {
  const on = wf.data.on
  const schedule = isObj(on) && Array.isArray(on.schedule) ? on.schedule : []
  return schedule.flatMap((s, i) => {
    const minute = String(isObj(s) ? s.cron : '')
      .trim()
      .split(/\s+/)[0]
    return /^([1-9]|[1-5]\d)$/.test(minute)
      ? []
      : [
          `${where(wf, ['on', 'schedule', i])}: cron minute ${JSON.stringify(minute)}: pick one minute off the hour (1-59)`
        ]
  })
}

/** An action's input defaults, from its action.yml; undefined when the action has none yet. */
export function actionDefaults(name: string, root = REPO_ROOT): Record<string, Json> | undefined {
  const file = path.join(root, 'actions', name, 'action.yml')
  if (!existsSync(file)) return undefined
  const doc = parseWorkflow(file, readFileSync(file, 'utf8')).data
  const inputs = isObj(doc.inputs) ? doc.inputs : {}
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [k, isObj(v) ? (v.default ?? null) : null])
  )
}

function inputDefaults(wf: Workflow): Record<string, Json> {
  const on = wf.data.on
  const call = isObj(on) && isObj(on.workflow_call) ? on.workflow_call : undefined
  const inputs = isObj(call?.inputs) ? call.inputs : {}
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [k, isObj(v) ? (v.default ?? null) : null])
  )
}

/**
 * Where a reusable workflow passes its input `k` on as `k: ${{ inputs.k }}` (to a workflow it
 * calls, or to one of our actions), both defaults must agree: otherwise calling the inner piece
 * directly and through the outer one behave differently. `intended` lists deliberate differences.
 */
export function forwardedDefaults(
  wf: Workflow,
  resolve: (file: string) => Workflow | undefined,
  defaultsOf: (action: string) => Record<string, Json> | undefined = actionDefaults,
  intended: string[] = []
): { compared: number; findings: Finding[] } {
  const mine = inputDefaults(wf)
  let compared = 0
  const findings: Finding[] = []
  const visit = (
    withs: Json | undefined,
    at: (string | number)[],
    target: string,
    theirs: Record<string, Json>
  ) => {
    for (const [k, v] of Object.entries(isObj(withs) ? withs : {})) {
      if (v !== `\${{ inputs.${k} }}` || intended.includes(k)) continue
      const a = mine[k]
      const b = theirs[k]
      if (a === undefined || a === null || b === undefined || b === null) continue
      if (typeof b === 'string' && b.includes('${{')) continue
      compared++
      if (String(a) !== String(b))
        findings.push(
          `${where(wf, [...at, k])}: passes its default ${k}=${JSON.stringify(a)} to ${target}, whose default is ${JSON.stringify(b)}`
        )
    }
  }
  for (const [id, job] of jobs(wf)) {
    const file = typeof job.uses === 'string' ? ourWorkflowPath(job.uses) : undefined
    const called = file ? resolve(file) : undefined
    if (called) visit(job.with, ['jobs', id, 'with'], file!, inputDefaults(called))
    steps(job).forEach((s, i) => {
      const name = typeof s.uses === 'string' ? ourActionName(s.uses) : undefined
      const theirs = name ? defaultsOf(name) : undefined
      if (theirs) visit(s.with, ['jobs', id, 'steps', i, 'with'], `actions/${name}`, theirs)
    })
  }
  return { compared, findings }
}
