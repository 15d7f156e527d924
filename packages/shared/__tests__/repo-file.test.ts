// The one reader of repository files, over real files, links, pipes, sockets and git objects:
// whatever a checkout holds, a read ends quickly with the text or a clear refusal naming the file.
import { execFileSync } from 'node:child_process'
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import {
  cleanupTempDirs,
  commitAll,
  initGitRepo,
  tempDir,
  writeFiles
} from '../../../test/kit/fixtures.js'
import {
  decodeUtf8,
  firstInvalidUtf8,
  MAX_REPO_FILE_BYTES,
  pathExists,
  readRepoBytes,
  readRepoText,
  readRepoTextAt,
  UnreadableFileError,
  UnreadableReason
} from '../src/repo-file.js'

afterAll(cleanupTempDirs)

/** The refusal a read ends with: its reason, file, line and message. */
function refusal(read: () => unknown): Pick<UnreadableFileError, 'reason' | 'file' | 'line'> & {
  message: string
} {
  try {
    read()
  } catch (e) {
    if (!(e instanceof UnreadableFileError)) throw e
    return { reason: e.reason, file: e.file, line: e.line, message: e.message }
  }
  throw new Error('the read was not refused')
}

const refused = (reason: UnreadableReason, file: string) =>
  expect.objectContaining({ reason, file })

/** A checkout with a secret beside it, outside, that no read may reach. */
function checkout(): { root: string; outside: string } {
  const base = tempDir()
  const root = path.join(base, 'repo')
  const outside = path.join(base, 'outside')
  writeFiles(base, {
    'outside/secret.txt': 'SECRET=do-not-print\n',
    'repo/pkg/pyproject.toml': '[project]\nname = "pkg"\n',
    'repo/README.md': 'hello\n'
  })
  return { root, outside }
}

describe('regular files', () => {
  it('reads the text, keeps a byte order mark, and finds nothing where nothing is', () => {
    const { root } = checkout()
    writeFileSync(path.join(root, 'bom.toml'), '\uFEFF[project]\n')
    expect(readRepoText(root, 'pkg/pyproject.toml')).toBe('[project]\nname = "pkg"\n')
    expect(readRepoText(root, './pkg//pyproject.toml')).toBe('[project]\nname = "pkg"\n')
    expect(readRepoText(root, 'bom.toml')).toBe('\uFEFF[project]\n')
    expect(readRepoText(root, 'missing.toml')).toBeUndefined()
    expect(readRepoText(root, 'README.md/under-a-file')).toBeUndefined()
    expect(readRepoText(root, 'nowhere/pyproject.toml')).toBeUndefined()
  })

  it('refuses a path leading out of the root, before looking at it', () => {
    const { root } = checkout()
    for (const rel of ['../outside/secret.txt', '/etc/hostname', 'pkg/../../outside/secret.txt'])
      expect(refusal(() => readRepoText(root, rel))).toEqual(refused('outside', rel))
  })
})

describe('symbolic links', () => {
  it('follows a link that stays inside the checkout, file or folder', () => {
    const { root } = checkout()
    symlinkSync('../README.md', path.join(root, 'pkg', 'README.md'))
    symlinkSync('pkg', path.join(root, 'alias'))
    expect(readRepoText(root, 'pkg/README.md')).toBe('hello\n')
    expect(readRepoText(root, 'alias/pyproject.toml')).toBe('[project]\nname = "pkg"\n')
  })

  it('never follows one out of the checkout: a file, a folder on the way, or a link to nothing there', () => {
    const { root, outside } = checkout()
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'pkg', 'OWNERS'))
    symlinkSync('../../outside/secret.txt', path.join(root, 'pkg', 'relative'))
    symlinkSync(outside, path.join(root, 'out'))
    symlinkSync(path.join(outside, 'gone'), path.join(root, 'dangling'))
    symlinkSync('/proc/self/environ', path.join(root, 'environ'))
    for (const rel of ['pkg/OWNERS', 'pkg/relative', 'out/secret.txt', 'dangling', 'environ']) {
      const r = refusal(() => readRepoText(root, rel))
      expect(r).toEqual(refused('outside', rel))
      expect(r.message).not.toContain('SECRET')
    }
  })

  it('a link to nothing inside the checkout is no file; a loop is refused', () => {
    const { root } = checkout()
    symlinkSync('missing.toml', path.join(root, 'dangling.toml'))
    symlinkSync('self', path.join(root, 'self'))
    symlinkSync('b', path.join(root, 'a'))
    symlinkSync('a', path.join(root, 'b'))
    symlinkSync('.', path.join(root, 'pkg', 'here'))
    expect(readRepoText(root, 'dangling.toml')).toBeUndefined()
    expect(refusal(() => readRepoText(root, 'self'))).toEqual(refused('loop', 'self'))
    expect(refusal(() => readRepoText(root, 'a/pyproject.toml'))).toEqual(
      refused('loop', 'a/pyproject.toml')
    )
    // A link to its own folder is no loop by itself: the path still ends at a file.
    expect(readRepoText(root, 'pkg/here/here/pyproject.toml')).toBe('[project]\nname = "pkg"\n')
  })
})

// Checked from lstat before any open; in a folder the file tree listed, from the file opened
// with O_NOFOLLOW|O_NONBLOCK (a pipe opens at once), before any read.
describe.each([{ folderListed: false }, { folderListed: true }])(
  'what is not a regular file is never read (%o)',
  (options) => {
    const read = (root: string, rel: string) => () => readRepoText(root, rel, options)

    it('a named pipe with no writer, a socket, a device and a folder, directly or through a link', async () => {
      const { root } = checkout()
      execFileSync('mkfifo', [path.join(root, 'fifo')])
      symlinkSync('fifo', path.join(root, 'to-fifo'))
      symlinkSync('/dev/zero', path.join(root, 'zero'))
      mkdirSync(path.join(root, 'folder.toml'))
      const server = net.createServer()
      await new Promise<void>((resolve) => server.listen(path.join(root, 'sock'), resolve))
      try {
        expect(refusal(read(root, 'fifo'))).toEqual(refused('not-a-file', 'fifo'))
        expect(refusal(read(root, 'to-fifo'))).toEqual(refused('not-a-file', 'to-fifo'))
        expect(refusal(read(root, 'zero'))).toEqual(refused('outside', 'zero'))
        expect(refusal(read(root, 'sock')).message).toMatch(/^a socket, not a regular/)
        expect(refusal(read(root, 'folder.toml')).message).toMatch(/^a folder, not/)
      } finally {
        server.close()
      }
    })

    it('a character device inside the checkout (where the user may make one)', () => {
      const { root } = checkout()
      try {
        execFileSync('mknod', [path.join(root, 'zero'), 'c', '1', '5'], { stdio: 'ignore' })
      } catch {
        return // not allowed here: the link cases above cover devices outside the checkout
      }
      expect(refusal(read(root, 'zero'))).toEqual(
        expect.objectContaining({ reason: 'not-a-file', message: expect.stringMatching(/device/) })
      )
    })

    it('a link as the file: followed inside the checkout, refused out of it or looping', () => {
      const { root, outside } = checkout()
      symlinkSync('../README.md', path.join(root, 'pkg', 'README.md'))
      symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'pkg', 'OWNERS'))
      symlinkSync('OWNERS.loop', path.join(root, 'pkg', 'OWNERS.loop'))
      expect(read(root, 'pkg/README.md')()).toBe('hello\n')
      expect(refusal(read(root, 'pkg/OWNERS'))).toEqual(refused('outside', 'pkg/OWNERS'))
      expect(refusal(read(root, 'pkg/OWNERS.loop'))).toEqual(refused('loop', 'pkg/OWNERS.loop'))
    })
  }
)

describe.each([{ folderListed: false }, { folderListed: true }])('size (%o)', (options) => {
  it('refuses a file over the limit from its size, whatever was read of it', () => {
    const { root } = checkout()
    const big = path.join(root, 'pkg', 'pyproject.toml')
    truncateSync(big, 50 * 1024 * 1024) // sparse: 50 MB that cost no disk
    const r = refusal(() => readRepoBytes(root, 'pkg/pyproject.toml', options))
    expect(r).toEqual(refused('too-large', 'pkg/pyproject.toml'))
    expect(r.message).toBe(
      `52428800 bytes, over the ${MAX_REPO_FILE_BYTES}-byte limit (1 MiB) for a repository file (not read)`
    )
    truncateSync(big, MAX_REPO_FILE_BYTES)
    expect(readRepoBytes(root, 'pkg/pyproject.toml', options)?.length).toBe(MAX_REPO_FILE_BYTES)
    expect(
      refusal(() => readRepoBytes(root, 'README.md', { ...options, maxBytes: 3 })).reason
    ).toBe('too-large')
    expect(readRepoBytes(root, 'README.md', { ...options, maxBytes: 6 })?.toString()).toBe(
      'hello\n'
    )
  })

  it('an empty file is an empty text; bytes read stay as they were after later reads', () => {
    const { root } = checkout()
    writeFiles(root, { 'pkg/empty.txt': '', 'pkg/other.txt': 'other bytes\n' })
    expect(readRepoText(root, 'pkg/empty.txt', options)).toBe('')
    const first = readRepoBytes(root, 'README.md', options)
    readRepoBytes(root, 'pkg/other.txt', options)
    readRepoText(root, 'pkg/pyproject.toml', options)
    expect(first?.toString()).toBe('hello\n')
  })
})

describe('encoding', () => {
  it('text that is not UTF-8 is refused with the line and column of the first bad byte', () => {
    const { root } = checkout()
    const latin1 = Buffer.from(
      '[project]\nname = "citations"\ndescription = "f\u00fcr Mellea"\n',
      'latin1'
    )
    writeFileSync(path.join(root, 'pkg', 'pyproject.toml'), latin1)
    const r = refusal(() => readRepoText(root, 'pkg/pyproject.toml'))
    expect(r).toEqual({
      reason: 'not-utf8',
      file: 'pkg/pyproject.toml',
      line: 3,
      message:
        'not UTF-8: byte 0xFC at line 3, column 17; pip, uv and hatch read UTF-8 only, so save the file as UTF-8'
    })
    // Columns count characters: a valid two-byte character before the bad byte is one column.
    const mixed = Buffer.concat([Buffer.from('é'), Buffer.from([0xff])])
    expect(refusal(() => decodeUtf8(mixed, 'x')).message).toMatch(/line 1, column 2/)
  })

  it('finds the first bad byte: what comes before it decodes strictly, and it does not', () => {
    const strict = new TextDecoder('utf-8', { fatal: true })
    const decodes = (uint8Array: Uint8Array) => {
      try {
        strict.decode(uint8Array)
        return true
      } catch {
        return false
      }
    }
    // [bytes, offset of the first bad byte (the length when there is none)]
    const cases: [number[], number][] = [
      [[0xc0, 0x80], 0], // overlong
      [[0x61, 0xe0, 0x80, 0x80], 1], // overlong
      [[0xed, 0xa0, 0x80], 0], // a surrogate
      [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
      [[0xf8, 0x88, 0x80, 0x80, 0x80], 0],
      [[0x61, 0xe2, 0x82], 1], // cut short
      [[0x61, 0xe2, 0x82, 0xac, 0x62], 5], // valid: a€b
      [[0xf0, 0x9f, 0x98, 0x80, 0x80], 4], // an emoji, then a stray continuation byte
      [[0xc3, 0xa9, 0xff], 2]
    ]
    for (const [c, expected] of cases) {
      const bytes = Uint8Array.from(c)
      expect([c, firstInvalidUtf8(bytes)]).toEqual([c, expected])
      expect(decodes(bytes.subarray(0, expected))).toBe(true)
      expect(decodes(bytes)).toBe(expected === bytes.length)
    }
  })
})

describe('pathExists', () => {
  it('sees a link without following it, and nothing through a file or a loop', () => {
    const { root, outside } = checkout()
    symlinkSync(outside, path.join(root, 'out'))
    symlinkSync('loop', path.join(root, 'loop'))
    expect(pathExists(path.join(root, 'out'))).toBe(true)
    expect(pathExists(path.join(root, 'loop'))).toBe(true)
    expect(pathExists(path.join(root, 'loop', 'x'))).toBe(false)
    expect(pathExists(path.join(root, 'README.md', 'x'))).toBe(false)
    expect(pathExists(path.join(root, 'missing'))).toBe(false)
  })
})

describe('readRepoTextAt: a file at a commit', () => {
  it('reads a blob; refuses a link, a folder, a blob over the limit and text that is not UTF-8', async () => {
    const { root } = checkout()
    writeFiles(root, { 'list.json': '{"packages": []}\n', 'docs/x.md': '' })
    symlinkSync('/dev/zero', path.join(root, 'zero.json'))
    writeFileSync(path.join(root, 'latin1.json'), Buffer.from('{"a": "\u00e9"}', 'latin1'))
    const sha = initGitRepo(root)
    writeFiles(root, { 'list.json': '{"packages": ["changed"]}\n' })
    commitAll(root, 'later')
    const at = (rel: string, maxBytes?: number) =>
      readRepoTextAt(root, sha, rel, maxBytes ? { maxBytes } : {})
    expect(await at('list.json')).toBe('{"packages": []}\n')
    expect(await at('missing.json')).toBeUndefined()
    const reasons: Record<string, string> = {}
    for (const [rel, maxBytes] of [['zero.json'], ['docs'], ['list.json', 4], ['latin1.json']] as [
      string,
      number?
    ][]) {
      await at(rel, maxBytes).catch((e: UnreadableFileError) => (reasons[rel] = e.reason))
    }
    expect(reasons).toEqual({
      'zero.json': 'outside',
      docs: 'not-a-file',
      'list.json': 'too-large',
      'latin1.json': 'not-utf8'
    })
  })
})
