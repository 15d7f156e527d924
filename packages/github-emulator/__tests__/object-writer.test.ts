// The objects the emulator writes itself, held to git's own: the same ids for the same content,
// trees built as git's index builds them, and a repository `git fsck` finds nothing wrong with.
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BareRepo, type TreeChange } from '../src/git/bare-repo.js'
import { commitBytes, treeBytes, writeObject } from '../src/git/object-writer.js'

let gitDir: string
let repo: BareRepo

const git = (args: string[], input?: string | Buffer, env: Record<string, string> = {}) =>
  execFileSync('git', [`--git-dir=${gitDir}`, ...args], {
    input,
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...env }
  })
    .toString()
    .trim()

beforeAll(async () => {
  gitDir = mkdtempSync(join(tmpdir(), 'object-writer-'))
  repo = await BareRepo.init(gitDir, 'main')
})
afterAll(() => {
  repo.close()
  rmSync(gitDir, { recursive: true, force: true })
})

const blob = (text: string) => git(['hash-object', '-w', '--stdin'], text)

test('a blob has the id git gives it, and git reads it back', async () => {
  const bytes = Buffer.from([0x00, 0xff, 0x0a, 0x68, 0x69])
  const id = await writeObject(gitDir, 'blob', bytes)
  expect(id).toBe(git(['hash-object', '--stdin'], bytes))
  expect(execFileSync('git', [`--git-dir=${gitDir}`, 'cat-file', 'blob', id])).toEqual(bytes)
  // Writing it again changes nothing.
  expect(await writeObject(gitDir, 'blob', bytes)).toBe(id)
})

test("a tree's entries in git's order (a folder sorts as if its name ended in /)", async () => {
  const file = blob('x\n')
  const folder = git(['mktree'], `100644 blob ${file}\tinner\n`)
  const entries = [
    { mode: '100644', name: 'a0', sha: file },
    { mode: '40000', name: 'a', sha: folder },
    { mode: '100755', name: 'a.txt', sha: file },
    { mode: '120000', name: 'a-b', sha: file },
    { mode: '100644', name: 'B', sha: file }
  ]
  const id = await writeObject(gitDir, 'tree', treeBytes(entries))
  const listed = entries
    .map(
      (e) =>
        `${e.mode.padStart(6, '0')} ${e.mode === '40000' ? 'tree' : 'blob'} ${e.sha}\t${e.name}`
    )
    .join('\n')
  expect(id).toBe(git(['mktree'], `${listed}\n`))
})

test('a commit has the id git commit-tree gives it: crud trimmed from names, the message as given', async () => {
  const tree = git(['mktree'], `100644 blob ${blob('c\n')}\tc\n`)
  const parent = git(['commit-tree', tree, '-m', 'parent'], undefined, {
    GIT_AUTHOR_NAME: 'p',
    GIT_AUTHOR_EMAIL: 'p@example.com',
    GIT_COMMITTER_NAME: 'p',
    GIT_COMMITTER_EMAIL: 'p@example.com'
  })
  for (const [name, message] of [
    ['contribs-bot[bot]', 'bump dspy to 0.6.1\n\nbody line\n'],
    ['  Jane <Doe>, Jr.; ', 'no newline at the end'],
    ['"Zoë Q."', 'ünïcode\n']
  ]) {
    const ident = { name, email: ' jane@example.com ', seconds: 1767583800 }
    const ours = await writeObject(
      gitDir,
      'commit',
      commitBytes({ tree, parents: [parent], author: ident, committer: ident, message })
    )
    const theirs = git(['commit-tree', tree, '-p', parent, '-F', '-'], message, {
      GIT_AUTHOR_NAME: name,
      GIT_AUTHOR_EMAIL: ident.email,
      GIT_AUTHOR_DATE: '@1767583800 +0000',
      GIT_COMMITTER_NAME: name,
      GIT_COMMITTER_EMAIL: ident.email,
      GIT_COMMITTER_DATE: '@1767583800 +0000'
    })
    expect([name, ours]).toEqual([name, theirs])
  }
  expect(() =>
    commitBytes({
      tree,
      parents: [],
      author: { name: ' <> ', email: 'x@example.com', seconds: 0 },
      committer: { name: 'x', email: 'x@example.com', seconds: 0 },
      message: 'x'
    })
  ).toThrow('empty ident name')
})

/** The tree git's index makes of `base` plus the changes (how buildTree used to make it). */
function indexTree(base: string | null, changes: TreeChange[]): string {
  const env = { GIT_INDEX_FILE: join(gitDir, 'oracle-index') }
  rmSync(env.GIT_INDEX_FILE, { force: true })
  git(base ? ['read-tree', base] : ['read-tree', '--empty'], undefined, env)
  for (const c of changes) {
    const lines: string[] = []
    if (c.sha === null) {
      const listed = git(['ls-files', '-z', '--', c.path], undefined, env).split('\0')
      for (const p of listed.filter(Boolean))
        if (p === c.path || p.startsWith(`${c.path}/`)) lines.push(`0 ${'0'.repeat(40)}\t${p}`)
    } else if (c.type === 'tree') {
      for (const line of git(['ls-tree', '-r', c.sha]).split('\n')) {
        const [meta, p] = line.split('\t')
        const [mode, , sha] = meta.split(' ')
        lines.push(`${mode} ${sha}\t${c.path}/${p}`)
      }
    } else lines.push(`${c.mode ?? '100644'} ${c.sha}\t${c.path}`)
    git(['update-index', '-z', '--index-info'], lines.map((l) => `${l}\0`).join(''), env)
  }
  return git(['write-tree'], undefined, env)
}

test('buildTree makes the tree git index makes, change for change', async () => {
  const [one, two, three] = [blob('1\n'), blob('2\n'), blob('3\n')]
  const base = await repo.buildTree(null, [
    { path: 'README.md', sha: one },
    { path: 'pkg/a/x.py', sha: one },
    { path: 'pkg/a/y.py', sha: two },
    { path: 'pkg/b/z.py', sha: three },
    { path: 'docs/only.md', sha: one },
    { path: 'file-then-folder', sha: two },
    { path: 'tools/run.sh', mode: '100755', sha: three }
  ])
  const copied = git(['mktree'], `100644 blob ${two}\tcopied.txt\n`)
  const cases: [string, TreeChange[]][] = [
    ['a file in a new nested folder', [{ path: 'new/deep/er/file.txt', sha: two }]],
    ['a file replaced', [{ path: 'pkg/a/x.py', sha: three }]],
    ['a folder deleted', [{ path: 'pkg/a', sha: null }]],
    ['the last file of a folder deleted', [{ path: 'docs/only.md', sha: null }]],
    ['a file made a folder', [{ path: 'file-then-folder/inside.txt', sha: one }]],
    ['a folder made a file', [{ path: 'pkg/b', sha: one }]],
    ['a path that is not there deleted', [{ path: 'nowhere/at/all', sha: null }]],
    [
      'a symlink and a submodule',
      [
        { path: 'link', mode: '120000', sha: one },
        { path: 'vendor/lib', mode: '160000', type: 'commit', sha: 'a'.repeat(40) }
      ]
    ],
    ['a tree given for a path', [{ path: 'pkg/a', mode: '040000', type: 'tree', sha: copied }]],
    [
      'several at once, the later winning',
      [
        { path: 'pkg/c/n.py', sha: one },
        { path: 'pkg/c/n.py', sha: two },
        { path: 'pkg', sha: null },
        { path: 'pkg/d.py', sha: three }
      ]
    ]
  ]
  for (const [what, changes] of cases)
    expect([what, await repo.buildTree(base, changes)]).toEqual([what, indexTree(base, changes)])
  expect(
    await repo.buildTree(base, [
      { path: 'README.md', sha: null },
      { path: 'pkg', sha: null },
      { path: 'docs', sha: null },
      { path: 'file-then-folder', sha: null },
      { path: 'tools', sha: null }
    ])
  ).toBe(indexTree(null, []))
  git(['fsck', '--strict', '--no-dangling'])
})
