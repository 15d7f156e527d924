import { EOL } from 'node:os'
import { commandLine, fileCommandKeyValue } from '../src/action/core-lite.js'

// The runner reads `name<<DELIMITER`, then lines up to the first line equal to DELIMITER.
function readBack(block: string): { name: string; value: string } {
  const lines = block.split(EOL)
  const [name, delimiter] = lines[0].split('<<')
  const end = lines.indexOf(delimiter, 1)
  return { name, value: lines.slice(1, end).join(EOL) }
}

describe('fileCommandKeyValue (GITHUB_OUTPUT blocks without the crypto module)', () => {
  test('a multi-line value reads back whole, objects as JSON', () => {
    expect(readBack(fileCommandKeyValue('summary', `a${EOL}b${EOL}`))).toEqual({
      name: 'summary',
      value: `a${EOL}b${EOL}`
    })
    expect(readBack(fileCommandKeyValue('legs', [{ p: 'x' }])).value).toBe('[{"p":"x"}]')
  })

  test('a value made of would-be delimiter lines cannot end the block early', () => {
    const hostile = ['ghadelimiter_', 'ghadelimiter_0', 'x<<ghadelimiter_1', 'ok=1'].join(EOL)
    for (let i = 0; i < 200; i++) {
      const block = fileCommandKeyValue('v', hostile)
      expect(readBack(block).value).toBe(hostile)
      expect(block.split(EOL)).toHaveLength(hostile.split(EOL).length + 2)
    }
  })

  test('every block has its own delimiter', () => {
    const delimiters = new Set(
      Array.from({ length: 1000 }, () => fileCommandKeyValue('k', 'v').split(EOL)[0])
    )
    expect(delimiters.size).toBe(1000)
  })
})

describe('commandLine (workflow commands written to fd 1 without process.stdout)', () => {
  // @actions/core's command.js is the reference: its issueCommand writes through
  // process.stdout.write, which is replaced here only to read what it would print.
  async function reference(
    command: string,
    properties: Record<string, unknown>,
    message: unknown
  ): Promise<string> {
    const { issueCommand } = await import('#actions-core/command.js')
    const write = process.stdout.write
    let printed = ''
    process.stdout.write = ((chunk: string) => {
      printed += chunk
      return true
    }) as typeof process.stdout.write
    try {
      issueCommand(command, properties, message)
    } finally {
      process.stdout.write = write
    }
    return printed
  }

  const cases: [string, Record<string, unknown>, unknown][] = [
    ['error', {}, 'plain'],
    ['warning', { title: 'VS004 pkg', file: 'a/b,c:d.toml', line: 3, col: 7 }, 'x'],
    ['error', { file: 'f', line: undefined, col: 0, title: '' }, '100% broken\r\nnext'],
    ['error', { title: undefined }, 'all properties empty'],
    ['notice', { title: 'a%b\nc' }, { json: ['value'] }],
    ['', {}, null],
    ['set-output', { name: 'legs' }, '::stop-commands::x']
  ]
  test.each(cases)('%s %j matches command.js', async (command, properties, message) => {
    expect(commandLine(command, properties, message) + EOL).toBe(
      await reference(command, properties, message)
    )
  })
})
