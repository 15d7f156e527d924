import path from 'node:path'
import { UserError } from '../errors.js'
import { validVersion } from '../pep440.js'
import type { Settings } from '../settings.js'

/**
 * Typed access to action inputs. Built over a plain `(name) => string` function (core.getInput
 * in run(), a Map in tests), so input parsing is tested without the runner. Empty means unset,
 * as with `core.getInput`.
 */
export class Inputs {
  constructor(private readonly get: (name: string) => string) {}

  private raw(name: string): string | undefined {
    const v = this.get(name).trim()
    return v === '' ? undefined : v
  }

  string(name: string): string | undefined {
    return this.raw(name)
  }

  required(name: string): string {
    const v = this.raw(name)
    if (v === undefined) throw new UserError(`input \`${name}\` is required`)
    return v
  }

  /** YAML 1.2 core-schema booleans, as GitHub documents for inputs. */
  bool(name: string, fallback: boolean): boolean {
    const v = this.raw(name)
    if (v === undefined) return fallback
    if (['true', 'True', 'TRUE'].includes(v)) return true
    if (['false', 'False', 'FALSE'].includes(v)) return false
    throw new UserError(`input \`${name}\` must be true or false (got ${JSON.stringify(v)})`)
  }

  int(name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const v = this.raw(name)
    if (v === undefined) return fallback
    const n = Number(v)
    const okMin = range.min === undefined || n >= range.min
    const okMax = range.max === undefined || n <= range.max
    if (!/^-?\d+$/.test(v) || !okMin || !okMax) {
      const span = [
        range.min !== undefined ? `>= ${range.min}` : '',
        range.max !== undefined ? `<= ${range.max}` : ''
      ]
        .filter(Boolean)
        .join(' and ')
      throw new UserError(
        `input \`${name}\` must be an integer${span ? ` ${span}` : ''} (got ${JSON.stringify(v)})`
      )
    }
    return n
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const v = this.raw(name)
    if (v === undefined) return fallback
    if (!(allowed as readonly string[]).includes(v)) {
      throw new UserError(
        `input \`${name}\` must be one of ${allowed.join(', ')} (got ${JSON.stringify(v)})`
      )
    }
    return v as T
  }

  /** A PEP 440 version (`minimum-upstream-version`), as written. */
  version(name: string): string | undefined {
    const v = this.raw(name)
    if (v === undefined || validVersion(v) !== null) return v
    throw new UserError(
      `input \`${name}\` must be a PEP 440 version such as 0.6.0 (got ${JSON.stringify(v)})`
    )
  }

  json(name: string): unknown {
    const v = this.raw(name)
    if (v === undefined) return undefined
    try {
      return JSON.parse(v)
    } catch (e) {
      throw new UserError(`input \`${name}\` is not valid JSON: ${(e as Error).message}`)
    }
  }

  /** A list given as JSON array or as comma/newline separated words. */
  list(name: string): string[] | undefined {
    const v = this.raw(name)
    if (v === undefined) return undefined
    if (v.startsWith('[')) {
      const parsed = this.json(name)
      if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) {
        throw new UserError(`input \`${name}\` must be a JSON array of strings (got ${v})`)
      }
      return parsed
    }
    return v
      .split(/[\n,]/)
      .map((s) => s.trim())
      .filter(Boolean)
  }
}

/** The inputs every action that reads the repository takes, and how it reads its settings. */
export interface RepositoryInputs {
  /** `path`, resolved against the workspace. */
  root: string
  /** `settings-table`, when given. */
  table?: string
  /**
   * Settings given as inputs, over the root table's: where the packages are (`package-globs`),
   * so a repository without a root pyproject.toml can say it. An action adds its own.
   */
  overrides: Partial<Settings>
}

export function repositoryInputs(inputs: Inputs, workspace: string): RepositoryInputs {
  const globs = inputs.list('package-globs')
  return {
    root: path.resolve(workspace, inputs.string('path') ?? '.'),
    table: inputs.string('settings-table'),
    overrides: globs === undefined ? {} : { package_globs: globs }
  }
}
