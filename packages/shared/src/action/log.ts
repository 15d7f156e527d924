import { Finding, formatFinding } from '../findings.js'
import { plural } from '../text.js'
import { commandLine } from './core-lite.js'

/**
 * The step log. Every line is written the moment it is produced (runAction writes to fd 1
 * synchronously), so a run that crashes still shows everything it logged before the crash.
 *
 * Where decisions come from: planning code stays pure and returns its reasons as data (plain
 * strings on the plan it already returns: discover's `Why`, a bump entry's `why`, a smoke
 * transition's `why`, a sweep entry's `reasons`), and the code around it logs them. That is
 * simpler than handing a logger to the plans: they remain functions of their input, compared as
 * values in tests, and a reason is a string the plan builds from what it already holds. A Logger
 * is passed only to code that does I/O anyway (run(), bump-versions' apply, smoke-reporter's
 * write paths, archival-sweep's apply), so it can log each write as it happens.
 */
export interface Logger {
  info(line: string): void
  /**
   * `::debug::` lines, for why the action decided what it did. The runner shows them only when
   * debug logging is on (ACTIONS_STEP_DEBUG, or "re-run with debug logging") and drops them
   * otherwise, so the step logger writes them only then (see createLogger). A list is written at
   * once: one reason per package on a 5,000-package change is one write, not 5,000. Pass a
   * function when building the lines costs something: it is called only when they are written.
   */
  debug(lines: DebugLines | (() => DebugLines)): void
  /**
   * Runs `body` inside a collapsible `::group::` and closes the group however `body` ends, so an
   * error's `::error::` line is never folded away. The runner does not nest groups: a group
   * opened inside another becomes a plain title line within the outer one. Only for sequential
   * work: lines of concurrent tasks would land in whichever group is open.
   */
  withGroup<T>(title: string, body: () => Promise<T> | T): Promise<T>
  /**
   * Asks the runner to mask `secret` in every later line of the log (`::add-mask::`, as
   * `core.setSecret` does): a token passed in an input is masked by the runner only when it
   * came straight from `secrets`.
   */
  mask(secret: string): void
}

export type DebugLines = string | readonly string[]

/** A Logger that also closes a group left open by an error that escaped every withGroup. */
export interface StepLogger extends Logger {
  closeGroup(): void
}

/**
 * The one Logger: it hands `write` the log's text, one or more lines per call (joined by `\n`, no
 * trailing newline), workflow commands included. runAction gives it the synchronous stdout
 * writer and `debug` from the runner's debug switch (isDebug); in-process tests collect every
 * line, debug ones included.
 */
export function createLogger(
  write: (line: string) => void,
  options: { debug?: boolean } = {}
): StepLogger {
  const debugging = options.debug ?? true
  let open = false
  const closeGroup = () => {
    if (!open) return
    open = false
    write('::endgroup::')
  }
  return {
    info: (text) => write(inert(text)),
    debug: (lines) => {
      if (!debugging) return
      const given = typeof lines === 'function' ? lines() : lines
      const list = typeof given === 'string' ? [given] : given
      if (list.length) write(list.map((l) => commandLine('debug', {}, l)).join('\n'))
    },
    closeGroup,
    mask: (secret) => {
      if (secret) write(commandLine('add-mask', {}, secret))
    },
    async withGroup(title, body) {
      if (open) {
        write(inert(title))
        return body()
      }
      open = true
      write(commandLine('group', {}, title))
      try {
        return await body()
      } finally {
        closeGroup()
      }
    }
  }
}

/**
 * The text with every line that the runner would take for a workflow command (`::error::`,
 * `::stop-commands::`, the older `##[...]`) set off by a leading `>`: log lines quote file and
 * folder names from pull requests, and a name holding a line break must not start a command.
 * The runner trims leading whitespace before it looks, so a space would not do.
 */
export function inert(text: string): string {
  if (!text.includes('::') && !text.includes('##[')) return text
  // Any whitespace but a line break: the runner's trim takes Unicode spaces too.
  return text.replace(/^([^\S\r\n]*)(::|##\[)/gm, '$1> $2')
}

/**
 * One group per package with error findings, each finding on a line of its own, so a failing
 * package's problems read together in the log (the annotations carry them one by one). Findings
 * about no package go under `(repository)`.
 */
export async function logFailingPackages(
  log: Logger,
  findings: readonly Finding[],
  noun: string
): Promise<void> {
  const byPackage = new Map<string, Finding[]>()
  for (const f of findings) {
    if (f.severity !== 'error') continue
    const key = f.package || '(repository)'
    const list = byPackage.get(key)
    if (list) list.push(f)
    else byPackage.set(key, [f])
  }
  for (const [pkg, list] of byPackage)
    await log.withGroup(`${pkg}: ${plural(list.length, noun)}`, () => {
      for (const f of list) log.info(formatFinding(f))
    })
}
