import { cleanupTempDirs, initGitRepo, tempDir, writeFiles, git } from '../../test/kit/fixtures.js'
import { filesReachingOutside, OUTSIDE_FOLDER } from '../lib/self-contained.js'

afterAll(cleanupTempDirs)

test('a tracked mention outside dist/ is found; dist/, untracked files and clean files are not', () => {
  const dir = tempDir()
  writeFiles(dir, {
    'README.md': '# clean\n',
    'bench/gen.ts': `const generator = '${OUTSIDE_FOLDER}bench/gen.mjs'\n`,
    'docs/emulator.md': `What it does is in \`${['shared', 'reference', 'api.md'].join('/')}\`.\n`,
    // The repository's own folder of that name is not the one beside it.
    'packages/shared/spec/notes.md': 'see packages/shared/spec/notes.md\n',
    'actions/x/dist/index.js': `// ${OUTSIDE_FOLDER}vendor\n`
  })
  initGitRepo(dir)
  writeFiles(dir, { 'notes.md': `see ${OUTSIDE_FOLDER}spec\n` })
  expect(filesReachingOutside(dir)).toEqual(['bench/gen.ts', 'docs/emulator.md'])
  git(dir, 'rm', '-q', 'bench/gen.ts', 'docs/emulator.md')
  expect(filesReachingOutside(dir)).toEqual([])
})
