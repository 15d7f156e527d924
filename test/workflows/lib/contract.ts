// The wiring between workflows and actions: every name a workflow uses (an action input or
// output, a called workflow's input, a job output, `needs`, `inputs.x`) exists where it points.
// GitHub's parser accepts a misspelt output name and the run then sees an empty string, so this
// is where such slips are caught.
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { REPO_ROOT } from '../../kit/fixtures.js'
import {
  isObj,
  jobs,
  ourActionName,
  ourWorkflowPath,
  OUR_REF,
  OUR_REPO,
  steps,
  strings,
  where,
  type Obj,
  type Workflow
} from './load.js'
import type { Finding } from './rules.js'

export interface ActionInterface {
  inputs: string[]
  outputs: string[]
  /** Where the names come from: the action's action.yml, or the spec's contract table. */
  source: string
}

/** The interface contract (spec overview), used for actions whose action.yml is not written
 *  yet. `settings-table` is listed where the workflows pass it. */
export const CONTRACT: Record<string, { inputs: string[]; outputs: string[] }> = {
  discover: {
    inputs: ['path', 'settings-table', 'base', 'head', 'default-branch', 'max-legs'],
    outputs: ['matrix', 'include', 'any', 'template-smoke', 'shards', 'skipped', 'reason']
  },
  'validate-structure': {
    inputs: ['path', 'settings-table'],
    outputs: ['violations', 'ok']
  },
  'read-ci-config': {
    inputs: ['path', 'settings-table', 'package', 'packages'],
    outputs: ['skip_ollama', 'timeout_minutes', 'python_versions', 'config', 'configs']
  },
  'bump-versions': {
    inputs: ['path', 'version', 'lock-command', 'token', 'dry-run'],
    outputs: ['version', 'opened', 'skipped', 'waiting', 'failed', 'done', 'plan']
  },
  'smoke-reporter': {
    inputs: ['path', 'mode', 'package', 'outcome', 'results', 'run-id', 'token', 'dry-run'],
    outputs: ['red', 'green', 'opened', 'commented', 'recovered']
  },
  'archival-sweep': {
    inputs: ['path', 'max-operations', 'token', 'dry-run'],
    outputs: ['issues']
  }
}

/** The action's own action.yml when it exists, else the contract. */
export function actionInterface(name: string, root = REPO_ROOT): ActionInterface | undefined {
  const file = path.join(root, 'actions', name, 'action.yml')
  if (existsSync(file)) {
    const doc = parse(readFileSync(file, 'utf8')) as { inputs?: Obj; outputs?: Obj }
    return {
      inputs: Object.keys(doc.inputs ?? {}),
      outputs: Object.keys(doc.outputs ?? {}),
      source: `actions/${name}/action.yml`
    }
  }
  const c = CONTRACT[name]
  return c && { ...c, source: 'the interface contract' }
}

const REF =
  /\b(needs|steps|jobs)\.([A-Za-z_][A-Za-z0-9_-]*)\.(outputs\.([A-Za-z_][A-Za-z0-9_-]*)|result|outcome|conclusion)\b/g
const INPUT_REF = /\binputs\.([A-Za-z_][A-Za-z0-9_-]*)/g

function callTarget(job: Obj, resolve: (file: string) => Workflow | undefined) {
  const file = typeof job.uses === 'string' ? ourWorkflowPath(job.uses) : undefined
  return file ? resolve(file) : undefined
}

function workflowCall(wf: Workflow): Obj | undefined {
  const on = wf.data.on
  return isObj(on) && isObj(on.workflow_call) ? on.workflow_call : undefined
}

function declared(section: Obj | undefined, key: 'inputs' | 'outputs' | 'secrets'): Obj {
  const v = section?.[key]
  return isObj(v) ? v : {}
}

/** Outputs a job offers to `needs.<job>.outputs.*`: its own map, or the called workflow's. */
function jobOutputs(job: Obj, resolve: (file: string) => Workflow | undefined): string[] {
  const called = callTarget(job, resolve)
  if (called) return Object.keys(declared(workflowCall(called), 'outputs'))
  return isObj(job.outputs) ? Object.keys(job.outputs) : []
}

type Resolve = (file: string) => Workflow | undefined

/**
 * How a workflow is wired: inputs read are declared, outputs map jobs that exist, `needs` and
 * `steps` references resolve, our actions get only inputs they declare, and calls to our reusable
 * workflows give declared inputs and secrets and every required input.
 */
export function wiring(wf: Workflow, resolve: Resolve): Finding[] {
  const allJobs = new Map(jobs(wf))
  const out = [...undeclaredInputs(wf), ...callOutputs(wf, allJobs, resolve)]
  for (const [id, job] of allJobs) {
    out.push(...jobReferences(wf, id, job, allJobs, resolve))
    out.push(...ourActionSteps(wf, id, job))
    out.push(...reusableCall(wf, id, job, resolve))
  }
  return out
}

/** `inputs.<name>` anywhere must be declared by workflow_call or workflow_dispatch. */
function undeclaredInputs(wf: Workflow): Finding[] {
  const call = workflowCall(wf)
  const on = isObj(wf.data.on) ? wf.data.on : {}
  const dispatch = isObj(on.workflow_dispatch) ? on.workflow_dispatch : undefined
  const knownInputs = new Set([
    ...Object.keys(declared(call, 'inputs')),
    ...Object.keys(declared(dispatch, 'inputs'))
  ])
  const out: Finding[] = []
  for (const s of strings(wf.data.jobs ?? null).concat(strings(wf.data.concurrency ?? null))) {
    for (const m of s.matchAll(INPUT_REF))
      if (!knownInputs.has(m[1])) out.push(`${wf.file}: inputs.${m[1]} is not a declared input`)
  }
  return out
}

/** workflow_call outputs map job outputs that exist. */
function callOutputs(wf: Workflow, allJobs: Map<string, Obj>, resolve: Resolve): Finding[] {
  const out: Finding[] = []
  for (const [name, o] of Object.entries(declared(workflowCall(wf), 'outputs'))) {
    for (const s of strings(isObj(o) ? o.value : null))
      for (const m of s.matchAll(REF)) {
        const j = allJobs.get(m[2])
        if (m[1] !== 'jobs' || !j) {
          out.push(`${where(wf, ['on', 'workflow_call', 'outputs', name])}: ${m[0]}: no such job`)
          continue
        }
        if (m[4] && !jobOutputs(j, resolve).includes(m[4]))
          out.push(
            `${where(wf, ['on', 'workflow_call', 'outputs', name])}: job ${m[2]} has no output ${m[4]}`
          )
      }
  }
  return out
}

/** A job's `needs` are jobs, and its `needs.*` and `steps.*` references resolve. */
function jobReferences(
  wf: Workflow,
  id: string,
  job: Obj,
  allJobs: Map<string, Obj>,
  resolve: Resolve
): Finding[] {
  const out: Finding[] = []
  const needs =
    typeof job.needs === 'string' ? [job.needs] : Array.isArray(job.needs) ? job.needs : []
  for (const n of needs)
    if (typeof n !== 'string' || !allJobs.has(n))
      out.push(
        `${where(wf, ['jobs', id, 'needs'])}: job ${id} needs ${String(n)}, which is not a job`
      )

  const stepIds = new Map<string, string | undefined>()
  for (const s of steps(job))
    if (typeof s.id === 'string')
      stepIds.set(s.id, typeof s.uses === 'string' ? ourActionName(s.uses) : undefined)

  const { steps: _steps, ...rest } = job
  void _steps
  const texts = strings(rest).concat(steps(job).flatMap((s) => strings(s)))
  for (const s of texts)
    for (const m of s.matchAll(REF)) {
      const [, kind, name, , output] = m
      if (kind === 'needs') {
        if (!needs.includes(name)) {
          out.push(`${where(wf, ['jobs', id])}: job ${id} reads needs.${name} without needing it`)
          continue
        }
        const target = allJobs.get(name)
        if (output && target && !jobOutputs(target, resolve).includes(output))
          out.push(
            `${where(wf, ['jobs', id])}: job ${id} reads needs.${name}.outputs.${output}, which job ${name} does not declare`
          )
      } else if (kind === 'steps') {
        if (!stepIds.has(name)) {
          out.push(
            `${where(wf, ['jobs', id])}: job ${id} reads steps.${name}, which is not a step id of the job`
          )
          continue
        }
        const action = stepIds.get(name)
        const iface = action ? actionInterface(action) : undefined
        if (output && iface && !iface.outputs.includes(output))
          out.push(
            `${where(wf, ['jobs', id])}: job ${id} reads steps.${name}.outputs.${output}, which ${action} does not set (${iface.source})`
          )
      }
    }
  return out
}

/** Our actions: a known name at our one ref, and only inputs they declare. */
function ourActionSteps(wf: Workflow, id: string, job: Obj): Finding[] {
  const out: Finding[] = []
  steps(job).forEach((s, i) => {
    if (typeof s.uses !== 'string' || !s.uses.startsWith(`${OUR_REPO}/actions/`)) return
    const at = where(wf, ['jobs', id, 'steps', i, 'uses'])
    const name = ourActionName(s.uses)
    const iface = name ? actionInterface(name) : undefined
    if (!name || !iface) {
      out.push(`${at}: ${s.uses} is not one of our actions (${Object.keys(CONTRACT).join(', ')})`)
      return
    }
    if (!s.uses.endsWith(`@${OUR_REF}`)) out.push(`${at}: ${s.uses} must be referenced @${OUR_REF}`)
    for (const k of Object.keys(isObj(s.with) ? s.with : {}))
      if (!iface.inputs.includes(k)) out.push(`${at}: ${name} has no input ${k} (${iface.source})`)
  })
  return out
}

/** A call to one of our reusable workflows: declared inputs and secrets, required ones given. */
function reusableCall(wf: Workflow, id: string, job: Obj, resolve: Resolve): Finding[] {
  if (typeof job.uses !== 'string') return []
  const file = ourWorkflowPath(job.uses)
  if (!file) return []
  const called = resolve(file)
  if (!called) return [`${where(wf, ['jobs', id, 'uses'])}: ${file} does not exist`]
  const c = workflowCall(called)
  if (!c)
    return [
      `${where(wf, ['jobs', id, 'uses'])}: ${file} is not a reusable workflow (no on.workflow_call)`
    ]
  const out: Finding[] = []
  const given = isObj(job.with) ? job.with : {}
  const inputs = declared(c, 'inputs')
  for (const k of Object.keys(given))
    if (!(k in inputs)) out.push(`${where(wf, ['jobs', id, 'with', k])}: ${file} has no input ${k}`)
  for (const [k, spec] of Object.entries(inputs))
    if (isObj(spec) && spec.required === true && !(k in given))
      out.push(
        `${where(wf, ['jobs', id])}: job ${id} does not give ${file} its required input ${k}`
      )
  if (job.secrets !== 'inherit') {
    const secrets = declared(c, 'secrets')
    for (const k of Object.keys(isObj(job.secrets) ? job.secrets : {}))
      if (!(k in secrets))
        out.push(`${where(wf, ['jobs', id, 'secrets', k])}: ${file} has no secret ${k}`)
  }
  return out
}
