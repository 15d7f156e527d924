import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import type { Emulator } from '../src/index.js'
import { b64, client, emulatorWithRepo, failure, git, type Octokit } from './helpers.js'

let emu: Emulator
let gh: Octokit
const repo = { owner: 'acme', repo: 'contribs' }

beforeAll(async () => {
  emu = await emulatorWithRepo()
  gh = client(emu)
})
afterAll(async () => emu.close())

describe('contents API over a real bare repository', () => {
  /** Creates `path` with `text`, or updates it from the blob `sha`. */
  const put = (path: string, message: string, text: string, sha?: string) =>
    gh.rest.repos.createOrUpdateFileContents({
      ...repo,
      path,
      message,
      content: b64(text),
      ...(sha === undefined ? {} : { sha })
    })

  test('GET a file: base64 wrapped at 60 chars with trailing newline, sha is the git blob sha', async () => {
    const text = 'x'.repeat(100) + '\n'
    await emu.commit({ ...repo, files: { 'big.txt': text } })
    const { data } = await gh.rest.repos.getContent({ ...repo, path: 'big.txt' })
    if (Array.isArray(data) || data.type !== 'file') throw new Error('expected a file')
    expect(data.encoding).toBe('base64')
    const lines = data.content.split('\n')
    expect(lines[0]).toHaveLength(60)
    expect(data.content.endsWith('\n')).toBe(true)
    expect(Buffer.from(data.content, 'base64').toString()).toBe(text)
    const gitDir = emu.state.repo('acme', 'contribs').gitDir
    expect(data.sha).toBe(git(gitDir, 'rev-parse', 'main:big.txt'))
    expect(data.url).toContain('?ref=main')
  })

  test('blob sha matches the GitHub fixture for "Test content"', async () => {
    const { data } = await gh.rest.repos.createOrUpdateFileContents({
      ...repo,
      path: 'fixture.txt',
      message: 'fixture',
      content: b64('Test content')
    })
    expect(data.content?.sha).toMatch(/^3f3f005b/)
  })

  test('GET a directory lists entries without content; encoded and plain paths agree', async () => {
    const { data } = await gh.rest.repos.getContent({ ...repo, path: 'pkgs/a' })
    expect(Array.isArray(data)).toBe(true)
    const entries = data as { name: string; type: string; content?: string }[]
    expect(entries.map((e) => [e.name, e.type])).toEqual([['pyproject.toml', 'file']])
    expect(entries[0].content).toBeUndefined()
    const plain = await fetch(`${emu.url}/repos/acme/contribs/contents/pkgs/a/pyproject.toml`, {
      headers: { authorization: 'token user-token' }
    })
    const encoded = await fetch(
      `${emu.url}/repos/acme/contribs/contents/pkgs%2Fa%2Fpyproject.toml`,
      {
        headers: { authorization: 'Bearer user-token' }
      }
    )
    expect(plain.status).toBe(200)
    expect(await plain.json()).toEqual(await encoded.json())
  })

  test('missing path is 404 Not Found; missing ref is 404 No commit found for the ref', async () => {
    expect((await failure(gh.rest.repos.getContent({ ...repo, path: 'nope.txt' }))).status).toBe(
      404
    )
    const e = await failure(
      gh.rest.repos.getContent({ ...repo, path: 'README.md', ref: 'bot/state' })
    )
    expect(e.status).toBe(404)
    expect(e.message).toContain('No commit found for the ref bot/state')
  })

  test('PUT create 201, update 200, one commit each, visible with git', async () => {
    const gitDir = emu.state.repo('acme', 'contribs').gitDir
    const before = git(gitDir, 'rev-parse', 'main')
    const created = await put('state/pkg.json', 'create state', '{"v":1}\n')
    expect(created.status).toBe(201)
    expect(created.data.commit.parents?.[0].sha).toBe(before)
    const updated = await put(
      'state/pkg.json',
      'update state',
      '{"v":2}\n',
      created.data.content!.sha!
    )
    expect(updated.status).toBe(200)
    expect(git(gitDir, 'rev-parse', 'main')).toBe(updated.data.commit.sha)
    expect(git(gitDir, 'rev-list', '--count', `${before}..main`)).toBe('2')
    expect(git(gitDir, 'show', 'main:state/pkg.json')).toBe('{"v":2}')
    expect(git(gitDir, 'log', '-1', '--format=%an|%s', 'main')).toBe('octocat|update state')
  })

  test('a file read again after each update: the branch gives the new text, an old commit the old', async () => {
    const read = async (ref: string) => {
      const { data } = await gh.rest.repos.getContent({ ...repo, path: 'state/again.json', ref })
      if (Array.isArray(data) || data.type !== 'file') throw new Error('expected a file')
      return { text: Buffer.from(data.content, 'base64').toString(), sha: data.sha }
    }
    const first = await put('state/again.json', 'v1', '{"v":1}\n')
    expect(await read('main')).toEqual({ text: '{"v":1}\n', sha: first.data.content!.sha })
    expect((await read('main')).text).toBe('{"v":1}\n')
    const second = await put('state/again.json', 'v2', '{"v":2}\n', first.data.content!.sha!)
    expect(await read('main')).toEqual({ text: '{"v":2}\n', sha: second.data.content!.sha })
    expect((await read(first.data.commit.sha!)).text).toBe('{"v":1}\n')
    await gh.rest.repos.deleteFile({
      ...repo,
      path: 'state/again.json',
      message: 'gone',
      sha: second.data.content!.sha!
    })
    await expect(read('main')).rejects.toMatchObject({ status: 404 })
    expect((await read(second.data.commit.sha!)).text).toBe('{"v":2}\n')
  })

  test('PUT errors: missing sha 422, stale sha 409, sha on new path ignored, missing branch 404', async () => {
    const put = (extra: Record<string, unknown>) =>
      gh.rest.repos.createOrUpdateFileContents({
        ...repo,
        path: 'README.md',
        message: 'm',
        content: b64('changed'),
        ...extra
      })
    const missing = await failure(put({}))
    expect(missing.status).toBe(422)
    expect(missing.message).toContain('"sha" wasn\'t supplied.')
    const stale = await failure(put({ sha: 'a'.repeat(40) }))
    expect(stale.status).toBe(409)
    expect(stale.message).toContain(`README.md does not match ${'a'.repeat(40)}`)
    const fresh = await gh.rest.repos.createOrUpdateFileContents({
      ...repo,
      path: 'new-file.txt',
      message: 'm',
      content: b64('n'),
      sha: 'b'.repeat(40)
    })
    expect(fresh.status).toBe(201)
    const noBranch = await failure(put({ branch: 'does-not-exist', sha: 'x' }))
    expect(noBranch.status).toBe(404)
  })

  test('DELETE a file removes it from the branch', async () => {
    const gitDir = emu.state.repo('acme', 'contribs').gitDir
    const { data } = await gh.rest.repos.getContent({ ...repo, path: 'new-file.txt' })
    await gh.rest.repos.deleteFile({
      ...repo,
      path: 'new-file.txt',
      message: 'rm',
      sha: (data as { sha: string }).sha
    })
    expect(git(gitDir, 'ls-tree', '--name-only', 'main')).not.toContain('new-file.txt')
  })

  test('two clients racing PUTs on the same base sha: exactly one 200 and one 409', async () => {
    const other = client(emu, 'app-token')
    const { data } = await gh.rest.repos.getContent({ ...repo, path: 'README.md' })
    const sha = (data as { sha: string }).sha
    const attempt = (octokit: Octokit, text: string) =>
      octokit.rest.repos
        .createOrUpdateFileContents({
          ...repo,
          path: 'README.md',
          message: text,
          content: b64(text),
          sha
        })
        .then((r) => r.status)
        .catch((e: { status: number }) => e.status)
    const statuses = await Promise.all([attempt(gh, 'one'), attempt(other, 'two')])
    expect(statuses.sort()).toEqual([200, 409])
  })

  test('a directory lists at most 1,000 entries, as on GitHub; the Git Trees API has them all', async () => {
    const files: Record<string, string> = {}
    for (let i = 0; i < 1001; i++) files[`many/f${String(i).padStart(4, '0')}.txt`] = `${i}\n`
    const { sha } = await emu.commit({ ...repo, files })
    const { data } = await gh.rest.repos.getContent({ ...repo, path: 'many' })
    const listed = data as { name: string }[]
    expect(listed).toHaveLength(1000)
    expect(listed[0].name).toBe('f0000.txt')
    const tree = await gh.rest.git.getTree({ ...repo, tree_sha: sha, recursive: 'true' })
    expect(tree.data.tree.filter((e) => e.path?.startsWith('many/'))).toHaveLength(1001)
  })

  test('`.` and `..` path components are 422 for GET, PUT and DELETE, and name no local folder', async () => {
    for (const path of ['../../etc/passwd', 'pkgs/../README.md', './README.md', 'pkgs/a/.']) {
      const answers = [
        await failure(gh.rest.repos.getContent({ ...repo, path })),
        await failure(
          gh.rest.repos.createOrUpdateFileContents({ ...repo, path, message: 'm', content: 'eA==' })
        ),
        await failure(
          gh.rest.repos.deleteFile({ ...repo, path, message: 'm', sha: 'a'.repeat(40) })
        )
      ]
      for (const answer of answers) {
        expect([answer.status, answer.message]).toEqual([
          422,
          expect.stringContaining('malformed path component')
        ])
        expect(answer.message).not.toContain(emu.dataDir)
      }
    }
  })
})
