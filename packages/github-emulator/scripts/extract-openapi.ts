/**
 * Regenerates openapi/api.github.com.subset.json: the operations the emulator serves (taken
 * from its own route table, so the subset cannot drift from the code) plus every component they
 * reference, cut from GitHub's published description in @octokit/openapi (MIT).
 *
 *   node --import tsx packages/github-emulator/scripts/extract-openapi.ts [api.github.com.json]
 *
 * Without an argument it runs `npm pack @octokit/openapi@23.0.2` into a temp dir (the package is
 * 29 MB packed, 385 MB unpacked, so it is deliberately not a dependency).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { allRoutes } from '../src/routes/index.js'

const PACKAGE = '@octokit/openapi@23.0.2'
const here = dirname(fileURLToPath(import.meta.url))
const out = join(here, '..', 'openapi', 'api.github.com.subset.json')

type Json = Record<string, unknown>

function loadSpec(arg: string | undefined): Json {
  if (arg) return JSON.parse(readFileSync(arg, 'utf8')) as Json
  const tmp = mkdtempSync(join(tmpdir(), 'octokit-openapi-'))
  try {
    execFileSync('npm', ['pack', PACKAGE, '--pack-destination', tmp, '--silent'], { stdio: 'pipe' })
    const tgz = join(tmp, 'octokit-openapi-23.0.2.tgz')
    execFileSync('tar', ['xzf', tgz, '-C', tmp, 'package/generated/api.github.com.json'])
    return JSON.parse(
      readFileSync(join(tmp, 'package/generated/api.github.com.json'), 'utf8')
    ) as Json
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

/** Drops prose and examples: the subset is for validation, and GitHub's docs have the rest. */
function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip)
  if (!node || typeof node !== 'object') return node
  const result: Json = {}
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === 'examples' || k === 'example' || k === 'description' || k.startsWith('x-')) continue
    result[k] = strip(v)
  }
  return result
}

function refsIn(node: unknown, found: Set<string>): void {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, found))
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === '$ref' && typeof v === 'string') found.add(v)
      else refsIn(v, found)
    }
  }
}

function main(): void {
  const spec = loadSpec(process.argv[2])
  const paths = spec.paths as Record<string, Record<string, Json>>
  const components = spec.components as Record<string, Record<string, unknown>>
  const subsetPaths: Record<string, Record<string, unknown>> = {}
  const missing: string[] = []
  for (const r of allRoutes()) {
    const op = paths[r.template]?.[r.method.toLowerCase()]
    if (!op) {
      missing.push(`${r.method} ${r.template}`)
      continue
    }
    subsetPaths[r.template] ??= {}
    subsetPaths[r.template][r.method.toLowerCase()] = {
      operationId: op.operationId,
      summary: op.summary,
      ...(strip({
        parameters: op.parameters,
        requestBody: op.requestBody,
        responses: op.responses
      }) as Json)
    }
  }
  // Close over references: components can reference further components.
  const subsetComponents: Record<string, Record<string, unknown>> = {}
  const seen = new Set<string>()
  const queue = new Set<string>()
  refsIn(subsetPaths, queue)
  while (queue.size > 0) {
    const ref = queue.values().next().value as string
    queue.delete(ref)
    if (seen.has(ref)) continue
    seen.add(ref)
    const [, , kind, name] = ref.split('/')
    const value = strip(components[kind]?.[name])
    if (value === undefined) throw new Error(`unresolved ${ref}`)
    subsetComponents[kind] ??= {}
    subsetComponents[kind][name] = value
    const more = new Set<string>()
    refsIn(value, more)
    for (const m of more) if (!seen.has(m)) queue.add(m)
  }
  for (const kind of Object.keys(subsetComponents)) {
    subsetComponents[kind] = Object.fromEntries(
      Object.entries(subsetComponents[kind]).sort(([a], [b]) => a.localeCompare(b))
    )
  }
  const info = spec.info as Json
  const subset = {
    openapi: spec.openapi,
    info: {
      title: `${String(info.title)} (subset served by @contribs-actions/github-emulator)`,
      version: info.version,
      'x-source': `${PACKAGE} generated/api.github.com.json`,
      'x-license': 'MIT License, Copyright (c) 2020 Octokit contributors. See openapi/README.md.',
      'x-generated-by': 'packages/github-emulator/scripts/extract-openapi.ts'
    },
    paths: Object.fromEntries(Object.entries(subsetPaths).sort(([a], [b]) => a.localeCompare(b))),
    components: subsetComponents
  }
  writeFileSync(out, `${JSON.stringify(subset, null, 1)}\n`)
  const count = Object.values(subsetPaths).reduce((n, p) => n + Object.keys(p).length, 0)
  console.log(`wrote ${out}: ${count} operations, ${seen.size} components`)
  if (missing.length > 0)
    console.log(`not in the description (no contract test): ${missing.join(', ')}`)
}

main()
