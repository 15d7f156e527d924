import { UserError } from './errors.js'
import { jsonStringLine, parseRepoJson } from './json-file.js'

/**
 * The smoke matrix file (`smoke_matrix_file`, `.github/smoke-matrix.json`): the packages opted
 * into the scheduled smoke run, `{"subpackages": ["dspy", ...]}`. Other keys (a `_comment`) are
 * left alone.
 */
export interface SmokeMatrix {
  file: string
  /** Each listed folder with its line in the file (when found), in file order. */
  entries: { package: string; line?: number }[]
  /** The line of the `subpackages` key, where a missing entry goes. */
  listLine?: number
}

export const SMOKE_MATRIX_SHAPE =
  'must be {"subpackages": ["<folder>", ...]}: a JSON object whose subpackages is a list of folder names'

/** Parses the file's text; a malformed file is a UserError naming the file (and line, where known). */
export function parseSmokeMatrix(text: string, file: string): SmokeMatrix {
  const data = parseRepoJson(text, file)
  const list = (data as { subpackages?: unknown } | null)?.subpackages
  const listLine = jsonStringLine(text, 'subpackages')
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string'))
    throw new UserError(SMOKE_MATRIX_SHAPE, { file, line: listLine ?? 1 })
  return {
    file,
    entries: list.map((name: string) => ({
      package: name.replace(/\/+$/, ''),
      line: jsonStringLine(text, name)
    })),
    listLine
  }
}
