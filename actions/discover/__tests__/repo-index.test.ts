// The package index reads every pyproject.toml into one growing buffer (FileArena); each file's
// bytes must be exactly what readFileSync gives, however the files fall across its growth.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { cleanupTempDirs, tempDir } from '../../../test/kit/fixtures.js'
import { FileArena, indexRepo } from '../src/repo-index.js'

afterAll(cleanupTempDirs)

test('file bytes as readFileSync reads them, across buffer growth; missing files and folders are absent', () => {
  const dir = tempDir()
  const sizes = [0, 1, 70_000, 5, 1_500_000, 65_536, 3, 2_100_000, 10]
  const files = sizes.map((size, i) => {
    const file = path.join(dir, `f${i}`)
    writeFileSync(file, Buffer.from(Array.from({ length: size }, (_, j) => (i * 7 + j * 13) % 256)))
    return file
  })
  mkdirSync(path.join(dir, 'folder'))
  const arena = new FileArena()
  const views = files.map((f) => arena.read(f))
  expect(arena.read(path.join(dir, 'missing'))).toBeUndefined()
  expect(arena.read(path.join(dir, 'f1', 'under-a-file'))).toBeUndefined()
  expect(arena.read(path.join(dir, 'folder'))).toBeUndefined()
  const after = arena.read(files[3])
  files.forEach((f, i) => expect(views[i]!.equals(readFileSync(f))).toBe(true))
  expect(after!.equals(readFileSync(files[3]))).toBe(true)
  // Each view's latin1 text, cut from one decoding of its buffer, is the view's own decoding.
  for (const v of [...views, after]) expect(arena.latin1(v!)).toBe(v!.toString('latin1'))
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
