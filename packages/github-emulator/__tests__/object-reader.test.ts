// The emulator's long-lived git reader against a real bare repository written by git itself.
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ObjectReader, parseTree } from '../src/git/object-reader.js'

let gitDir: string
const readers: ObjectReader[] = []

const git = (args: string[], input?: string | Buffer) =>
  execFileSync('git', [`--git-dir=${gitDir}`, ...args], {
    input,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'a',
      GIT_AUTHOR_EMAIL: 'a@example.com',
      GIT_COMMITTER_NAME: 'a',
      GIT_COMMITTER_EMAIL: 'a@example.com'
    }
  })
    .toString()
    .trim()

/** Bytes no text decoding keeps: newlines, a NUL, invalid UTF-8, and no final newline. */
const BINARY = Buffer.from([0x0a, 0x00, 0xff, 0x0a, 0x31, 0x20, 0x62, 0x6c, 0x6f, 0x62])
let blob: string
let script: string
let inner: string
let commit: string

beforeAll(() => {
  gitDir = mkdtempSync(join(tmpdir(), 'object-reader-'))
  git(['init', '--quiet', '--bare'])
  blob = git(['hash-object', '-w', '--stdin'], BINARY)
  script = git(['hash-object', '-w', '--stdin'], '#!/bin/sh\n')
  inner = git(['mktree'], `100644 blob ${blob}\tdata.bin\n`)
  const root = git(
    ['mktree'],
    `040000 tree ${inner}\tpkg\n100755 blob ${script}\trun.sh\n120000 blob ${script}\tlink\n`
  )
  commit = git(['commit-tree', root, '-m', 'first'])
  git(['update-ref', 'refs/heads/main', commit])
})
afterEach(() => readers.splice(0).forEach((r) => r.close()))
afterAll(() => rmSync(gitDir, { recursive: true, force: true }))

const reader = () => {
  const r = new ObjectReader(gitDir)
  readers.push(r)
  return r
}

test('objects by id, ref, peeled name and path, the bytes exactly as stored', async () => {
  const objects = reader()
  const [byId, byRef, tree, byPath] = await Promise.all([
    objects.read(blob),
    objects.read('refs/heads/main'),
    objects.read(`${commit}^{tree}`),
    objects.read(`${commit}:pkg/data.bin`)
  ])
  expect(byId).toEqual({ sha: blob, type: 'blob', data: BINARY })
  expect([byRef?.sha, byRef?.type]).toEqual([commit, 'commit'])
  expect(byRef?.data.toString()).toContain('first')
  expect(tree?.type).toBe('tree')
  expect(byPath?.sha).toBe(blob)
})

test('a name that names nothing, or cannot be asked, is null and later questions still answer', async () => {
  const objects = reader()
  const answers = await Promise.all([
    objects.read('refs/heads/nowhere'),
    objects.read(`${commit}:missing/file`),
    objects.read('0'.repeat(40)),
    objects.read('refs/heads/main\nrefs/heads/main'),
    objects.read(''),
    objects.read(blob)
  ])
  expect(answers.slice(0, 5)).toEqual([null, null, null, null, null])
  expect(answers[5]?.data).toEqual(BINARY)
})

test('an object larger than a pipe holds arrives whole, between answers asked around it', async () => {
  const large = Buffer.alloc(3 * 1024 * 1024 + 7)
  for (let i = 0; i < large.length; i++) large[i] = (i * 31 + (i >> 9)) & 0xff
  const id = git(['hash-object', '-w', '--stdin'], large)
  const objects = reader()
  const [before, big, after] = await Promise.all([
    objects.read(blob),
    objects.read(id),
    objects.read(`${commit}:run.sh`)
  ])
  expect(before?.data).toEqual(BINARY)
  expect(big?.data.equals(large)).toBe(true)
  expect(after?.data.toString()).toBe('#!/bin/sh\n')
})

test('a ref moved or made after the reader started is read as it is now', async () => {
  const objects = reader()
  expect((await objects.read('refs/heads/main'))?.sha).toBe(commit)
  const second = git(['commit-tree', `${commit}^{tree}`, '-p', commit, '-m', 'second'])
  git(['update-ref', 'refs/heads/main', second])
  git(['update-ref', 'refs/heads/other', commit])
  expect((await objects.read('refs/heads/main'))?.sha).toBe(second)
  expect((await objects.read('refs/heads/other'))?.sha).toBe(commit)
  git(['pack-refs', '--all'])
  git(['update-ref', 'refs/heads/other', second])
  expect((await objects.read('refs/heads/other'))?.sha).toBe(second)
  git(['update-ref', 'refs/heads/main', commit])
  git(['update-ref', '-d', 'refs/heads/other'])
})

test('when git ends, the waiting questions fail and the next one starts it again', async () => {
  const objects = reader()
  expect((await objects.read(blob))?.type).toBe('blob')
  // An answer larger than a pipe holds cannot have arrived whole before the process ends.
  const large = git(['hash-object', '-w', '--stdin'], Buffer.alloc(2 * 1024 * 1024, 7))
  const asked = objects.read(large)
  objects.close()
  // Asked before the old process is gone: the new one answers, the old one's end fails only its own.
  const again = objects.read(blob)
  await expect(asked).rejects.toThrow('git cat-file --batch ended')
  expect((await again)?.data).toEqual(BINARY)
})

test("parseTree: a tree's entries with git's modes, names and ids", async () => {
  const root = await reader().read(`${commit}^{tree}`)
  expect(parseTree(root!.data)).toEqual([
    { mode: '120000', name: 'link', sha: script },
    { mode: '40000', name: 'pkg', sha: inner },
    { mode: '100755', name: 'run.sh', sha: script }
  ])
})
