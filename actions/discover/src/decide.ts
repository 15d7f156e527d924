import { listNames, plural } from '@contribs-actions/shared'
import type { DeletedPackage, Why } from './affected.js'
import type { SortedChanges } from './classify.js'
import type { RunAllVerdict } from './event-plan.js'

/** What runs and why, before archived packages are taken out. */
export interface Decision {
  /** Stable word for the rule that decided: `changed`, `docs-only`, `run-all`, `new-branch`, ... */
  code: string
  /** The `reason` output: the code, and for most rules what it saw, in words. */
  reason: string
  run: Map<string, Why>
  templateSmoke: boolean
}

export interface DecideInput {
  packages: string[]
  /** Set when the event or git made a diff impossible. */
  verdict?: RunAllVerdict
  /** Set when the PR's base branch is not the default branch. */
  stacked?: { baseRef: string; defaultBranch: string }
  changes?: SortedChanges
  deleted: DeletedPackage[]
  /** The changed packages plus their dependents (see affected.ts). */
  affected: (changed: Map<string, string[]>, deleted: DeletedPackage[]) => Map<string, Why>
}

function all(packages: string[], because: string): Map<string, Why> {
  return new Map(packages.map((p) => [p, { kind: 'all', because }]))
}

/**
 * The spec's rules in order: stacked PR -> all; no diff possible -> all; no changes -> nothing;
 * docs only -> nothing; a run-all file -> all; otherwise the changed packages and their
 * dependents (deleted packages' dependents too). Template changes set template smoke; a diff of
 * only legacy paths, only the template, or only files outside packages runs nothing and says so.
 */
export function decide(input: DecideInput): Decision {
  const { packages, changes } = input
  // Unknown changes may include the template: smoke it too.
  const templateSmoke = changes ? changes.template.length > 0 : true
  if (input.stacked) {
    const { baseRef, defaultBranch } = input.stacked
    return {
      code: 'stacked-pr',
      reason: 'stacked-pr',
      run: all(packages, `stacked PR onto ${baseRef} (not ${defaultBranch})`),
      templateSmoke
    }
  }
  if (input.verdict || !changes) {
    const v = input.verdict ?? { code: 'no-base', detail: 'there is nothing to compare with' }
    return {
      code: v.code,
      reason: `${v.code}: ${v.detail}; every subpackage runs`,
      run: all(packages, v.code),
      templateSmoke
    }
  }
  if (changes.files.length === 0)
    return { code: 'no-changes', reason: 'no-changes', run: new Map(), templateSmoke }
  if (changes.docs.length === changes.files.length)
    return { code: 'docs-only', reason: 'docs-only', run: new Map(), templateSmoke }
  if (changes.runAll)
    return {
      code: 'run-all',
      reason: `run-all:${changes.runAll.file}`,
      run: all(packages, `run-all: ${changes.runAll.file}`),
      templateSmoke
    }

  const run = input.affected(changes.byPackage, input.deleted)
  if (run.size === 0 && input.deleted.length === 0) {
    const nonDocs = changes.files.length - changes.docs.length
    if (changes.legacy.length === nonDocs)
      return { code: 'legacy-only', reason: 'legacy-only', run, templateSmoke }
    if (changes.template.length === nonDocs)
      return {
        code: 'template-only',
        reason: 'template-only: only the template changed; the template smoke runs',
        run,
        templateSmoke
      }
    const outside = [...changes.other, ...[...changes.gone.values()].flat()].sort()
    return {
      code: 'outside-packages',
      reason: `outside-packages: no subpackage changed (${listNames(outside, 3)})`,
      run,
      templateSmoke
    }
  }
  // One pass over what runs (all 5,000 packages, on a big change): the changed ones in order,
  // and how many run for each reason.
  const changed: string[] = []
  const counts = new Map<Why['kind'], number>()
  for (const [p, w] of run) {
    if (w.kind === 'changed') changed.push(p)
    counts.set(w.kind, (counts.get(w.kind) ?? 0) + 1)
  }
  const count = (kind: Why['kind']) => counts.get(kind) ?? 0
  const parts: string[] = []
  if (changed.length) {
    const dependents = count('dependent')
    parts.push(
      `changed: ${listNames(changed)}${dependents ? ` (+${plural(dependents, 'dependent')})` : ''}`
    )
  }
  if (input.deleted.length) {
    const dependents = count('deleted-dependent')
    parts.push(
      `deleted: ${listNames(input.deleted.map((d) => d.dir))} (+${plural(dependents, 'dependent')})`
    )
  }
  const unreadable = count('unreadable')
  if (unreadable) parts.push(`${plural(unreadable, 'package')} with an unreadable pyproject.toml`)
  return { code: 'changed', reason: parts.join('; '), run, templateSmoke }
}
