import { parseSmokeMatrix, SMOKE_MATRIX_SHAPE } from '../src/smoke-matrix.js'

const FILE = '.github/smoke-matrix.json'

test('each entry is found on its own line, even when its name is also a key above it', () => {
  const text = '{\n  "dspy": "a note",\n  "subpackages": [\n    "crewai/",\n    "dspy"\n  ]\n}\n'
  expect(parseSmokeMatrix(text, FILE)).toEqual({
    file: FILE,
    entries: [
      { package: 'crewai', line: 4 },
      { package: 'dspy', line: 5 }
    ],
    listLine: 3
  })
})

test('a file of another shape is one error naming the file and the line', () => {
  expect(() => parseSmokeMatrix('{\n  "subpackages": "dspy"\n}\n', FILE)).toThrow(
    SMOKE_MATRIX_SHAPE
  )
  expect(() => parseSmokeMatrix('{\n  "subpackages": [1]\n}\n', FILE)).toThrow(
    expect.objectContaining({ file: FILE, line: 2 })
  )
  expect(() => parseSmokeMatrix('["dspy"]', FILE)).toThrow(
    expect.objectContaining({ file: FILE, line: 1 })
  )
})
