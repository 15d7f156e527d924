import type { Finding } from './findings.js'
import type { TomlLines, TomlTable } from './toml.js'

/** The type of one settings key. Used for the root settings table and the per-package CI table. */
export type FieldSpec =
  | { type: 'bool' }
  | { type: 'int'; min?: number; max?: number }
  /** `valid` judges what a pattern cannot (a PEP 440 version); `hint` then says what it wants. */
  | { type: 'string'; pattern?: RegExp; valid?: (v: string) => boolean; hint?: string }
  /** `distinct`: no item twice. */
  | {
      type: 'string[]'
      nonEmpty?: boolean
      distinct?: boolean
      itemPattern?: RegExp
      hint?: string
    }
  /** `increasing`: each item greater than the one before (no repeats, in order). */
  | { type: 'int[]'; nonEmpty?: boolean; min?: number; max?: number; increasing?: boolean }
  /** A switch that may instead name something (`codeowners = true` or a path); `pattern` is for the string. */
  | { type: 'bool-or-string'; pattern?: RegExp; hint: string }
  /** Command-line arguments: one string (split like a shell would) or a list of strings. */
  | { type: 'args' }

export type FieldValue = boolean | number | string | string[] | number[]

export interface FieldSource {
  file: string
  lines: TomlLines
  /** The table's path, e.g. ['tool', 'mellea-contribs', 'ci']. */
  table: string[]
}

function describe(spec: FieldSpec): string {
  switch (spec.type) {
    case 'bool':
      return 'true or false'
    case 'int':
      return spec.min !== undefined && spec.max !== undefined
        ? `an integer from ${spec.min} to ${spec.max}`
        : spec.min !== undefined
          ? `an integer >= ${spec.min}`
          : 'an integer'
    case 'string':
      return spec.hint ?? 'a string'
    case 'string[]':
      return `${spec.nonEmpty ? 'a non-empty' : 'a'} list of ${spec.distinct ? 'distinct ' : ''}${spec.hint ?? 'strings'}`
    case 'int[]':
      return (
        `${spec.nonEmpty ? 'a non-empty' : 'a'} list of ` +
        `${spec.increasing ? 'strictly increasing ' : ''}integers` +
        `${spec.min !== undefined ? ` >= ${spec.min}` : ''}`
      )
    case 'args':
      return 'a string or a list of strings'
    case 'bool-or-string':
      return spec.hint
  }
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v)

/** Checks one value against its spec; returns the value or undefined when it does not fit. */
export function checkValue(spec: FieldSpec, value: unknown): FieldValue | undefined {
  switch (spec.type) {
    case 'bool':
      return typeof value === 'boolean' ? value : undefined
    case 'int':
      // smol-toml gives bigint only for integers beyond 2^53; those are out of every range we have.
      return isInt(value) &&
        (spec.min === undefined || value >= spec.min) &&
        (spec.max === undefined || value <= spec.max)
        ? value
        : undefined
    case 'string':
      return typeof value === 'string' &&
        (!spec.pattern || spec.pattern.test(value)) &&
        (!spec.valid || spec.valid(value))
        ? value
        : undefined
    case 'string[]':
      return Array.isArray(value) &&
        (!spec.nonEmpty || value.length > 0) &&
        (!spec.distinct || new Set(value).size === value.length) &&
        value.every((x) => typeof x === 'string' && (!spec.itemPattern || spec.itemPattern.test(x)))
        ? (value as string[])
        : undefined
    case 'int[]':
      return Array.isArray(value) &&
        (!spec.nonEmpty || value.length > 0) &&
        value.every(
          (x) =>
            isInt(x) &&
            (spec.min === undefined || x >= spec.min) &&
            (spec.max === undefined || x <= spec.max)
        ) &&
        (!spec.increasing || value.every((x: number, i) => i === 0 || x > (value[i - 1] as number)))
        ? (value as number[])
        : undefined
    case 'args':
      return typeof value === 'string' ||
        (Array.isArray(value) && value.every((x) => typeof x === 'string'))
        ? (value as string | string[])
        : undefined
    case 'bool-or-string':
      return typeof value === 'boolean' ||
        (typeof value === 'string' && (!spec.pattern || spec.pattern.test(value)))
        ? value
        : undefined
  }
}

/**
 * A TOML value as a message quotes it, in TOML's spelling where JSON has none: bigints, dates,
 * and `inf`, `-inf` and `nan`, which JSON would show as `null`.
 */
export function showTomlValue(value: unknown): string {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'number' && !Number.isFinite(value))
    return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf'
  if (Array.isArray(value)) return `[${value.map(showTomlValue).join(',')}]`
  return JSON.stringify(value)
}

/**
 * Reads the known keys of a table, typed. Wrong types are error findings naming file, line, key,
 * value and what would be accepted; unknown keys are listed for the caller to warn about or
 * pass through.
 */
export function readFields(
  table: TomlTable,
  specs: Record<string, FieldSpec>,
  src: FieldSource
): { values: Record<string, FieldValue>; findings: Finding[]; unknown: string[] } {
  const values: Record<string, FieldValue> = {}
  const findings: Finding[] = []
  const unknown: string[] = []
  const header = `[${src.table.join('.')}]`
  for (const [key, raw] of Object.entries(table)) {
    const spec = specs[key]
    if (!spec) {
      unknown.push(key)
      continue
    }
    const v = checkValue(spec, raw)
    if (v === undefined) {
      findings.push({
        severity: 'error',
        message: `${header} ${key} must be ${describe(spec)} (got ${showTomlValue(raw)})`,
        file: src.file,
        line: src.lines.find(src.table, key)
      })
    } else values[key] = v
  }
  return { values, findings, unknown }
}
