import { cleanupTempDirs, initGitRepo, tempDir, writeFiles, git } from '../../test/kit/fixtures.js'
import { filesReachingOutside, OUTSIDE_FOLDER } from '../lib/self-contained.js'

afterAll(cleanupTempDirs)

test('a tracked mention outside dist/ is found; dist/, untracked files and clean files are not', () => {
  const dir = tempDir()
  writeFiles(dir, {
    'README.md': '# clean\n',
    'bench/gen.ts': `const generator = '${OUTSIDE_FOLDER}bench/gen.mjs'\n`,
    'actions/x/dist/index.js': `// ${OUTSIDE_FOLDER}vendor\n`
  })
  initGitRepo(dir)
  writeFiles(dir, { 'notes.md': `see ${OUTSIDE_FOLDER}spec\n` })
  expect(filesReachingOutside(dir)).toEqual(['bench/gen.ts'])
  git(dir, 'rm', '-q', 'bench/gen.ts')
  expect(filesReachingOutside(dir)).toEqual([])
})
