// Workflow files as the checks see them: the parsed value (what GitHub runs) plus the YAML
// document (line numbers and comments, so a finding points at the line to fix).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml'
import { escapeRegExp } from '@contribs-actions/shared'
import { REPO_ROOT } from '../../kit/fixtures.js'

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
export type Obj = { [key: string]: Json }

export interface Workflow {
  /** Repository-relative path, or a fixture's name. */
  file: string
  text: string
  data: Obj
  doc: Document
  lines: LineCounter
}

/** Where our own actions and reusable workflows are published. A fork changes this one prefix
 *  (and the same string in every workflow; the contract test keeps them in step). */
export const OUR_REPO = 'generative-computing/contribs-actions'
export const OUR_REF = 'v1'

export const WORKFLOW_DIRS = ['.github/workflows', 'examples/consumer-workflows']

export function parseWorkflow(file: string, text: string): Workflow {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true })
  if (doc.errors.length) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`)
  const data = doc.toJS({ maxAliasCount: -1 }) as unknown
  if (!isObj(data)) throw new Error(`${file}: not a mapping at the top`)
  return { file, text, data, doc, lines }
}

export function loadWorkflows(dirs: string[] = WORKFLOW_DIRS): Workflow[] {
  const out: Workflow[] = []
  for (const dir of dirs) {
    const abs = path.join(REPO_ROOT, dir)
    if (!existsSync(abs)) continue
    for (const f of readdirSync(abs).sort()) {
      if (!/\.ya?ml$/.test(f)) continue
      const rel = path.posix.join(dir, f)
      out.push(parseWorkflow(rel, readFileSync(path.join(abs, f), 'utf8')))
    }
  }
  return out
}

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `file:line` of the key (or list item) at `at`, or of the nearest parent that exists. */
export function where(wf: Workflow, at: (string | number)[]): string {
  for (let n = at.length; n > 0; n--) {
    const parent = wf.doc.getIn(at.slice(0, n - 1), true)
    const key = at[n - 1]
    let node: unknown
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key)
      node = pair?.key
    } else if (isSeq(parent) && typeof key === 'number') node = parent.items[key]
    if (isNode(node) && node.range) return `${wf.file}:${wf.lines.linePos(node.range[0]).line}`
  }
  return wf.file
}

/** The comment on the same line as the node at `at` (`# v5.0.0` after a `uses:` value). */
export function trailingComment(wf: Workflow, at: (string | number)[]): string {
  const node = wf.doc.getIn(at, true)
  return isNode(node) && typeof node.comment === 'string' ? node.comment.trim() : ''
}

export function jobs(wf: Workflow): [string, Obj][] {
  const j = wf.data.jobs
  return isObj(j) ? Object.entries(j).filter((e): e is [string, Obj] => isObj(e[1])) : []
}

export function steps(job: Obj): Obj[] {
  return Array.isArray(job.steps) ? job.steps.filter(isObj) : []
}

/** The `on:` triggers as a set of event names. */
export function triggers(wf: Workflow): Set<string> {
  const on = wf.data.on
  if (typeof on === 'string') return new Set([on])
  if (Array.isArray(on)) return new Set(on.filter((x): x is string => typeof x === 'string'))
  return new Set(isObj(on) ? Object.keys(on) : [])
}

export function isReusable(wf: Workflow): boolean {
  return triggers(wf).has('workflow_call')
}

/** A `uses:` that names one of our reusable workflows, resolved to its file in this repository:
 *  `./.github/workflows/x.yml`, or `<OUR_REPO>/.github/workflows/x.yml@<ref>` from a consumer. */
export function ourWorkflowPath(uses: string): string | undefined {
  const local = /^\.\/(\.github\/workflows\/[^@/]+\.ya?ml)$/.exec(uses)
  if (local) return local[1]
  const remote = new RegExp(
    `^${escapeRegExp(OUR_REPO)}/(\\.github/workflows/[^@/]+\\.ya?ml)@`
  ).exec(uses)
  return remote?.[1]
}

/** The action name when `uses:` names one of our actions (`<OUR_REPO>/actions/<name>@<ref>`). */
export function ourActionName(uses: string): string | undefined {
  return new RegExp(`^${escapeRegExp(OUR_REPO)}/actions/([^@/]+)@`).exec(uses)?.[1]
}

/** Every string inside a value (expressions can sit anywhere: `if`, `with`, `env`, matrix). */
export function strings(json: Json | undefined): string[] {
  if (typeof json === 'string') return [json]
  if (Array.isArray(json)) return json.flatMap(strings)
  if (isObj(json)) return Object.values(json).flatMap(strings)
  return []
}
