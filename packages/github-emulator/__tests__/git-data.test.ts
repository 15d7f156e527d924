import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmulator, type Emulator } from '../src/index.js'
import { client, emulatorWithRepo, failure, git, NOW, type Octokit } from './helpers.js'

let emu: Emulator
let gh: Octokit
let gitDir: string
const repo = { owner: 'acme', repo: 'contribs' }

beforeAll(async () => {
  emu = await emulatorWithRepo()
  gh = client(emu)
  gitDir = emu.state.repo('acme', 'contribs').gitDir
})
afterAll(async () => emu.close())

describe('git refs', () => {
  test('GET git/ref: heads/x, percent-encoded slashes, 404 for missing and for a bare sha', async () => {
    const main = git(gitDir, 'rev-parse', 'main')
    await gh.rest.git.createRef({ ...repo, ref: 'refs/heads/bot/state', sha: main })
    const { data } = await gh.rest.git.getRef({ ...repo, ref: 'heads/bot/state' })
    expect(data).toMatchObject({
      ref: 'refs/heads/bot/state',
      object: { type: 'commit', sha: main }
    })
    const raw = await fetch(`${emu.url}/repos/acme/contribs/git/ref/heads%2Fbot%2Fstate`, {
      headers: { authorization: 'token user-token' }
    })
    expect(raw.status).toBe(200)
    expect((await failure(gh.rest.git.getRef({ ...repo, ref: 'heads/none' }))).status).toBe(404)
    expect((await failure(gh.rest.git.getRef({ ...repo, ref: main }))).status).toBe(404)
  })

  test('POST git/refs: 201 + Location; exists, unknown sha and bad name are 422', async () => {
    const main = git(gitDir, 'rev-parse', 'main')
    const created = await gh.rest.git.createRef({ ...repo, ref: 'refs/heads/feature', sha: main })
    expect(created.status).toBe(201)
    expect(created.headers.location).toBe(`${emu.url}/repos/acme/contribs/git/refs/heads/feature`)
    expect(git(gitDir, 'rev-parse', 'feature')).toBe(main)
    const exists = await failure(
      gh.rest.git.createRef({ ...repo, ref: 'refs/heads/feature', sha: main })
    )
    expect([exists.status, exists.message]).toEqual([
      422,
      expect.stringContaining('Reference already exists')
    ])
    const unknown = await failure(
      gh.rest.git.createRef({ ...repo, ref: 'refs/heads/x', sha: 'c'.repeat(40) })
    )
    expect(unknown.message).toContain('Object does not exist')
    const bad = await failure(gh.rest.git.createRef({ ...repo, ref: 'feature2', sha: main }))
    expect(bad.message).toContain(
      'Reference name must contain at least three slash-separated components.'
    )
  })

  test('PATCH git/refs: fast-forward only unless force; DELETE removes the ref', async () => {
    const base = git(gitDir, 'rev-parse', 'main')
    const { sha: ahead } = await emu.commit({ ...repo, branch: 'ff', files: { 'f.txt': 'f' } })
    await gh.rest.git.createRef({ ...repo, ref: 'refs/heads/target', sha: base })
    const ok = await gh.rest.git.updateRef({ ...repo, ref: 'heads/target', sha: ahead })
    expect(ok.data.object.sha).toBe(ahead)
    const back = await failure(gh.rest.git.updateRef({ ...repo, ref: 'heads/target', sha: base }))
    expect([back.status, back.message]).toEqual([
      422,
      expect.stringContaining('Update is not a fast forward')
    ])
    await gh.rest.git.updateRef({ ...repo, ref: 'heads/target', sha: base, force: true })
    expect(git(gitDir, 'rev-parse', 'target')).toBe(base)
    expect((await gh.rest.git.deleteRef({ ...repo, ref: 'heads/target' })).status).toBe(204)
    expect((await failure(gh.rest.git.getRef({ ...repo, ref: 'heads/target' }))).status).toBe(404)
  })
})

describe('git data API', () => {
  test('blob → tree (base_tree, content, sha, delete) → commit → ref, checked with git', async () => {
    const head = git(gitDir, 'rev-parse', 'main')
    const blob = await gh.rest.git.createBlob({
      ...repo,
      content: Buffer.from('bin\0ary').toString('base64'),
      encoding: 'base64'
    })
    expect(blob.status).toBe(201)
    const readBack = await gh.rest.git.getBlob({ ...repo, file_sha: blob.data.sha })
    expect(Buffer.from(readBack.data.content, 'base64').toString()).toBe('bin\0ary')
    const headCommit = await gh.rest.git.getCommit({ ...repo, commit_sha: head })
    const tree = await gh.rest.git.createTree({
      ...repo,
      base_tree: headCommit.data.tree.sha,
      tree: [
        { path: 'data/bin.dat', mode: '100644', type: 'blob', sha: blob.data.sha },
        {
          path: 'pkgs/b/pyproject.toml',
          mode: '100644',
          type: 'blob',
          content: '[project]\nname = "b"\n'
        },
        { path: 'pkgs/a', mode: '040000', type: 'tree', sha: null }
      ]
    })
    expect(tree.status).toBe(201)
    const commit = await gh.rest.git.createCommit({
      ...repo,
      message: 'tree edit',
      tree: tree.data.sha,
      parents: [head],
      author: { name: 'Bot', email: 'bot@example.com' }
    })
    expect(commit.data.author.date).toBe(NOW)
    await gh.rest.git.updateRef({ ...repo, ref: 'heads/main', sha: commit.data.sha })
    expect(git(gitDir, 'ls-tree', '-r', '--name-only', 'main').split('\n')).toEqual(
      expect.arrayContaining(['data/bin.dat', 'pkgs/b/pyproject.toml', 'README.md'])
    )
    expect(git(gitDir, 'ls-tree', '-r', '--name-only', 'main')).not.toContain('pkgs/a/')
    expect(git(gitDir, 'log', '-1', '--format=%an <%ae>', 'main')).toBe('Bot <bot@example.com>')
    const recursive = await gh.rest.git.getTree({
      ...repo,
      tree_sha: tree.data.sha,
      recursive: '1'
    })
    expect(recursive.data.tree.map((e) => e.path)).toEqual(
      expect.arrayContaining(['pkgs', 'pkgs/b', 'pkgs/b/pyproject.toml'])
    )
    const flat = await gh.rest.git.getTree({ ...repo, tree_sha: 'main' })
    expect(flat.data.tree.map((e) => e.path)).not.toContain('pkgs/b')
  })

  test('unknown objects are 404 / 422', async () => {
    expect((await failure(gh.rest.git.getBlob({ ...repo, file_sha: 'd'.repeat(40) }))).status).toBe(
      404
    )
    expect(
      (await failure(gh.rest.git.getCommit({ ...repo, commit_sha: 'd'.repeat(40) }))).status
    ).toBe(404)
    const bad = await failure(
      gh.rest.git.createCommit({ ...repo, message: 'x', tree: 'd'.repeat(40), parents: [] })
    )
    expect(bad.status).toBe(422)
  })

  test('tree paths with `.`, `..`, `.git`, an empty component or a leading slash are 422', async () => {
    const main = (await gh.rest.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha
    const tree = (path: string) =>
      failure(
        gh.rest.git.createTree({
          ...repo,
          base_tree: main,
          tree: [{ path, mode: '100644', type: 'blob', content: 'x' }]
        })
      )
    for (const path of ['../x', 'a/../../x', './x', 'a/./x', 'a//x', '.git/config', 'a/.GIT/x']) {
      expect([path, (await tree(path)).message]).toEqual([
        path,
        expect.stringContaining('tree.path contains a malformed path component')
      ])
    }
    expect((await tree('/x')).message).toContain('tree.path cannot start with a slash')
    expect((await tree('/x')).status).toBe(422)
  })
})

describe('seeding from a local repository', () => {
  test('copies every branch; the bare repo can be cloned as a file path', async () => {
    const work = mkdtempSync(join(tmpdir(), 'emu-src-'))
    try {
      const run = (...args: string[]) =>
        execFileSync('git', ['-C', work, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], {
          encoding: 'utf8'
        })
      run('init', '-q', '-b', 'trunk')
      writeFileSync(join(work, 'a.txt'), 'a\n')
      run('add', '.')
      run('commit', '-q', '-m', 'a')
      run('checkout', '-q', '-b', 'side')
      const other = await startEmulator({ now: NOW })
      try {
        const { gitDir: bare } = await other.seedRepo({
          owner: 'o',
          repo: 'r',
          source: work,
          defaultBranch: 'trunk'
        })
        expect(git(bare, 'branch', '--format=%(refname:short)').split('\n').sort()).toEqual([
          'side',
          'trunk'
        ])
        const clone = join(work, 'clone')
        execFileSync('git', ['clone', '-q', bare, clone])
        expect(
          execFileSync('git', ['-C', clone, 'branch', '--show-current'], {
            encoding: 'utf8'
          }).trim()
        ).toBe('trunk')
        const { data } = await client(other).rest.repos.get({ owner: 'o', repo: 'r' })
        expect(data.default_branch).toBe('trunk')
      } finally {
        await other.close()
      }
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  })
})
