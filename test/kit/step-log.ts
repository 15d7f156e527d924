// A step's log as the runner reads it from stdout: plain lines, `::group::`/`::endgroup::`,
// `::debug::` and the other workflow commands. Shared by the bundle tests of every action.
import { expect } from '@jest/globals'
import type { BundleRunResult } from '@contribs-actions/cli'

/** The lines a step wrote, in order. */
export function stepLines(stdout: string): string[] {
  return stdout.split(/\r?\n/).filter((l, i, all) => l !== '' || i < all.length - 1)
}

/**
 * The titles of the step's groups, in order. Throws, naming the line, when a group opens while
 * another is open, an `::endgroup::` has no group, or a group is never closed: the runner would
 * fold the rest of the log (an error line included) into it.
 */
export function groupTitles(stdout: string): string[] {
  const titles: string[] = []
  let open: { title: string; line: number } | undefined
  stepLines(stdout).forEach((line, i) => {
    const group = /^::group::(.*)$/.exec(line)
    if (group) {
      if (open) throw new Error(`line ${i + 1} opens "${group[1]}" inside "${open.title}"`)
      open = { title: group[1], line: i + 1 }
      titles.push(group[1])
    } else if (line === '::endgroup::') {
      if (!open) throw new Error(`line ${i + 1}: ::endgroup:: with no group open`)
      open = undefined
    }
  })
  if (open) throw new Error(`group "${open.title}" (line ${open.line}) is never closed`)
  return titles
}

/**
 * The environment of a step with debug logging on: the runner sets RUNNER_DEBUG=1 then, and the
 * bundles write their debug lines only when it does (the runner drops them otherwise).
 */
export const DEBUG_LOGGING = { RUNNER_DEBUG: '1' }

/** The messages of the `::debug::` lines. */
export function debugLines(stdout: string): string[] {
  return stepLines(stdout).flatMap((l) => (l.startsWith('::debug::') ? [l.slice(9)] : []))
}

/** Where a run wrote: its log and its error stream. */
interface RunOutput {
  stdout: string
  stderr: string
}

/** A JavaScript stack frame (`    at fn (file.js:12:34)`) anywhere the run wrote: never for a user. */
export function expectNoStackTrace(output: RunOutput): void {
  expect(`${output.stdout}\n${output.stderr}`).not.toMatch(/\n\s+at .*:\d+:\d+/)
}

/**
 * The run failed on one file: exit status 1, one error annotation on `file` saying `message`
 * (after `<file>: `), and no stack trace anywhere.
 */
export function expectOneFileError(result: BundleRunResult, file: string, message: string): void {
  expect(result.exitCode).toBe(1)
  expect(result.annotations).toEqual([
    expect.objectContaining({ level: 'error', file, message: `${file}: ${message}` })
  ])
  expectNoStackTrace(result)
}
