// API cost of the GitHub-writing actions, read from the emulator's request log: how the number of
// requests of a smoke-reporter run and of an archival sweep grows with the number of packages and
// of tracked issues. The bundles run as whole processes against the in-process emulator.
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { runBundle } from '@contribs-actions/cli'
import { startEmulator, type Emulator } from '@contribs-actions/github-emulator'
import { createClient } from '@contribs-actions/shared/github'
import { trackingMarker } from '@contribs-actions/shared'
import { benchRepo } from './repos.js'

const OWNER = 'bench'
const REPO = 'contribs'

/** The first `packages` subpackage folders (those with an OWNERS file), sorted. */
function packagesOf(dir: string, packages: number): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter(
      (e) =>
        e.isDirectory() && !e.name.startsWith('.') && existsSync(path.join(dir, e.name, 'OWNERS'))
    )
    .map((e) => e.name)
    .sort()
    .slice(0, packages)
}

interface Count {
  requests: number
  writes: number
  /** Pages of the run's job list: the one read that grows with every leg, 100 jobs a page. */
  jobPages: number
}

function count(emu: Emulator): Count {
  const log = emu.requests()
  return {
    requests: log.length,
    writes: log.filter((r) => r.write).length,
    jobPages: log.filter((r) => r.route?.endsWith('/jobs')).length
  }
}

async function smokeCost(packages: number): Promise<string> {
  const repo = benchRepo(packages)
  const emu = await startEmulator({ now: new Date() })
  try {
    await emu.seedRepo({ owner: OWNER, repo: REPO, source: repo.dir })
    const pkgs = packagesOf(repo.dir, packages)
    let runId = 5000
    const night = async (red: string[]): Promise<Count> => {
      runId++
      emu.seedRun(OWNER, REPO, {
        id: runId,
        jobs: pkgs.map((p) => ({
          name: `smoke (${p}) py3.12`,
          conclusion: red.includes(p) ? 'failure' : 'success'
        }))
      })
      emu.clearRequests()
      const r = await runBundle({
        action: 'smoke-reporter',
        inputs: { mode: 'aggregate', token: 'app-token' },
        workspace: repo.dir,
        env: {
          GITHUB_API_URL: emu.url,
          GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
          GITHUB_RUN_ID: String(runId),
          GITHUB_RUN_ATTEMPT: '1',
          CONTRIBS_ACTIONS_TIME_SCALE: '0.001'
        }
      })
      if (r.exitCode !== 0) throw new Error(`smoke-reporter failed: ${r.stdout.slice(-400)}`)
      return count(emu)
    }
    const one = pkgs[Math.min(1, pkgs.length - 1)]
    const cells = [await night([]), await night([one]), await night([one]), await night([])]
    return `| ${packages} | ${cells.map((c) => `${c.requests} / ${c.writes} (${c.jobPages})`).join(' | ')} |`
  } finally {
    await emu.close()
  }
}

async function sweepCost(issues: number): Promise<string> {
  const repo = benchRepo(10)
  const emu = await startEmulator({ now: new Date() })
  try {
    await emu.seedRepo({ owner: OWNER, repo: REPO, source: repo.dir })
    const octokit = createClient({ token: 'user-token', baseUrl: emu.url, timeScale: 0 })
    for (let i = 0; i < issues; i++) {
      await octokit.rest.issues.create({
        owner: OWNER,
        repo: REPO,
        title: `[contribs-broken] pkg-${i}: smoke red`,
        body: trackingMarker(`pkg-${i}`),
        labels: ['contribs-broken']
      })
    }
    const sweep = async (): Promise<Count> => {
      emu.clearRequests()
      const r = await runBundle({
        action: 'archival-sweep',
        inputs: { token: 'app-token', 'max-operations': '100000' },
        workspace: repo.dir,
        env: {
          GITHUB_API_URL: emu.url,
          GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
          CONTRIBS_ACTIONS_TIME_SCALE: '0'
        }
      })
      if (r.exitCode !== 0) throw new Error(`archival-sweep failed: ${r.stdout.slice(-400)}`)
      return count(emu)
    }
    const young = await sweep()
    emu.advance({ days: 8 })
    const due = await sweep()
    const again = await sweep()
    return `| ${issues} | ${young.requests} / ${young.writes} | ${due.requests} / ${due.writes} | ${again.requests} / ${again.writes} |`
  } finally {
    await emu.close()
  }
}

export async function apiCost(_opts: { runs: number }): Promise<string[]> {
  const out: string[] = []
  out.push(
    "Requests / writes (of the requests, pages of the run's job list) per smoke-reporter run in aggregate mode (a run of all legs green with no state, one package red, the same package red again (tracking issue opens), all green again (recovery)). Reading the run's jobs, 100 a page, is the only cost that grows with every package; the rest grows with the packages whose state changed, and a run where nothing changed writes nothing:"
  )
  out.push('')
  out.push('| packages | all green | one red | red again: issue | green again |')
  out.push('| --- | --- | --- | --- | --- |')
  for (const n of [10, 100, 1000]) out.push(await smokeCost(n))
  out.push('')
  out.push(
    'Requests / writes per archival sweep with T tracked issues (all younger than the first milestone; all at day 8, one reminder each; the same sweep again):'
  )
  out.push('')
  out.push('| tracked issues | young | day 8 | re-run |')
  out.push('| --- | --- | --- | --- |')
  for (const t of [10, 50, 150]) out.push(await sweepCost(t))
  return out
}
