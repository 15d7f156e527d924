// The sweep's pure decisions: the label episode, posted markers, milestone layout, floors, plan.
import { afterAll, describe, expect, test } from '@jest/globals'
import {
  ageDays,
  currentEpisode,
  currentPause,
  DAY_MS,
  dueAt,
  loadRepo,
  milestoneMarker,
  milestonesFor,
  parseArchivedList,
  pausePeriods,
  postedDays,
  trackingMarker
} from '@contribs-actions/shared'
import { cleanupTempDirs, copyExampleRepo, writeFiles } from '../../../test/kit/fixtures.js'
import { applyPlan } from '../src/apply.js'
import { issueHold, smokeHold, smokeSaysGreen, writeProblems } from '../src/checks.js'
import { upstreamFloors } from '../src/floor.js'
import { PlanInput, planSweep, stageOf, SweptIssue } from '../src/plan.js'
import { packageOf } from '../src/read-issues.js'
import { archiveChange, issueNumberOf } from '../src/registry.js'
import { DEFAULT_TEXTS } from '../src/texts.js'

afterAll(cleanupTempDirs)

const ev = (id: number, event: string, label: string, at: string) => ({
  id,
  event,
  created_at: at,
  label: { name: label },
  actor: { login: 'octocat' }
})

/** A sweep at `nowMs` over `issues`, with the default milestones (7, 14, 21), labels and texts. */
const planInput = (nowMs: number, issues: SweptIssue[], more: Partial<PlanInput> = {}) => ({
  nowMs,
  issues,
  milestones: milestonesFor([7, 14, 21]),
  labels: {
    tracking: 'contribs-broken',
    archive: 'archived',
    stale: 'contribs-stale',
    pause: 'contribs-paused'
  },
  texts: DEFAULT_TEXTS,
  upstream: 'mellea',
  table: 'mellea-contribs',
  ...more
})

/** Tracking issue #n of package `p<n>`, labelled `since`, with nothing posted yet. */
const trackingIssue = (n: number, since: string, more: Partial<SweptIssue> = {}): SweptIssue => ({
  number: n,
  title: `[contribs-broken] p${n}: red`,
  url: `https://github.com/o/r/issues/${n}`,
  kind: 'tracking',
  package: `p${n}`,
  labels: ['contribs-broken'],
  episode: { id: `e${n}`, since },
  pauses: [],
  posted: new Set(),
  pauseNoticed: new Set(),
  closingPosted: false,
  ...more
})

describe('label episode', () => {
  test('the last `labeled` with no later `unlabeled` of that label; other labels ignored', () => {
    const events = [
      ev(1, 'labeled', 'contribs-broken', '2026-01-01T00:00:00Z'),
      ev(2, 'labeled', 'archived', '2026-01-02T00:00:00Z'),
      ev(3, 'unlabeled', 'contribs-broken', '2026-01-03T00:00:00Z'),
      { id: 4, event: 'commented', created_at: '2026-01-03T01:00:00Z' },
      ev(5, 'labeled', 'Contribs-Broken', '2026-01-04T00:00:00Z'),
      ev(6, 'unlabeled', 'archived', '2026-01-05T00:00:00Z')
    ]
    expect(currentEpisode(events, 'contribs-broken')).toEqual({
      id: '5',
      since: '2026-01-04T00:00:00Z',
      actor: 'octocat'
    })
    expect(currentEpisode(events.slice(0, 4), 'contribs-broken')).toBeUndefined()
    expect(currentEpisode([], 'contribs-broken')).toBeUndefined()
  })

  test('markers count only for their own episode', () => {
    const comments = [
      { body: `old\n${milestoneMarker(7, '11')}` },
      { body: `new\n${milestoneMarker(7, '42')}` },
      { body: `quoted twice ${milestoneMarker(14, '42')} ${milestoneMarker(21, '42')}` },
      { body: null }
    ]
    expect([...postedDays(comments, '42')].sort()).toEqual([14, 21, 7])
    expect([...postedDays(comments, '11')]).toEqual([7])
  })

  test('milestone layout: last archives, the one before announces, earlier ones remind', () => {
    expect(milestonesFor([21, 7, 14])).toEqual([
      { day: 7, kind: 'reminder' },
      { day: 14, kind: 'notice' },
      { day: 21, kind: 'archive' }
    ])
    expect(milestonesFor([30]).map((m) => m.kind)).toEqual(['archive'])
    expect(milestonesFor([3, 7, 7, 14, 21]).map((m) => m.kind)).toEqual([
      'reminder',
      'reminder',
      'notice',
      'archive'
    ])
  })
})

describe('package of an issue', () => {
  test('marker first, then the `[label] pkg:` title', () => {
    const issue = (title: string, body = '') => ({ number: 1, title, body, url: '', labels: [] })
    expect(
      packageOf(issue('[contribs-broken] a: x', trackingMarker('b')), 'tracking', 'contribs-broken')
    ).toBe('b')
    expect(packageOf(issue('[contribs-broken] a: x'), 'tracking', 'contribs-broken')).toBe('a')
    // A stale marker does not name the package of a tracking issue.
    expect(
      packageOf(issue('no', trackingMarker('b', 'stale')), 'tracking', 'contribs-broken')
    ).toBeUndefined()
  })
})

describe('upstream floor', () => {
  test('per package: the lowest bound over every array naming the upstream; unbounded is below', async () => {
    const dir = copyExampleRepo()
    writeFiles(dir, {
      'dspy/pyproject.toml':
        '[project]\nname = "mellea-contribs-dspy"\ndependencies = ["mellea>=0.6"]\n\n' +
        '[dependency-groups]\ncompat = ["Mellea>=0.4"]\n',
      'crewai/pyproject.toml':
        '[project]\nname = "mellea-contribs-crewai"\ndependencies = ["mellea"]\n',
      'citations/pyproject.toml':
        '[project]\nname = "mellea-contribs-citations"\ndependencies = ["mellea >= 0.6 <1"]\n'
    })
    const repo = await loadRepo(dir)
    const floors = upstreamFloors(repo, '0.6.0')
    expect(floors.get('dspy')).toMatchObject({
      floor: '0.4',
      requirement: 'Mellea>=0.4',
      file: 'dspy/pyproject.toml',
      line: 6,
      below: true
    })
    expect(floors.get('crewai')).toMatchObject({ floor: null, below: true })
    // Not PEP 508: nothing shows it keeps old versions out (validate-structure calls it CA106).
    expect(floors.get('citations')).toMatchObject({
      floor: null,
      requirement: 'mellea >= 0.6 <1',
      line: 3,
      below: true
    })
    expect(floors.get('agent-utilities')).toMatchObject({ floor: '0.6.0', below: false })
    expect(floors.get('langchain')).toMatchObject({ floor: '0.5.0', below: true })
  })
})

describe('plan', () => {
  const T = Date.parse('2026-01-01T00:00:00Z')
  const swept = (n: number, labelledDaysAgo: number, posted: number[] = []): SweptIssue =>
    trackingIssue(n, new Date(T - labelledDaysAgo * DAY_MS).toISOString(), {
      posted: new Set(posted)
    })
  const input = (issues: SweptIssue[]) => planInput(T, issues)

  test('due milestones not yet posted, oldest due first across issues; the archive adds the label before its marker', () => {
    const plan = planSweep(input([swept(1, 22, [7]), swept(2, 30)]))
    // #2 was labelled 30 days ago, so even its day 21 fell due before #1's day 14 (8 days ago).
    expect(plan.steps.map((s) => `${s.key} ${s.action}`)).toEqual([
      '#2 day-7-reminder',
      '#2 day-14-notice',
      '#2 day-21-archived',
      '#1 day-14-notice',
      '#1 day-21-archived'
    ])
    const archive = plan.steps[4]
    expect(archive.writes.map((w) => w.op)).toEqual(['add-label', 'comment'])
    expect(archive.writes[1]).toMatchObject({
      body: expect.stringContaining(milestoneMarker(21, 'e1'))
    })
  })

  test('a budget never splits a step, and dry run walks the same steps', async () => {
    const plan = planSweep(input([swept(1, 21, [7, 14])]))
    // The archive step needs 3 writes (label creation, issue label, comment): 2 is not enough.
    const lines: string[] = []
    const log = (l: string) => lines.push(l)
    const capped = await applyPlan(plan, { maxOperations: 2, log })
    expect(capped).toMatchObject({ capped: true, operations: 0, done: [] })
    expect(capped.pending.map((s) => s.action)).toEqual(['day-21-archived'])
    expect(lines).toEqual([])
    const dry = await applyPlan(plan, { maxOperations: 3, log })
    expect(dry.operations).toBe(3)
    expect(lines).toEqual(['would day-21-archived on #1'])
    expect(stageOf(plan.entries[0], milestonesFor([7, 14, 21]), dry.done)).toBe('archived')
    expect(stageOf(plan.entries[0], milestonesFor([7, 14, 21]), [])).toBe('release-notes')
  })

  test('a label removed from the issue after the archive milestone is not re-added', () => {
    const issue = { ...swept(1, 40, [7, 14, 21]), labels: ['contribs-broken'] }
    const plan = planSweep(input([issue]))
    expect(plan.steps).toEqual([])
    expect(stageOf(plan.entries[0], milestonesFor([7, 14, 21]), [])).toBe('unarchived')
  })
})

describe('checks before writing', () => {
  const T = Date.parse('2026-01-01T00:00:00Z')
  const tracked = (labelledDaysAgo: number): SweptIssue =>
    trackingIssue(1, new Date(T - labelledDaysAgo * DAY_MS).toISOString(), {
      title: '[contribs-broken] p: red',
      package: 'p'
    })
  const input = (issues: SweptIssue[], archive = DEFAULT_TEXTS.archive) =>
    planInput(T, issues, { texts: { ...DEFAULT_TEXTS, archive } })

  test('every milestone on a tracking issue asks for the label and a smoke state that is not green', () => {
    const plan = planSweep(input([tracked(22)]))
    expect(plan.steps.map((s) => s.check)).toEqual(
      Array(3).fill({ issue: 1, label: 'contribs-broken', without: 'contribs-paused', smoke: 'p' })
    )
    expect(writeProblems(plan)).toEqual([])
  })

  test('a text that renders over 65,536 characters is named once, whatever the number of issues', () => {
    const long = 'x'.repeat(65_530) + ' {package}'
    const plan = planSweep(input([tracked(22), { ...tracked(30), number: 2 }], long))
    expect(writeProblems(plan)).toEqual([
      expect.stringMatching(
        /^`archive-message` makes the day-21-archived comment on #2 65,\d{3} characters long/
      )
    ])
  })

  test('an issue closed or unlabelled since it was listed holds the step; the label compares case-insensitively', () => {
    const check = { issue: 4, label: 'contribs-broken', smoke: 'p' }
    expect(issueHold(check, { open: true, labels: ['Contribs-Broken'] })).toBeUndefined()
    expect(issueHold(check, { open: false, labels: ['contribs-broken'] })).toBe(
      '#4 was closed since it was listed: nothing posted'
    )
    expect(issueHold(check, { open: true, labels: ['archived'] })).toContain(
      '`contribs-broken` was removed from #4 since it was listed'
    )
    // A close step asks only that the issue is still open.
    expect(issueHold({ issue: 4 }, { open: true, labels: [] })).toBeUndefined()
  })

  test("smoke-reporter's state: green only when its counter is 0; anything else says nothing", () => {
    expect(smokeSaysGreen('{"consecutive_failures": 0, "open_issue_number": null}')).toBe(true)
    expect(smokeSaysGreen('{"consecutive_failures": 3}')).toBe(false)
    expect(smokeSaysGreen('{"other": 1}')).toBeUndefined()
    expect(smokeSaysGreen('null')).toBeUndefined()
    expect(smokeSaysGreen('{"consecutive_failures": ')).toBeUndefined()
    const check = { issue: 4, label: 'contribs-broken', smoke: 'p' }
    expect(smokeHold(check, true)).toContain("smoke-reporter's state says `p` is green")
    expect(smokeHold(check, false)).toBeUndefined()
    expect(smokeHold(check, undefined)).toBeUndefined()
    expect(smokeHold({ issue: 4 }, true)).toBeUndefined()
  })
})

describe('pauses', () => {
  const T0 = Date.parse('2026-01-05T09:00:00Z')
  const at = (d: number) => new Date(T0 + d * DAY_MS).toISOString()
  const episode = { id: 'e', since: at(0) }
  const ev = (id: number, event: string, d: number, name: string) => ({
    id,
    event,
    created_at: at(d),
    label: { name }
  })

  test('periods come from the pause label events only; one still on has no end', () => {
    const events = [
      ev(1, 'labeled', 0, 'contribs-broken'),
      ev(2, 'labeled', 5, 'Contribs-Paused'),
      ev(3, 'unlabeled', 12, 'contribs-paused'),
      ev(4, 'labeled', 15, 'contribs-paused')
    ]
    const pauses = pausePeriods(events, 'contribs-paused')
    expect(pauses).toEqual([
      { id: '2', since: at(5), until: at(12), actor: undefined },
      { id: '4', since: at(15), actor: undefined }
    ])
    expect(currentPause(pauses)?.id).toBe('4')
    expect(currentPause(pauses.slice(0, 1))).toBeUndefined()
  })

  test('a milestone is pushed back by the paused time before it; a pause still on stops it', () => {
    const reminder = { day: 7, kind: 'reminder' as const }
    const closed = [{ id: 'p', since: at(5), until: at(12) }]
    expect(dueAt(episode, reminder, closed)).toBe(T0 + 14 * DAY_MS)
    // A pause after the day falls due changes nothing; one before the episode counts only its overlap.
    expect(dueAt(episode, reminder, [{ id: 'p', since: at(8), until: at(9) }])).toBe(
      T0 + 7 * DAY_MS
    )
    expect(dueAt(episode, reminder, [{ id: 'p', since: at(-3), until: at(2) }])).toBe(
      T0 + 9 * DAY_MS
    )
    expect(dueAt(episode, reminder, [{ id: 'p', since: at(5) }])).toBe(Infinity)
    expect(ageDays(episode.since, T0 + 13.9 * DAY_MS, closed)).toBe(6)
    expect(ageDays(episode.since, T0 + 20 * DAY_MS, [{ id: 'p', since: at(5) }])).toBe(5)
  })

  test('a paused issue plans only its pause notice, once per pause', () => {
    const T = T0 + 9 * DAY_MS
    const issue: SweptIssue = {
      number: 3,
      title: '[contribs-broken] p: red',
      url: '',
      kind: 'tracking',
      package: 'p',
      labels: ['contribs-broken', 'contribs-paused'],
      episode,
      pauses: [{ id: 'p1', since: at(5) }],
      posted: new Set(),
      pauseNoticed: new Set(),
      closingPosted: false
    }
    const input = planInput(T, [issue])
    const plan = planSweep(input)
    expect(plan.steps.map((s) => s.action)).toEqual(['paused'])
    expect(plan.entries[0]).toMatchObject({ ageDays: 5, pausedSince: at(5) })
    expect(stageOf(plan.entries[0], input.milestones, [])).toBe('paused')
    const again = planSweep({ ...input, issues: [{ ...issue, pauseNoticed: new Set(['p1']) }] })
    expect(again.steps).toEqual([])
  })

  test('a step is held when the pause label went on after the issue was listed', () => {
    const check = { issue: 4, label: 'contribs-broken', without: 'contribs-paused' }
    expect(
      issueHold(check, { open: true, labels: ['contribs-broken', 'Contribs-Paused'] })
    ).toContain('the timeline is paused')
    expect(issueHold(check, { open: true, labels: ['contribs-broken'] })).toBeUndefined()
  })
})

describe('registry changes', () => {
  const settings = {
    mode: 'pull-request' as const,
    files: ['archived-list', 'smoke-matrix', 'extras'] as (
      'archived-list' | 'smoke-matrix' | 'extras'
    )[],
    archiveBranch: 'contribs-archive/{package}',
    unarchiveBranch: 'contribs-unarchive/{package}',
    label: 'contribs-archive',
    smokeMatrixFile: '.github/smoke-matrix.json'
  }
  const facts = {
    package: 'python/x',
    issue: 4,
    issueUrl: 'https://github.com/o/r/issues/4',
    episode: 'e4',
    date: '2026-01-27',
    days: 21
  }

  test('what a file does not list is a note, not an edit; the archived list is created', () => {
    const change = archiveChange({ smokeMatrix: '{"subpackages": ["a"]}' }, settings, facts)
    expect(change.files.map((f) => f.path)).toEqual(['.github/archived.json'])
    expect(change.notes).toEqual([
      'not in .github/smoke-matrix.json',
      'not in the extras of pyproject.toml'
    ])
    expect(change.branch).toBe('contribs-archive/python/x')
    expect(change.body).toContain(change.marker)
    const [entry] = parseArchivedList(change.files[0].text)
    expect(entry).toMatchObject({ package: 'python/x', issue: facts.issueUrl, restore: {} })
    expect(issueNumberOf(entry)).toBe(4)
  })

  test('the plan proposes nothing while the pull request is open, and unarchives only what the sweep archived', () => {
    const T = Date.parse('2026-02-01T00:00:00Z')
    const archived = `{"packages": ["by-hand", ${JSON.stringify({
      package: 'gone',
      issue: 'https://github.com/o/r/issues/9',
      restore: { smoke_matrix: true }
    })}]}`
    const labelled: SweptIssue = {
      number: 3,
      title: '[contribs-broken] p3: red',
      url: 'https://github.com/o/r/issues/3',
      kind: 'tracking',
      package: 'p3',
      labels: ['contribs-broken', 'archived'],
      episode: { id: 'e3', since: new Date(T - 30 * DAY_MS).toISOString() },
      pauses: [],
      posted: new Set([7, 14, 21]),
      pauseNoticed: new Set(),
      closingPosted: false
    }
    const plan = (openPulls: Map<string, { number: number; url: string }>) =>
      planSweep(
        planInput(T, [labelled], {
          registry: {
            settings,
            files: { archived, smokeMatrix: '{"subpackages": ["p3"]}' },
            archived: parseArchivedList(archived),
            distributions: new Map(),
            openPulls
          }
        })
      )
    const fresh = plan(new Map())
    expect(fresh.steps.map((s) => `${s.key} ${s.action}`)).toEqual([
      '#3 archive-pr',
      'unarchive:gone unarchive-pr'
    ])
    const open = plan(
      new Map([
        ['contribs-archive/p3', { number: 11, url: 'u11' }],
        ['contribs-unarchive/gone', { number: 12, url: 'u12' }]
      ])
    )
    expect(open.steps).toEqual([])
    expect(open.entries.map((e) => [e.key, e.pull?.number])).toEqual([
      ['#3', 11],
      ['unarchive:gone', 12]
    ])
  })
})
