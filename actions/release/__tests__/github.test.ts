// The release's reader and writer against the emulator through the suite's own client: an asset
// uploaded through the release's upload_url is listed with its digest and downloads back (the
// download follows GitHub's redirect to the file's storage address).
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import { createClient } from '@contribs-actions/shared/github'
import { octokitReader, octokitWriter } from '../src/github.js'
import { sha256 } from '../src/publish.js'

let emu: Emulator

beforeAll(async () => {
  emu = await startEmulator({ now: '2026-03-01T12:00:00Z' })
  await emu.seedRepo({ owner: 'acme', repo: 'contribs' })
})
afterAll(() => emu.close())

test('create, upload, list with digest, download back; the release found by its tag', async () => {
  const octokit = createClient({ token: 'app-token', baseUrl: emu.url, timeScale: 0.01 })
  const target = { octokit, owner: 'acme', repo: 'contribs' }
  const reader = octokitReader(target)
  const writer = octokitWriter(target)
  expect(await reader.releaseByTag('v1.0.0')).toBeUndefined()
  const spec = { tag: 'v1.0.0', name: 'x 1.0.0', body: 'notes', prerelease: false }
  const release = await writer.createRelease(spec)
  const bytes = Buffer.from([0, 1, 2, 250, 255])
  const asset = await writer.upload(release, 'x-1.0.0-py3-none-any.whl', bytes)
  expect(asset).toMatchObject({ name: 'x-1.0.0-py3-none-any.whl', size: 5, digest: sha256(bytes) })
  expect(await reader.listAssets(release)).toEqual([asset])
  expect((await reader.download(asset)).equals(bytes)).toBe(true)
  expect(await reader.releaseByTag('v1.0.0')).toMatchObject({ id: release.id, body: 'notes' })
  const updated = await writer.updateRelease(release, { ...spec, body: 'new notes' })
  expect(updated.body).toBe('new notes')
})
