// The ```yaml blocks of the docs, as workflows the workflow checks read (workflow-lint.ts), so
// a reader who copies a snippet copies something that passes the rules our own files pass.
//
// Convention: a snippet is one of three shapes, told apart by its top level.
//  - A mapping with `on:` or `jobs:` is a whole workflow, checked as written: it needs what a
//    workflow file needs (triggers, top-level and per-job permissions, pinned actions, a
//    concurrency group on a job that writes shared state).
//  - Any other mapping is a `jobs:` map (one or more whole jobs), placed under `jobs:` of a
//    workflow run by workflow_dispatch with `permissions: {}`. Its jobs are checked as written.
//  - A sequence is a list of steps: the steps of one job, `snippet`, in that same workflow. The
//    job around a list of steps is not shown, so the wrapper supplies what only a job can say:
//    `permissions: {}`, a concurrency group and a matrix of unknown shape (`matrix.<key>` reads
//    anything). Everything the steps themselves say is checked.
// A snippet is checked with nothing else around it: one that reads `needs.<job>` shows that job.
// YAML that is not a workflow is fenced as something other than yaml.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml'
import type { Position, WorkflowSource } from './workflow-lint.js'

export interface Snippet {
  /** The markdown file, repository-relative. */
  file: string
  /** Line in `file` of the snippet's first line (the line after the opening fence). */
  line: number
  text: string
}

/** The markdown files whose snippets are checked: README.md, docs/**, actions/<name>/README.md. */
export function docFiles(root: string): string[] {
  const out: string[] = []
  if (existsSync(path.join(root, 'README.md'))) out.push('README.md')
  const docs = path.join(root, 'docs')
  if (existsSync(docs))
    for (const f of readdirSync(docs, { recursive: true, encoding: 'utf8' }).sort())
      if (f.endsWith('.md')) out.push(path.posix.join('docs', f.split(path.sep).join('/')))
  const actions = path.join(root, 'actions')
  if (existsSync(actions))
    for (const name of readdirSync(actions).sort())
      if (existsSync(path.join(actions, name, 'README.md'))) out.push(`actions/${name}/README.md`)
  return out
}

const OPEN = /^( {0,3})(`{3,}|~{3,})\s*ya?ml\b/
const ANY_OPEN = /^( {0,3})(`{3,}|~{3,})/

/** Every ```yaml (or ```yml) fenced block of a markdown text; other blocks are skipped whole. */
export function yamlSnippets(file: string, markdown: string): Snippet[] {
  const lines = markdown.split('\n')
  const out: Snippet[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = ANY_OPEN.exec(lines[i])
    if (!open) continue
    const [, indent, fence] = open
    const close = new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`)
    let j = i + 1
    while (j < lines.length && !close.test(lines[j])) j++
    if (OPEN.test(lines[i])) {
      // Content indented like its fence (inside a list item) loses that indentation.
      const body = lines
        .slice(i + 1, j)
        .map((l) => l.replace(new RegExp(`^ {0,${indent.length}}`), ''))
      out.push({ file, line: i + 2, text: body.join('\n') + '\n' })
    }
    i = j
  }
  return out
}

const HEADER = ['on: workflow_dispatch', 'permissions: {}', 'jobs:']
const STEPS_HEADER = [
  ...HEADER,
  '  snippet:',
  '    runs-on: ubuntu-latest',
  '    permissions: {}',
  '    concurrency: snippet',
  '    strategy:',
  '      matrix: ${{ fromJSON(vars.SNIPPET_MATRIX) }}',
  '    steps:'
]

/** A snippet as a whole workflow (see the convention above), or a finding saying why not. */
export function snippetSource(snippet: Snippet): WorkflowSource | string {
  const lines = new LineCounter()
  const doc = parseDocument(snippet.text, { lineCounter: lines })
  if (doc.errors.length) {
    const e = doc.errors[0]
    const at = e.linePos?.[0] ?? { line: 1, col: 1 }
    const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
    return `${snippet.file}:${snippet.line + at.line - 1}:${at.col}: ${message}`
  }
  const top = doc.contents
  const whole = isMap(top) && (top.has('on') || top.has('jobs'))
  const [header, indent] = whole
    ? [[], 0]
    : isSeq(top)
      ? [STEPS_HEADER, 6]
      : isMap(top)
        ? [HEADER, 2]
        : [undefined, 0]
  if (!header)
    return `${snippet.file}:${snippet.line}:1: a yaml snippet is a workflow, a jobs map or a list of steps`
  const pad = ' '.repeat(indent)
  const body = snippet.text
    .split('\n')
    .map((l) => (l.trim() === '' ? l : pad + l))
    .join('\n')
  const origin = ({ line, column }: Position): Position =>
    line <= header.length
      ? { line: snippet.line - 1, column: 1 }
      : { line: snippet.line + line - header.length - 1, column: Math.max(1, column - indent) }
  return { file: snippet.file, text: [...header, body].join('\n'), origin }
}

/** The snippets of every doc file under `root`, as workflow sources plus findings for the rest. */
export function docSources(root: string): { sources: WorkflowSource[]; findings: string[] } {
  const sources: WorkflowSource[] = []
  const findings: string[] = []
  for (const file of docFiles(root))
    for (const snippet of yamlSnippets(file, readFileSync(path.join(root, file), 'utf8'))) {
      const source = snippetSource(snippet)
      if (typeof source === 'string') findings.push(source)
      else sources.push(source)
    }
  return { sources, findings }
}
