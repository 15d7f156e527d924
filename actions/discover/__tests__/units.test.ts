// The pure parts: git output parsing, the partial TOML reader, sharding, and the event plan.
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import { getTable, parseToml } from '@contribs-actions/shared'
import { EXAMPLE_REPO } from '../../../test/kit/fixtures.js'
import { sortedKeys } from '../src/discover.js'
import { planRange } from '../src/event-plan.js'
import { parseNameStatus } from '../src/git-range.js'
import { Leg, shardLegs } from '../src/legs.js'
import {
  headerPath,
  onlyTable,
  parseSimpleToml,
  parseTomlPartial,
  relevantText
} from '../src/partial-toml.js'

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

describe('partial TOML', () => {
  const CI = [['tool', 'mellea-contribs', 'ci']]
  const DEPS = [['project'], ['dependency-groups'], ['tool', 'uv', 'sources']]
  /** The full parse, restricted to the wanted paths: what the partial parse must equal. */
  const restricted = (text: string, wanted: string[][]) => {
    const full = parseToml(text, 'x.toml')
    return wanted.map((w) => getTable(full, w) ?? null)
  }
  const partial = (text: string, wanted: string[][]) => {
    const data = parseTomlPartial(text, 'x.toml', wanted)
    return wanted.map((w) => getTable(data, w) ?? null)
  }

  const examples = readdirSync(EXAMPLE_REPO)
    .map((d) => path.join(EXAMPLE_REPO, d, 'pyproject.toml'))
    .filter((f) => existsSync(f))
  test.each(examples.map((f) => [path.relative(EXAMPLE_REPO, f)]))(
    '%s: the wanted tables equal the full parse',
    (rel) => {
      const text = readFileSync(path.join(EXAMPLE_REPO, rel), 'utf8')
      for (const wanted of [CI, DEPS, [['project', 'name'], ['tool']]])
        expect(partial(text, wanted)).toEqual(restricted(text, wanted))
    }
  )

  test.each([
    [
      'dotted keys in the root section',
      'tool.mellea-contribs.ci.timeout_minutes = 5\n[project]\nname = "x"\n'
    ],
    [
      'a [tool] table with dotted keys',
      '[tool]\nmellea-contribs.ci.skip_ollama = true\n[other]\na = 1\n'
    ],
    ['quoted and spaced headers', '[ tool . "mellea-contribs" . ci ]\ntimeout_minutes = 7\n'],
    [
      'sub-tables of the wanted one',
      '[tool.mellea-contribs.ci]\na = 1\n[tool.mellea-contribs.ci.extra]\nb = 2\n'
    ],
    [
      'array values on their own lines',
      '[tool.other]\nm = [\n[1],\n[2]\n]\n[tool.mellea-contribs.ci]\nx = [\n[1]\n]\n'
    ],
    [
      'a multi-line string hiding a header',
      '[a]\ns = """\n[tool.mellea-contribs.ci]\nx = 1\n"""\n'
    ],
    [
      'an array of tables',
      '[[tool.mellea-contribs.ci.runs]]\nn = 1\n[[tool.mellea-contribs.ci.runs]]\nn = 2\n'
    ],
    ['inline tables', '[tool]\nmellea-contribs = { ci = { timeout_minutes = 3 } }\n'],
    [
      'the table name in strings and URLs',
      'keywords = ["mellea-contribs"]\nurl = "https://x/mellea-contribs"\n[tool.mellea-contribs.ci]\nskip_ollama = true\n'
    ],
    [
      'the table name as a dotted key elsewhere',
      '[project]\nname = "x"\n[tool]\nmellea-contribs.ci.y = 2\n'
    ],
    [
      'a header with a comment and CRLF',
      '[a]\r\nb = 1\r\n[tool.mellea-contribs.ci] # ci\r\nx = 2\r\n[c]\r\nd = 3\r\n'
    ],
    [
      'an array line at the start of a line in the table',
      '[tool.mellea-contribs.ci]\nm = [\n[1],\n]\nx = 1\n'
    ],
    ['an indented header after the table', '[tool.mellea-contribs.ci]\nx = 1\n  [other]\ny = 2\n'],
    ['no table at all', '[project]\nname = "mellea-contribs-x"\n']
  ])('%s', (_name, text) => {
    expect(partial(text, CI)).toEqual(restricted(text, CI))
  })

  test('only the root section and the related tables are kept', () => {
    const text =
      '# c\n[project]\nname = "x"\n[tool.other]\na = 1\n[tool.mellea-contribs.ci]\nb = 2\n'
    expect(relevantText(text, CI)).toBe('# c\n[tool.mellea-contribs.ci]\nb = 2\n')
    expect(relevantText('[a]\ns = """x"""\n', CI)).toBeUndefined()
    expect(relevantText('["a\\u0041"]\n', CI)).toBeUndefined()
  })

  test('a syntax error in a wanted table is reported with the real line', () => {
    const text = '[project]\nname = "x"\n\n[tool.mellea-contribs.ci]\ntimeout_minutes = = 3\n'
    expect(() => parseTomlPartial(text, 'p/pyproject.toml', CI)).toThrow(
      expect.objectContaining({ file: 'p/pyproject.toml', line: 5 })
    )
  })

  test('the plain-TOML reader agrees with the full parser, or steps aside', () => {
    const accepted = [
      '[tool.mellea-contribs.ci]\nskip_ollama = true\ntimeout_minutes = 90\npython_versions = ["3.11", "3.12"]\n',
      '# c\n[ a . b ]  # note\nx = \'lit\' # c\ny = [ "a", "b", ]\nz = []\nw = -12\n\r\n',
      '[a.b]\nx = 1\n[a]\ny = "s # not a comment"\n',
      'k = [1, "a", false]\r\nq = 0\n'
    ]
    const declined = [
      'x = -0\n',
      'x = 1_000\n',
      'x = 01\n',
      'x = 1.5\n',
      'x = "a\\tb"\n',
      'x = truex\n',
      'x = 1979-05-27\n',
      'x = { a = 1 }\n',
      'a.b = 1\n',
      '"q" = 1\n',
      'x = 1\nx = 2\n',
      '[a]\n[a]\n',
      'a = 1\n[a]\n',
      '[[a]]\nx = 1\n',
      '\u00a0x = 1\n',
      'x = "bell\u0007"\n',
      'x = [\n1\n]\n',
      'x = ["a" # c\n]\n',
      '__proto__ = 1\n',
      'x = 1 y = 2\n'
    ]
    for (const text of accepted) {
      const simple = parseSimpleToml(text)
      expect(simple).toBeDefined()
      expect(simple).toEqual(parseToml(text, 'x.toml'))
    }
    for (const text of declined) expect(parseSimpleToml(text)).toBeUndefined()
  })

  test('one wanted table is found with string searches, or handed to the general split', () => {
    expect(onlyTable('[p]\nn = "mellea-contribs-x"\n', CI[0])).toBe('')
    expect(onlyTable('[p]\n[tool.mellea-contribs.ci]\nx = 1\n[q]\n', CI[0])).toBe(
      '[tool.mellea-contribs.ci]\nx = 1\n'
    )
    // The file's bytes give the same section as its text, whatever else the file holds.
    const accented = 'description = "Ünïcödé ✓"\n[tool.mellea-contribs.ci]\nx = "é"\n[q]\n'
    expect(onlyTable(Buffer.from(accented), CI[0])).toBe('[tool.mellea-contribs.ci]\nx = "é"\n')
    expect(onlyTable(Buffer.from(accented), CI[0])).toBe(onlyTable(accented, CI[0]))
    // A multi-byte character next to the table's name is not a key separator in either form.
    const touching = 'n = "émellea-contribs✓"\n[tool.mellea-contribs.ci]\nx = "✓"\n'
    expect(onlyTable(Buffer.from(touching), CI[0])).toBe('[tool.mellea-contribs.ci]\nx = "✓"\n')
    expect(onlyTable(Buffer.from(touching), CI[0])).toBe(onlyTable(touching, CI[0]))
    for (const text of [
      '[tool.mellea-contribs]\nci.x = 1\n',
      '[tool."mellea-contribs".ci]\nx = 1\n',
      ' [tool.mellea-contribs.ci]\nx = 1\n',
      '[tool.mellea-contribs.ci.sub]\nx = 1\n',
      '[[tool.mellea-contribs.ci]]\nx = 1\n'
    ]) {
      expect(onlyTable(text, CI[0])).toBeUndefined()
      expect(onlyTable(Buffer.from(text), CI[0])).toBeUndefined()
    }
  })

  test('header lines', () => {
    expect(headerPath('[a.b]')).toEqual(['a', 'b'])
    expect(headerPath('  [[ a . "b c" ]] # note')).toEqual(['a', 'b c'])
    expect(headerPath("['x'.y]")).toEqual(['x', 'y'])
    expect(headerPath('[1, 2],')).toBeUndefined()
    expect(headerPath('["a", "b"],')).toBeNull()
    expect(headerPath('["a\\"b"]')).toBeNull()
  })
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

  test('the same shards as the rule read literally, on random selections', () => {
    // The rule as the doc comment states it, with nothing skipped.
    const literal = (legs: Leg[], maxLegs: number, all: string[]): Leg[][] => {
      if (legs.length === 0) return []
      if (legs.length <= maxLegs) return [legs]
      const groups: Leg[][] = []
      for (const leg of legs) {
        const last = groups[groups.length - 1]
        if (last && last[0].package === leg.package) last.push(leg)
        else groups.push([leg])
      }
      if (groups.some((g) => g.length > maxLegs)) {
        const out: Leg[][] = []
        for (let i = 0; i < legs.length; i += maxLegs) out.push(legs.slice(i, i + maxLegs))
        return out
      }
      const n = Math.max(all.length, 1)
      const minimal = Math.ceil(legs.length / maxLegs)
      for (let k = minimal; k <= 2 * minimal; k++) {
        const sliceOf = (g: Leg[]) =>
          Math.min(k - 1, Math.floor((all.indexOf(g[0].package) * k) / n))
        const slices: Leg[][] = Array.from({ length: k }, () => [])
        for (const g of groups) slices[sliceOf(g)].push(...g)
        if (slices.some((x) => x.length > maxLegs)) continue
        return slices.filter((x) => x.length > 0)
      }
      const out: Leg[][] = [[]]
      for (const g of groups) {
        if (out[out.length - 1].length + g.length > maxLegs) out.push([])
        out[out.length - 1].push(...g)
      }
      return out
    }
    let seed = 7
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let round = 0; round < 200; round++) {
      const chosen = packages.filter(() => next() < 0.2 + next() * 0.8)
      const legs = chosen.flatMap((p) => legsOf([p], 1 + Math.floor(next() * 4)))
      const max = 1 + Math.floor(next() * 60)
      expect(shardLegs(legs, max, packages)).toEqual(literal(legs, max, packages))
    }
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

test('map keys in code point order, whether or not they were inserted in order', () => {
  const keyed = (keys: string[]) => new Map(keys.map((k) => [k, 0]))
  expect(sortedKeys(keyed(['a', 'a-b', 'b']))).toEqual(['a', 'a-b', 'b'])
  expect(sortedKeys(keyed(['a-b', 'a', 'B', 'é', 'b']))).toEqual(['B', 'a', 'a-b', 'b', 'é'])
  expect(sortedKeys(keyed([]))).toEqual([])
})
