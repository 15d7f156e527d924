/**
 * Standalone emulator:
 *
 *   node --import tsx packages/github-emulator/src/cli.ts --port 0 [--seed FILE.json]
 *        [--now ISO] [--data-dir DIR] [--search-lag MS] [--enforce-rate-limits]
 *
 * Prints one JSON line `{"url", "port", "dataDir", "repos": {"owner/repo": gitDir}}` once it
 * listens, then serves until SIGINT/SIGTERM. The control API lives under `${url}/_emulator/`.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { SeedRepoOptions } from './core.js'
import { startEmulator } from './emulator.js'
import type { FaultSpec } from './faults.js'
import type { RunSpec, TokenSpec } from './model/types.js'

/** The `--seed` file: everything the control API can seed, in one JSON document. */
export interface SeedFile {
  now?: string
  repos?: SeedRepoOptions[]
  tokens?: TokenSpec[]
  collaborators?: { owner: string; repo: string; login: string }[]
  teams?: { org: string; slug: string; members: string[] }[]
  runs?: ({ owner: string; repo: string } & RunSpec)[]
  faults?: FaultSpec[]
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      seed: { type: 'string' },
      now: { type: 'string' },
      'data-dir': { type: 'string' },
      'search-lag': { type: 'string' },
      'enforce-rate-limits': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false }
    }
  })
  if (values.help) {
    console.log(
      'usage: github-emulator [--port N] [--seed FILE.json] [--now ISO] [--data-dir DIR] [--search-lag MS] [--enforce-rate-limits]'
    )
    return
  }
  const seed: SeedFile = values.seed
    ? (JSON.parse(readFileSync(values.seed, 'utf8')) as SeedFile)
    : {}
  const emu = await startEmulator({
    port: Number(values.port),
    now: values.now ?? seed.now,
    dataDir: values['data-dir'],
    searchLagMs: values['search-lag'] ? Number(values['search-lag']) : undefined,
    enforceRateLimits: values['enforce-rate-limits']
  })
  const repos: Record<string, string> = {}
  try {
    for (const t of seed.tokens ?? []) emu.addToken(t)
    for (const r of seed.repos ?? []) repos[`${r.owner}/${r.repo}`] = (await emu.seedRepo(r)).gitDir
    for (const c of seed.collaborators ?? []) emu.addCollaborator(c.owner, c.repo, c.login)
    for (const t of seed.teams ?? []) emu.addTeam(t.org, t.slug, t.members)
    for (const { owner, repo, ...run } of seed.runs ?? []) emu.seedRun(owner, repo, run)
    for (const f of seed.faults ?? []) emu.addFault(f)
  } catch (e) {
    await emu.close()
    throw e
  }
  console.log(JSON.stringify({ url: emu.url, port: emu.port, dataDir: emu.dataDir, repos }))
  let closing = false
  const stop = (): void => {
    if (closing) return
    closing = true
    emu.close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((e: unknown) => {
  console.error(`github-emulator: ${(e as Error).message}`)
  process.exit(1)
})
