// npm run demo: the suite's real job on the embedded default. examples/contribs-repo becomes a git
// repository served by the local GitHub emulator, and the BUILT action bundles run against it as
// the runner would, through a scripted year in the life of the repo. Prints each step's job
// summary and a closing report; leaves nothing running and nothing on disk.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { consoleLog, World } from './story.js'
import { chapters, type Report } from './chapters.js'

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export async function runDemo(out: (s: string) => void): Promise<Report> {
  const started = Date.now()
  const work = mkdtempSync(path.join(os.tmpdir(), 'contribs-demo-'))
  const world = new World(work, path.join(REPO_ROOT, 'examples/contribs-repo'), consoleLog(out))
  try {
    await world.start()
    const report = await chapters(world)
    report.seconds = Math.round((Date.now() - started) / 100) / 10
    out(`\n${'='.repeat(78)}\nWhat happened\n${'='.repeat(78)}`)
    for (const line of report.lines) out(`  - ${line}`)
    out(
      `\n  ${report.failures.length ? `${report.failures.length} step(s) did not go as expected:\n    ${report.failures.join('\n    ')}` : 'Every step went as expected.'} (${report.seconds} s)`
    )
    return report
  } finally {
    await world.emu?.close()
    rmSync(work, { recursive: true, force: true })
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runDemo((s) => console.log(s)).then(
    (r) => process.exit(r.failures.length ? 1 : 0),
    (e) => {
      console.error(e)
      process.exit(1)
    }
  )
}
