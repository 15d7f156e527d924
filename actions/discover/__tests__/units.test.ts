// The pure parts: git output parsing, sharding, and the event plan.
import { planRange } from '../src/event-plan.js'
import { parseNameStatus } from '../src/git-range.js'
import { Leg, shardLegs } from '../src/legs.js'

test('git diff --name-status -z output, renames with both paths, odd names intact', () => {
  const z = [
    'M',
    'a b.py',
    'R087',
    'x/old',
    'y/new',
    'D',
    'line\nbreak',
    'A',
    'tab\there',
    ''
  ].join('\0')
  expect(parseNameStatus(z)).toEqual([
    { status: 'M', path: 'a b.py' },
    { status: 'R', from: 'x/old', path: 'y/new' },
    { status: 'D', path: 'line\nbreak' },
    { status: 'A', path: 'tab\there' }
  ])
  expect(parseNameStatus('')).toEqual([])
})

describe('shards', () => {
  const packages = Array.from({ length: 100 }, (_, i) => `pkg-${String(i).padStart(3, '0')}`)
  const legsOf = (names: string[], perPackage = 3): Leg[] =>
    names.flatMap((p) =>
      Array.from({ length: perPackage }, (_, i) => ({
        package: p,
        python: `3.1${i}`,
        timeout: 30,
        skip_ollama: false
      }))
    )
  const shardOf = (shards: Leg[][]) => {
    const m = new Map<string, number>()
    shards.forEach((s, i) => s.forEach((l) => m.set(l.package, i)))
    return m
  }

  test('fit in one matrix: one shard; nothing: none', () => {
    const legs = legsOf(packages.slice(0, 10))
    expect(shardLegs(legs, 256, packages)).toEqual([legs])
    expect(shardLegs([], 256, packages)).toEqual([])
  })

  test('over the limit: every shard within it, packages whole, every leg once', () => {
    const legs = legsOf(packages)
    const shards = shardLegs(legs, 128, packages)
    expect(shards.length).toBe(3)
    for (const s of shards) expect(s.length).toBeLessThanOrEqual(128)
    expect(shards.flat()).toEqual(legs)
    const m = shardOf(shards)
    for (const p of packages)
      expect(new Set(shards[m.get(p)!].map((l) => l.package)).has(p)).toBe(true)
  })

  test('a package keeps its shard whichever other packages run', () => {
    const all = shardOf(shardLegs(legsOf(packages), 128, packages))
    const some = packages.filter((_, i) => i % 7 !== 3)
    const fewer = shardOf(shardLegs(legsOf(some), 128, packages))
    for (const p of some) expect(fewer.get(p)).toBe(all.get(p))
  })

  test('bunched changes are packed in name order; a package over the limit is split', () => {
    // Ten packages at the start of the alphabet with 30 legs each: no slicing of the whole
    // package list fits them in 3 to 6 shards, so they are packed.
    const bunched = legsOf(packages.slice(0, 10), 30)
    const shards = shardLegs(bunched, 100, packages)
    expect(shards.map((s) => s.length)).toEqual([90, 90, 90, 30])
    expect(shards.flat()).toEqual(bunched)
    const big = legsOf(['pkg-000'], 5)
    expect(shardLegs(big, 2, packages).map((s) => s.length)).toEqual([2, 2, 1])
  })
})

describe('event plan', () => {
  const sha = (c: string) => c.repeat(40)

  test('pull requests diff from the merge-base; pull_request_target from the PR head', () => {
    const payload = {
      pull_request: { number: 3, base: { sha: sha('a'), ref: 'main' }, head: { sha: sha('b') } }
    }
    expect(planRange('pull_request', payload, {})).toMatchObject({
      base: { rev: sha('a'), mode: 'merge-base' },
      head: { rev: 'HEAD', fetch: [] },
      pullRequestBase: 'main'
    })
    expect(planRange('pull_request_target', payload, {})).toMatchObject({
      head: { rev: sha('b'), fetch: [sha('b'), 'refs/pull/3/head'] }
    })
  })

  test('merge queue, push, and the rest', () => {
    expect(
      planRange('merge_group', { merge_group: { base_sha: sha('c') } }, {}).base
    ).toMatchObject({ rev: sha('c'), mode: 'direct' })
    expect(planRange('push', { before: sha('d') }, {}).base).toMatchObject({ mode: 'ancestor' })
    expect(planRange('push', { before: sha('0') }, {}).runAll?.code).toBe('new-branch')
    expect(planRange('push', { before: sha('d'), forced: true }, {}).runAll?.code).toBe(
      'force-push'
    )
    expect(planRange('schedule', {}, {}).runAll?.code).toBe('no-base')
    expect(planRange('schedule', {}, { base: 'v1.0' }).base).toMatchObject({
      rev: 'v1.0',
      mode: 'direct'
    })
  })

  test('payload values that are not shas are refused before reaching git', () => {
    expect(() => planRange('push', { before: '--upload-pack=x' }, {})).toThrow(
      "the push event payload's before is not a commit sha"
    )
    expect(() => planRange('merge_group', {}, {})).toThrow('has no merge_group.base_sha')
  })
})
