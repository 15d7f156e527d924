import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Emulator } from '../src/index.js'
import { emulatorWithRepo, git } from './helpers.js'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../../test/kit/budgets.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

const here = dirname(fileURLToPath(import.meta.url))
const BIN = join(here, '..', 'bin', 'github-emulator.mjs')

/** Runs a node script in its own process and resolves with its stdout. */
function node(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (b: Buffer) => (out += b.toString()))
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${out}`))
    )
  })
}

/** A writer process: waits for a shared start instant, then PUTs with the given base sha. */
const WRITER = `
const [url, sha, text, startAt] = process.argv.slice(1)
const wait = Number(startAt) - Date.now()
setTimeout(async () => {
  const res = await fetch(url + '/repos/acme/contribs/contents/state%2Fpkg.json', {
    method: 'PUT',
    headers: { authorization: 'token actions-token', 'content-type': 'application/json' },
    body: JSON.stringify({ message: text, content: Buffer.from(text).toString('base64'), sha })
  })
  console.log(res.status)
}, Math.max(0, wait))
`

describe('two writer processes', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await emulatorWithRepo({}, { 'state/pkg.json': '{"reds":0}\n' })
  })
  afterAll(async () => emu.close())

  test('same base sha: exactly one 200 and one 409; the bare repo has the winner only', async () => {
    const gitDir = emu.state.repo('acme', 'contribs').gitDir
    const before = git(gitDir, 'rev-parse', 'main')
    const sha = git(gitDir, 'rev-parse', 'main:state/pkg.json')
    const startAt = String(Date.now() + 700)
    const outs = await Promise.all(
      ['{"reds":1}', '{"reds":2}'].map((text) => node(['-e', WRITER, emu.url, sha, text, startAt]))
    )
    const statuses = outs.map((o) => Number(o.trim()))
    expect([...statuses].sort()).toEqual([200, 409])
    const winner = statuses[0] === 200 ? '{"reds":1}' : '{"reds":2}'
    expect(git(gitDir, 'show', 'main:state/pkg.json')).toBe(winner)
    expect(git(gitDir, 'rev-list', '--count', `${before}..main`)).toBe('1')
  })
})

describe('proxy environment', () => {
  let emu: Emulator
  beforeAll(async () => {
    emu = await emulatorWithRepo()
  })
  afterAll(async () => emu.close())

  test('a process with HTTPS_PROXY set reaches the emulator when GITHUB_API_URL is set before import', async () => {
    const script = `
      const { getOctokit } = await import('@actions/github')
      const { data } = await getOctokit('user-token').rest.repos.get({ owner: 'acme', repo: 'contribs' })
      console.log(data.default_branch)
    `
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        cwd: join(here, '..'),
        env: {
          ...process.env,
          GITHUB_API_URL: emu.url,
          HTTPS_PROXY: 'http://127.0.0.1:9',
          HTTP_PROXY: 'http://127.0.0.1:9',
          https_proxy: 'http://127.0.0.1:9',
          http_proxy: 'http://127.0.0.1:9'
        },
        stdio: ['ignore', 'pipe', 'pipe']
      })
      let buf = ''
      let err = ''
      child.stdout.on('data', (b: Buffer) => (buf += b.toString()))
      child.stderr.on('data', (b: Buffer) => (err += b.toString()))
      child.on('exit', (code) => (code === 0 ? resolve(buf.trim()) : reject(new Error(err))))
    })
    expect(out).toBe('main')
  })
})

describe('standalone CLI', () => {
  test('bin starts the server from a seed file, prints its URL, and exits cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-cli-'))
    try {
      const seedFile = join(dir, 'seed.json')
      writeFileSync(
        seedFile,
        JSON.stringify({
          now: '2026-01-01T00:00:00Z',
          repos: [{ owner: 'acme', repo: 'contribs', files: { 'a.txt': 'a' } }],
          tokens: [{ token: 'pat', kind: 'user', login: 'hubot' }],
          runs: [
            {
              owner: 'acme',
              repo: 'contribs',
              id: 5,
              jobs: [{ name: 'lint', conclusion: 'success' }]
            }
          ]
        })
      )
      const child = spawn(process.execPath, [BIN, '--port', '0', '--seed', seedFile], {
        stdio: ['ignore', 'pipe', 'inherit']
      })
      const line = await new Promise<string>((resolve, reject) => {
        let buf = ''
        child.stdout.on('data', (buffer: Buffer) => {
          buf += buffer.toString()
          if (buf.includes('\n')) resolve(buf.split('\n')[0])
        })
        child.on('exit', (code) => reject(new Error(`exited early with ${code}`)))
      })
      const info = JSON.parse(line) as {
        url: string
        dataDir: string
        repos: Record<string, string>
      }
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(git(info.repos['acme/contribs'], 'show', 'main:a.txt')).toBe('a')
      const res = await fetch(`${info.url}/repos/acme/contribs/actions/runs/5/jobs`, {
        headers: { authorization: 'token pat' }
      })
      expect(((await res.json()) as { total_count: number }).total_count).toBe(1)
      const issue = await fetch(`${info.url}/repos/acme/contribs/issues`, {
        method: 'POST',
        headers: { authorization: 'token pat' },
        body: JSON.stringify({ title: 'from the CLI' })
      })
      expect(((await issue.json()) as { created_at: string }).created_at).toBe(
        '2026-01-01T00:00:00Z'
      )
      const exited = new Promise<number | null>((resolve) =>
        child.on('exit', (code) => resolve(code))
      )
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      expect(existsSync(info.dataDir)).toBe(false)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
