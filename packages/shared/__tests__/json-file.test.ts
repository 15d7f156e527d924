import { parseRepoJson, UserError } from '../src/index.js'

const where = (text: string) => {
  try {
    parseRepoJson(text, 'x.json')
  } catch (e) {
    if (!(e instanceof UserError)) throw e
    return [e.line, e.column, e.message]
  }
  return 'parsed'
}

test.each([
  ['{"a": [1,\n]}', 2, 1, 'unexpected "]"'],
  ['{"a": 1,}', 1, 9, 'unexpected "}"'],
  ['{"a" 1}', 1, 6, 'unexpected "1"'],
  ['{\n  "a": [1, 2', 2, 13, 'the file ends too early'],
  ['{"a": "x\ny"}', 1, 9, 'unexpected "\\n"'],
  ['{"a": "\\q"}', 1, 8, 'unexpected "\\\\"'],
  ['{} x', 1, 4, 'unexpected "x"'],
  ['', 1, 1, 'the file ends too early'],
  ['\uFEFF{}', 1, 1, 'unexpected "\uFEFF"']
])('%j: line %i, column %i', (text, line, column, what) => {
  expect(where(text)).toEqual([
    line,
    column,
    `invalid JSON at line ${line}, column ${column}: ${what}`
  ])
})

test('valid JSON is parsed, whatever it holds', () => {
  expect(parseRepoJson('{"a": [1, -2.5e3, true, null, "\\u00e9"]}', 'x.json')).toEqual({
    a: [1, -2500, true, null, 'é']
  })
})

test('nesting too deep to walk still names the file', () => {
  expect(() => parseRepoJson('['.repeat(200_000), 'x.json')).toThrow(
    expect.objectContaining({ file: 'x.json' })
  )
})
