import { createLogger } from '../src/action/log.js'
import { failureLine } from '../src/action/runtime.js'
import { UserError } from '../src/errors.js'

function recording() {
  const lines: string[] = []
  const writes: string[] = []
  const log = createLogger((text) => {
    writes.push(text)
    lines.push(...text.split('\n'))
  })
  return { log, lines, writes }
}

test('a group is closed when its body throws, before the error reaches the caller', async () => {
  const { log, lines } = recording()
  await expect(
    log.withGroup('dspy', async () => {
      log.info('before')
      throw new Error('boom')
    })
  ).rejects.toThrow('boom')
  log.info('after')
  expect(lines).toEqual(['::group::dspy', 'before', '::endgroup::', 'after'])
})

test('a group inside a group is a title line, since the runner does not nest groups', async () => {
  const { log, lines } = recording()
  const got = await log.withGroup('outer', () => log.withGroup('inner', () => 7))
  expect(got).toBe(7)
  expect(lines).toEqual(['::group::outer', 'inner', '::endgroup::'])
})

test('closeGroup ends a group an escaped error left open, once', async () => {
  const { log, lines } = recording()
  void log.withGroup('hangs', () => new Promise(() => undefined))
  log.closeGroup()
  log.closeGroup()
  expect(lines).toEqual(['::group::hangs', '::endgroup::'])
})

test('debug lines are escaped workflow commands, a list written at once, nothing for none', () => {
  const { log, writes } = recording()
  log.debug(['a: 100%', 'b\nc'])
  log.debug([])
  log.debug('one')
  expect(writes).toEqual(['::debug::a: 100%25\n::debug::b%0Ac', '::debug::one'])
})

test('with debug logging off, no debug line is written and a function of lines is not called', () => {
  const writes: string[] = []
  const log = createLogger((text) => writes.push(text), { debug: false })
  let built = 0
  log.debug(() => {
    built++
    return ['costly']
  })
  log.debug('plain')
  log.info('shown')
  expect(writes).toEqual(['shown'])
  expect(built).toBe(0)
  const on = recording()
  on.log.debug(() => ['built', 'lazily'])
  expect(on.writes).toEqual(['::debug::built\n::debug::lazily'])
})

test('the failure line: a user error as is; a bug without its stack unless debug logging is on', () => {
  expect(failureLine(new UserError('no subpackage "x"'), false)).toBe('no subpackage "x"')
  const bug = new TypeError('x is undefined')
  expect(failureLine(bug, false)).toBe(
    'unexpected error: TypeError: x is undefined (re-run with debug logging for the stack trace)'
  )
  expect(failureLine(bug, true)).toMatch(/^unexpected error: TypeError: x is undefined\n\s+at /)
  const request = Object.assign(new Error('Server Error'), {
    name: 'HttpError',
    status: 502,
    request: { method: 'GET', url: 'https://api.github.com/repos/a/b' },
    response: { status: 502, data: { message: 'Server Error' }, headers: {} }
  })
  expect(failureLine(request, false)).toBe(
    'GitHub call failed: GET /repos/a/b: HTTP 502 Server Error; GitHub failed, a re-run usually passes'
  )
  expect(failureLine(request, true)).toMatch(
    /^GitHub call failed: GET \/repos\/a\/b: .*\n.*\n\s+at /
  )
})

test('a logged name holding a line break starts no workflow command', async () => {
  const lines: string[] = []
  const log = createLogger((text) => lines.push(text))
  const hostile =
    'pkg\n::error title=INJECTED::pwned\r::stop-commands::x\n  ##[error]old style\n\u00a0\f::warning::spaced'
  log.info(`changed: ${hostile}`)
  await log.withGroup('outer', () => log.withGroup(`inner ${hostile}`, () => undefined))
  const written = lines.join('\n').split(/\r\n|\r|\n/)
  // What the runner would read as a command: a line starting `::` or `##[` once trimmed.
  const commands = written.filter((line) => /^(::|##\[)/.test(line.replace(/^\s+/, '')))
  expect(commands).toEqual(['::group::outer', '::endgroup::'])
  expect(written).toContain('> ::error title=INJECTED::pwned')
  expect(written).toContain('  > ##[error]old style')
})
