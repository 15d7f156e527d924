// Evaluates workflow expressions (`if:`, `${{ }}` values) with GitHub's own expression engine
// (@actions/expressions, the library behind @actions/workflow-parser), so a test can ask what a
// job's `if:` or matrix really becomes for given job outputs.
import { data, Evaluator, Lexer, Parser } from '@actions/expressions'
import type { FunctionDefinition } from '@actions/expressions/funcs/info'

export interface JobStatus {
  /** What success(), failure() and cancelled() answer (always() is always true). */
  status: 'success' | 'failure' | 'cancelled'
}

const CONTEXTS = [
  'github',
  'inputs',
  'needs',
  'steps',
  'matrix',
  'env',
  'vars',
  'secrets',
  'jobs',
  'strategy',
  'runner'
]

function statusFunctions(jobStatus: JobStatus): FunctionDefinition[] {
  const fn = (name: string, value: boolean): FunctionDefinition => ({
    name,
    minArgs: 0,
    maxArgs: 0,
    call: () => new data.BooleanData(value)
  })
  return [
    fn('always', true),
    fn('success', jobStatus.status === 'success'),
    fn('failure', jobStatus.status === 'failure'),
    fn('cancelled', jobStatus.status === 'cancelled')
  ]
}

function evalOne(expr: string, context: object, status: JobStatus): unknown {
  const lexed = new Lexer(expr).lex()
  const funcs = statusFunctions(status)
  const ast = new Parser(lexed.tokens, CONTEXTS, funcs).parse()
  const ctx = JSON.parse(JSON.stringify(context), data.reviver) as data.Dictionary
  const result = new Evaluator(
    ast,
    ctx,
    new Map(funcs.map((f) => [f.name.toLowerCase(), f]))
  ).evaluate()
  return JSON.parse(JSON.stringify(result, data.replacer) ?? 'null') as unknown
}

/**
 * A workflow value as the runner sees it: `${{ x }}` alone evaluates to x's value (an array
 * stays an array); text with `${{ }}` inside becomes a string; `if:` values without the braces
 * are expressions themselves (pass `isIf`).
 */
export function evaluate(
  value: string,
  context: object,
  opts: { isIf?: boolean } & Partial<JobStatus> = {}
): unknown {
  const s: JobStatus = { status: opts.status ?? 'success' }
  const whole = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(value)
  if (whole && !whole[1].includes('}}')) return evalOne(whole[1], context, s)
  if (!value.includes('${{')) return opts.isIf ? evalOne(value, context, s) : value
  return value.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, e: string) => {
    const v = evalOne(e, context, s)
    return v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)
  })
}

/** GitHub's truthiness for an `if:` result. */
export function truthy(value: unknown): boolean {
  return !(value === null || value === false || value === 0 || value === '' || Number.isNaN(value))
}

/** A job's `if:` (absent means success()). */
export function jobRuns(
  ifValue: unknown,
  context: object,
  status: JobStatus['status'] = 'success'
): boolean {
  if (ifValue === undefined) return status === 'success'
  if (typeof ifValue === 'boolean') return ifValue
  return truthy(evaluate(String(ifValue), context, { isIf: true, status }))
}
