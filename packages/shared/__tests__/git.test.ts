// The shared git() against real git in real repositories.
import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { blobSha, git, gitOk, GitError } from '../src/git.js'
import { cleanupTempDirs, initGitRepo, tempDir, writeFiles } from '../../../test/kit/fixtures.js'

afterAll(cleanupTempDirs)

function repo(files: Record<string, string>): string {
  const dir = tempDir()
  writeFiles(dir, files)
  initGitRepo(dir)
  return dir
}

test('collects stdout whole, larger than a pipe buffer, and passes arguments untouched', async () => {
  const names: Record<string, string> = {}
  for (let i = 0; i < 3000; i++) names[`pkg_${i}/a file; $(echo no) é ${'x'.repeat(40)}.txt`] = ''
  const dir = repo(names)
  const r = await git(dir, ['-c', 'core.quotePath=false', 'ls-files', '-z'])
  expect(r.code).toBe(0)
  expect(r.stderr).toBe('')
  const listed = r.stdout.split('\0').filter(Boolean)
  expect(Buffer.byteLength(r.stdout)).toBeGreaterThan(64 * 1024)
  expect(new Set(listed)).toEqual(new Set(Object.keys(names)))
})

test('a failing command is a result with git exit code and its own words', async () => {
  const dir = repo({ 'a.txt': 'a\n' })
  const r = await git(dir, ['rev-parse', '--verify', 'no-such-branch^{commit}'])
  expect(r.code).toBe(128)
  expect(r.stderr).toMatch(/fatal: Needed a single revision/)
  await expect(gitOk(dir, ['rev-parse', '--verify', 'no-such-branch'])).rejects.toThrow(GitError)
})

test('env adds to the environment instead of replacing it', async () => {
  const dir = repo({ 'a.txt': 'a\n' })
  const r = await git(dir, ['var', 'GIT_AUTHOR_IDENT'], {
    env: { GIT_AUTHOR_NAME: 'Ada Example', GIT_AUTHOR_EMAIL: 'ada@example.com' }
  })
  expect(r.code).toBe(0) // PATH and HOME still there
  expect(r.stdout).toMatch(/^Ada Example <ada@example\.com> \d+/)
})

test('git that cannot start (no such folder) rejects, naming the folder', async () => {
  const missing = `${tempDir()}/no-such-folder`
  await expect(git(missing, ['status'])).rejects.toThrow(`git could not start in ${missing}: spawn`)
})

describe('output through temporary files', () => {
  const saved = process.env.RUNNER_TEMP
  afterEach(() => {
    if (saved === undefined) delete process.env.RUNNER_TEMP
    else process.env.RUNNER_TEMP = saved
  })

  test('git writes into two new files in RUNNER_TEMP while it runs', async () => {
    const dir = repo({ 'a.txt': 'a\n' })
    const runnerTemp = tempDir()
    process.env.RUNNER_TEMP = runnerTemp
    const running = git(dir, ['ls-files'])
    // git has started when git() returns; its files are there until it has been answered.
    const names = readdirSync(runnerTemp).sort()
    expect(names).toHaveLength(2)
    expect(names[0]).toMatch(new RegExp(`^contribs-git-${process.pid}-\\w+$`))
    expect(names[1]).toBe(`${names[0]}.err`)
    expect((await running).stdout).toBe('a.txt\n')
  })

  test('are removed after success, after failure and when git cannot start', async () => {
    const dir = repo({ 'a.txt': 'a\n' })
    const runnerTemp = tempDir()
    process.env.RUNNER_TEMP = runnerTemp
    expect((await git(dir, ['ls-files'])).code).toBe(0)
    expect(readdirSync(runnerTemp)).toEqual([])
    expect((await git(dir, ['rev-parse', '--verify', 'nope^{commit}'])).code).toBe(128)
    expect(readdirSync(runnerTemp)).toEqual([])
    await expect(git(`${dir}/missing`, ['status'])).rejects.toThrow('git could not start')
    expect(readdirSync(runnerTemp)).toEqual([])
  })

  test('without a folder for them, git answers through pipes, whole', async () => {
    const names: Record<string, string> = {}
    for (let i = 0; i < 2000; i++) names[`pkg_${i}/${'x'.repeat(60)}.txt`] = ''
    const dir = repo(names)
    const parent = tempDir()
    process.env.RUNNER_TEMP = `${parent}/gone`
    const r = await git(dir, ['ls-files', '-z'])
    expect(r.code).toBe(0)
    expect(Buffer.byteLength(r.stdout)).toBeGreaterThan(64 * 1024) // more than one pipe buffer
    expect(new Set(r.stdout.split('\0').filter(Boolean))).toEqual(new Set(Object.keys(names)))
    const failed = await git(dir, ['rev-parse', '--verify', 'nope^{commit}'])
    expect(failed.code).toBe(128)
    expect(failed.stderr).toMatch(/fatal: Needed a single revision/)
    await expect(git(`${dir}/missing`, ['status'])).rejects.toThrow('git could not start')
    expect(readdirSync(parent)).toEqual([])
  })
})

test('blobSha is the id git gives the same bytes, for text and for binary content', () => {
  const hashObject = (data: Buffer) =>
    execFileSync('git', ['hash-object', '--stdin'], { input: data }).toString().trim()
  const text = '{"consecutive_failures": 0, "note": "é ✓"}\n'
  expect(blobSha(text)).toBe(hashObject(Buffer.from(text, 'utf8')))
  const bytes = Buffer.from([0, 255, 10, 13, 0x80])
  expect(blobSha(bytes)).toBe(hashObject(bytes))
  expect(blobSha('')).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391')
})
