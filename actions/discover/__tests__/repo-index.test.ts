// The package index reads every pyproject.toml into one growing buffer (FileArena); each file's
// bytes must be exactly what readFileSync gives, however the files fall across its growth, and
// it reads with the shared reader's checks (links out of the checkout, size, UTF-8).
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { MAX_REPO_FILE_BYTES, UnreadableFileError } from '@contribs-actions/shared'
import { cleanupTempDirs, tempDir } from '../../../test/kit/fixtures.js'
import { FileArena, indexRepo } from '../src/repo-index.js'

afterAll(cleanupTempDirs)

test('file bytes as readFileSync reads them, across buffer growth; missing files are absent', () => {
  const dir = tempDir()
  // Up to the shared reader's limit, so the arena's first buffer (1 MiB) has to grow.
  const sizes = [0, 1, 70_000, 5, 1_000_000, 65_536, 3, MAX_REPO_FILE_BYTES, 10]
  const files = sizes.map((size, i) => {
    const file = `f${i}`
    // Printable ASCII: the arena refuses text that is not UTF-8.
    const bytes = Array.from({ length: size }, (_, j) => 32 + ((i * 7 + j * 13) % 95))
    writeFileSync(path.join(dir, file), Buffer.from(bytes))
    return file
  })
  const arena = new FileArena()
  const views = files.map((f) => arena.read(dir, f))
  expect(arena.read(dir, 'missing')).toBeUndefined()
  expect(arena.read(dir, 'f1/under-a-file')).toBeUndefined()
  const after = arena.read(dir, files[3])
  files.forEach((f, i) => expect(views[i]!.equals(readFileSync(path.join(dir, f)))).toBe(true))
  expect(after!.equals(readFileSync(path.join(dir, files[3])))).toBe(true)
  // Each view's latin1 text, cut from one decoding of its buffer, is the view's own decoding.
  for (const v of [...views, after]) expect(arena.latin1(v!)).toBe(v!.toString('latin1'))
})

test("the arena reads with the shared reader's checks, and a refusal leaves it as it was", () => {
  const dir = tempDir()
  writeFileSync(path.join(dir, 'ok'), 'first')
  writeFileSync(path.join(dir, 'latin1'), Buffer.from('caf\u00e9', 'latin1'))
  writeFileSync(path.join(dir, 'after'), 'second')
  mkdirSync(path.join(dir, 'folder'))
  symlinkSync('/dev/zero', path.join(dir, 'zero'))
  const arena = new FileArena()
  const first = arena.read(dir, 'ok')!
  const reasons = ['folder', 'zero', 'latin1'].map((f) => {
    try {
      arena.read(dir, f)
    } catch (e) {
      return (e as UnreadableFileError).reason
    }
    return 'read'
  })
  expect(reasons).toEqual(['not-a-file', 'outside', 'not-utf8'])
  const second = arena.read(dir, 'after')!
  expect([arena.latin1(first), arena.latin1(second)]).toEqual(['first', 'second'])
})

test('the index keeps each package text intact, multi-byte characters included', async () => {
  const dir = tempDir()
  const texts = new Map<string, string>()
  for (let i = 0; i < 40; i++) {
    const name = `pkg-${i}`
    const text = `[project]\nname = "p-${i}"\ndescription = "${'ü✓'.repeat(i * 500)}"\n\n[tool.mellea-contribs.ci]\ntimeout_minutes = ${i + 1}\n`
    mkdirSync(path.join(dir, name))
    writeFileSync(path.join(dir, name, 'pyproject.toml'), text)
    texts.set(name, text)
  }
  const index = await indexRepo(dir)
  expect(index.dirs).toEqual([...texts.keys()].sort())
  for (const [name, text] of texts) {
    expect(index.text(name)).toBe(text)
    expect(index.ciData(name)).toEqual({
      tool: { 'mellea-contribs': { ci: { timeout_minutes: Number(name.slice(4)) + 1 } } }
    })
  }
})
