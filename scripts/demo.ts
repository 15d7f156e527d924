// The demo: the suite's real job on the embedded default. It copies examples/contribs-repo into a
// temporary git repository and runs the built action bundles against it exactly as the runner
// would, printing each step's job summary. (The full lifecycle story grows with the actions.)
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { runBundle } from '@contribs-actions/cli'
import { REPO_ROOT } from './lib/bundles.js'

async function main(): Promise<number> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'contribs-demo-'))
  try {
    cpSync(path.join(REPO_ROOT, 'examples/contribs-repo'), work, { recursive: true })
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: 'demo',
      GIT_AUTHOR_EMAIL: 'demo@example.invalid',
      GIT_COMMITTER_NAME: 'demo',
      GIT_COMMITTER_EMAIL: 'demo@example.invalid'
    }
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: work, env })
    execFileSync('git', ['add', '-A'], { cwd: work, env })
    execFileSync('git', ['-c', 'commit.gpgsign=false', 'commit', '-qm', 'example contribs repo'], {
      cwd: work,
      env
    })

    console.log('== read-ci-config (packages: all) on the example contribs repo\n')
    const r = await runBundle({
      action: 'read-ci-config',
      inputs: { packages: 'all' },
      workspace: work
    })
    console.log(r.summary)
    console.log(
      r.exitCode === 0
        ? 'demo finished: every step passed'
        : `demo step failed (exit ${r.exitCode})`
    )
    return r.exitCode
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

main().then((c) => process.exit(c))
