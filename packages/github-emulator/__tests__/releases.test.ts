import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import type { Emulator } from '../src/index.js'
import { client, emulatorWithRepo, failure, git, type Octokit } from './helpers.js'

let emu: Emulator
let gh: Octokit
const repo = { owner: 'acme', repo: 'contribs' }

beforeAll(async () => {
  emu = await emulatorWithRepo()
  gh = client(emu)
})
beforeEach(async () => {
  await emu.reset()
  await emu.seedRepo({ ...repo, files: { 'README.md': '# demo\n' } })
})
afterAll(async () => emu.close())

function upload(uploadUrl: string, name: string, bytes: string, token?: string) {
  return client(emu, token).request({
    method: 'POST',
    url: uploadUrl,
    name,
    data: Buffer.from(bytes),
    headers: { 'content-type': 'application/octet-stream' }
  }) as Promise<{ status: number; data: Record<string, unknown> }>
}

describe('releases', () => {
  test('publishing a release creates its missing tag at the default branch', async () => {
    const gitDir = emu.state.repo('acme', 'contribs').gitDir
    const rel = await gh.rest.repos.createRelease({ ...repo, tag_name: 'v1.2.0', body: 'notes' })
    expect(rel.status).toBe(201)
    expect(git(gitDir, 'rev-parse', 'refs/tags/v1.2.0')).toBe(git(gitDir, 'rev-parse', 'main'))
    expect(rel.data.upload_url).toBe(
      `${emu.url}/api/uploads/repos/acme/contribs/releases/${rel.data.id}/assets{?name,label}`
    )
    const byTag = await gh.rest.repos.getReleaseByTag({ ...repo, tag: 'v1.2.0' })
    expect(byTag.data.id).toBe(rel.data.id)
    expect(byTag.data.body).toBe('notes')
  })

  test('a second release for the same tag is refused with already_exists', async () => {
    await gh.rest.repos.createRelease({ ...repo, tag_name: 'v1.0.0' })
    const e = await failure(gh.rest.repos.createRelease({ ...repo, tag_name: 'v1.0.0' }))
    expect(e.status).toBe(422)
    expect(e.response?.data).toMatchObject({
      message: 'Validation Failed',
      errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]
    })
    expect(emu.state.repo('acme', 'contribs').releases).toHaveLength(1)
  })

  test('a draft has no tag and is not found by tag until published', async () => {
    const gitDir = emu.state.repo('acme', 'contribs').gitDir
    const draft = await gh.rest.repos.createRelease({ ...repo, tag_name: 'v2.0.0rc1', draft: true })
    expect(draft.data.published_at).toBeNull()
    expect(
      (await failure(gh.rest.repos.getReleaseByTag({ ...repo, tag: 'v2.0.0rc1' }))).status
    ).toBe(404)
    expect(() => git(gitDir, 'rev-parse', '--verify', '--quiet', 'refs/tags/v2.0.0rc1')).toThrow()
    await gh.rest.repos.updateRelease({ ...repo, release_id: draft.data.id, draft: false })
    expect((await gh.rest.repos.getReleaseByTag({ ...repo, tag: 'v2.0.0rc1' })).data.draft).toBe(
      false
    )
    expect(git(gitDir, 'rev-parse', 'refs/tags/v2.0.0rc1')).toBe(git(gitDir, 'rev-parse', 'main'))
  })

  test('an unknown target_commitish is a validation failure, and nothing is created', async () => {
    const e = await failure(
      gh.rest.repos.createRelease({ ...repo, tag_name: 'v3', target_commitish: 'no-such-branch' })
    )
    expect(e.status).toBe(422)
    expect(emu.state.repo('acme', 'contribs').releases).toEqual([])
  })

  test('a token with contents: read cannot create a release', async () => {
    emu.addToken({ token: 'ro', kind: 'app', login: 'ro[bot]', permissions: { contents: 'read' } })
    const e = await failure(client(emu, 'ro').rest.repos.createRelease({ ...repo, tag_name: 'v1' }))
    expect(e.status).toBe(403)
  })

  test('releases are listed newest first, page by page', async () => {
    for (const t of ['v1', 'v2', 'v3']) await gh.rest.repos.createRelease({ ...repo, tag_name: t })
    const all = await gh.paginate(gh.rest.repos.listReleases, { ...repo, per_page: 2 })
    expect(all.map((r) => r.tag_name)).toEqual(['v3', 'v2', 'v1'])
  })
})

describe('release assets', () => {
  test('an upload on the upload host is listed with its size and sha256 digest, and downloads back', async () => {
    const rel = await gh.rest.repos.createRelease({ ...repo, tag_name: 'v1.0.0' })
    const up = await upload(rel.data.upload_url, 'pkg-1.0.0-py3-none-any.whl', 'wheel!')
    expect(up.status).toBe(201)
    const digest = `sha256:${createHash('sha256').update('wheel!').digest('hex')}`
    expect(up.data).toMatchObject({
      name: 'pkg-1.0.0-py3-none-any.whl',
      size: 6,
      digest,
      state: 'uploaded'
    })
    expect(up.data.browser_download_url).toBe(
      'https://github.com/acme/contribs/releases/download/v1.0.0/pkg-1.0.0-py3-none-any.whl'
    )
    const listed = await gh.rest.repos.listReleaseAssets({ ...repo, release_id: rel.data.id })
    expect(listed.data.map((a) => a.name)).toEqual(['pkg-1.0.0-py3-none-any.whl'])
    const bytes = await gh.rest.repos.getReleaseAsset({
      ...repo,
      asset_id: up.data.id as number,
      headers: { accept: 'application/octet-stream' }
    })
    expect(Buffer.from(bytes.data as unknown as ArrayBuffer).toString()).toBe('wheel!')
  })

  test('the API host does not take uploads', async () => {
    const rel = await gh.rest.repos.createRelease({ ...repo, tag_name: 'v1.0.0' })
    const onApiHost = rel.data.upload_url.replace('/api/uploads', '')
    expect((await failure(upload(onApiHost, 'x.whl', 'x'))).status).toBe(404)
    expect(emu.state.repo('acme', 'contribs').releases[0].assets).toEqual([])
  })

  test('a second asset of the same name is refused with already_exists; deleting frees the name', async () => {
    const rel = await gh.rest.repos.createRelease({ ...repo, tag_name: 'v1.0.0' })
    const first = await upload(rel.data.upload_url, 'a.tar.gz', 'one')
    const e = await failure(upload(rel.data.upload_url, 'a.tar.gz', 'two'))
    expect(e.status).toBe(422)
    expect(e.response?.data).toMatchObject({
      errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }]
    })
    await gh.rest.repos.deleteReleaseAsset({ ...repo, asset_id: first.data.id as number })
    expect((await upload(rel.data.upload_url, 'a.tar.gz', 'two')).data.size).toBe(3)
  })

  test('special characters in an asset name become dots', async () => {
    const rel = await gh.rest.repos.createRelease({ ...repo, tag_name: 'v1.0.0' })
    expect((await upload(rel.data.upload_url, 'my file (1).whl', 'x')).data.name).toBe(
      'my.file..1..whl'
    )
  })
})

describe('tags through the git data API', () => {
  test('refs/tags are created once and read back', async () => {
    const gitDir = emu.state.repo('acme', 'contribs').gitDir
    const main = git(gitDir, 'rev-parse', 'main')
    await gh.rest.git.createRef({ ...repo, ref: 'refs/tags/v1.0.0', sha: main })
    const got = await gh.rest.git.getRef({ ...repo, ref: 'tags/v1.0.0' })
    expect(got.data.object.sha).toBe(main)
    const e = await failure(gh.rest.git.createRef({ ...repo, ref: 'refs/tags/v1.0.0', sha: main }))
    expect(e.status).toBe(422)
    expect(e.message).toContain('Reference already exists')
  })
})
