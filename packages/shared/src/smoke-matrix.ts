import { UserError } from './errors.js'
import { parseRepoJson } from './json-file.js'
import { findJsonList } from './json-list-edit.js'
import { lineAt } from './text.js'

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
  const shaped = Array.isArray((data as { subpackages?: unknown } | null)?.subpackages)
  // Where the list and each item are, found by walking the document (a name that is also a key
  // elsewhere is still found at its own place).
  const list = shaped ? findJsonList(text, 'subpackages', file) : undefined
  const listLine = list && lineAt(text, list.span.start)
  if (!list || !list.items.every((item) => typeof item.value === 'string'))
    throw new UserError(SMOKE_MATRIX_SHAPE, { file, line: listLine ?? 1 })
  return {
    file,
    entries: list.items.map((item) => ({
      package: (item.value as string).replace(/\/+$/, ''),
      line: lineAt(text, item.start)
    })),
    listLine
  }
}
