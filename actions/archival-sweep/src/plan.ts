/**
 * What the sweep should write, decided from plain data: the issues with their label episode and
 * posted milestones, the clock, and (when the stale-floor signal is on) the packages' floors.
 * Each step is one milestone, one new stale issue or one closed stale issue, with the writes it
 * takes; steps are ordered by when they fell due so a budget-capped run does the oldest first.
 */
import {
  ageDays,
  ArchivalStage,
  ArchivedEntry,
  ArchiveRestore,
  byCodePoint,
  currentPause,
  DAY_MS,
  dueAt,
  Episode,
  fileLine,
  fillPattern,
  Milestone,
  milestoneAction,
  milestoneMarker,
  Pause,
  pausedMs,
  pauseMarker
} from '@contribs-actions/shared'
import type { FloorStatus } from './floor.js'
import type { Texts } from './options.js'
import {
  archiveChange,
  issueNumberOf,
  RegistryChange,
  RegistryFiles,
  RegistrySettings,
  unarchiveChange
} from './registry.js'
import {
  ClockNow,
  IssueKind,
  milestoneComment,
  pauseComment,
  staleBody,
  staleCloseComment,
  staleCloseMarker,
  staleTitle,
  TextContext
} from './texts.js'

/** One open issue carrying the tracking or the stale label, as read from GitHub. */
export interface SweptIssue {
  number: number
  title: string
  url: string
  kind: IssueKind
  /** From the hidden marker, else from the title; undefined when neither names one. */
  package?: string
  labels: string[]
  /** Undefined when the issue's events show the label removed (the clock is stopped). */
  episode?: Episode
  /** The periods the pause label was on during the current episode's lifetime, oldest first. */
  pauses: Pause[]
  /** Milestone days already posted for the current episode. */
  posted: Set<number>
  /** Pauses of the current episode whose notice is posted, by pause id. */
  pauseNoticed: Set<string>
  /** A stale issue: its closing comment is there already (an earlier sweep's close failed). */
  closingPosted: boolean
}

/** The input a comment's text comes from, named in messages about it. */
export type TextInput =
  | 'reminder-message'
  | 'notice-message'
  | 'archive-message'
  | 'pause-message'
  | 'stale-close-message'

export type WriteOp =
  /** `marker` is in `body`: a lost create is found by it and adopted. */
  | { op: 'comment'; body: string; marker: string; text: TextInput }
  | { op: 'add-label'; label: string }
  | { op: 'close' }
  /** Found again after a lost create by its label and the stale marker of `package`. */
  | { op: 'create-issue'; title: string; body: string; labels: string[]; package: string }
  /** A pull request (or a direct commit) changing the registry files; found by its branch. */
  | { op: 'registry'; change: RegistryChange; mode: RegistrySettings['mode']; label: string }

/**
 * What must still hold when a step on an existing issue runs. The issues are listed at the start
 * and a run can take minutes (writes are paced), so each step checks its issue again just before
 * writing: smoke-reporter may have recovered the package meanwhile.
 */
export interface StepCheck {
  issue: number
  /** The label the issue must still carry; undefined when only its being open matters. */
  label?: string
  /** A label the issue must not carry (the pause label: the clock stopped meanwhile). */
  without?: string
  /** A tracking issue's package: held while smoke-reporter's state says it is green. */
  smoke?: string
}

export interface Step {
  /** The entry it belongs to. */
  key: string
  /** The issue it writes on; null for a stale issue it opens. */
  issue: number | null
  /** When it fell due (epoch ms): the order in which a capped run works. */
  due: number
  /** Its name in outputs, e.g. `day-7-reminder`, `opened`, `closed`. */
  action: string
  milestone?: Milestone
  writes: WriteOp[]
  check?: StepCheck
}

/** One row of the report: an issue the sweep looked at, or a stale issue it would open. */
export interface Entry {
  key: string
  /** Null for a stale issue not opened yet. */
  issue: number | null
  url?: string
  package: string | null
  kind: IssueKind
  ageDays: number | null
  episode?: Episode
  hasArchiveLabel: boolean
  posted: Set<number>
  /** Set while the pause label is on: when it was applied (ISO 8601). */
  pausedSince?: string
  /** Set when the package's registration changes (archive or unarchive). */
  registry?: RegistryChange['direction']
  /** The pull request proposing that change, found open. */
  pull?: { number: number; url: string }
  steps: Step[]
  /** Why nothing is done for it, when that is not obvious. */
  note?: string
  /** Why each milestone is or is not due, why it is closed or opened: for the debug log. */
  reasons: string[]
}

export interface StaleInput {
  minimum: string
  /** Floors of the packages that depend on the upstream. */
  floors: Map<string, FloorStatus>
  /** Every subpackage folder in the checkout. */
  packages: Set<string>
  /** OWNERS handles per package (`login` or `org/team`), mentioned in new stale issues. */
  owners: Map<string, string[]>
}

export interface PlanInput {
  nowMs: number
  issues: SweptIssue[]
  milestones: Milestone[]
  labels: { tracking: string; archive: string; stale: string; pause: string }
  texts: Texts
  upstream: string
  table: string
  /** Set when `minimum_upstream_version` is: the stale-floor signal is on. */
  stale?: StaleInput
  /** Set when archives change the registry files (`archive-changes` is not `off`). */
  registry?: RegistryInput
}

export interface RegistryInput {
  settings: RegistrySettings
  /** The registry files on the default branch. */
  files: RegistryFiles
  /** The archived list's entries there. */
  archived: ArchivedEntry[]
  /** Each package's distribution name, by folder. */
  distributions: Map<string, string>
  /** The meta-package's name. */
  meta?: string
  /** Open pull requests into the default branch, by head branch: a change proposed already. */
  openPulls: Map<string, { number: number; url: string }>
}

export interface Plan {
  entries: Entry[]
  /** Every step of every entry, oldest due first. */
  steps: Step[]
}

export function planSweep(input: PlanInput): Plan {
  const entries = input.issues.map((issue) => planIssue(issue, input))
  if (input.registry)
    entries.push(
      ...unarchiveEntries(input, input.registry),
      ...withdrawnEntries(input, input.registry)
    )
  if (input.stale) {
    const staleOpen = new Set(
      input.issues.flatMap((i) => (i.kind === 'stale' && i.package ? [i.package] : []))
    )
    entries.push(...staleOpenings(input, input.stale, staleOpen))
  }
  const steps = entries
    .flatMap((e, i) => e.steps.map((s, j) => ({ s, i, j })))
    .sort((a, b) => a.s.due - b.s.due || a.i - b.i || a.j - b.j)
    .map((x) => x.s)
  return { entries, steps }
}

const date = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/** One open issue: its stale resolution, or its milestones due and not posted yet. */
function planIssue(issue: SweptIssue, input: PlanInput): Entry {
  const entry: Entry = {
    key: `#${issue.number}`,
    issue: issue.number,
    url: issue.url,
    package: issue.package ?? null,
    kind: issue.kind,
    ageDays: issue.episode ? ageDays(issue.episode.since, input.nowMs, issue.pauses) : null,
    episode: issue.episode,
    hasArchiveLabel: issue.labels.some(
      (l) => l.toLowerCase() === input.labels.archive.toLowerCase()
    ),
    posted: new Set(issue.posted),
    steps: [],
    reasons: []
  }
  const label = issue.kind === 'tracking' ? input.labels.tracking : input.labels.stale
  if (!issue.package) {
    entry.note = `names no package: add \`<!-- contribs-actions:${issue.kind} package=NAME -->\` to its body or start its title with \`[${label}] NAME:\``
    entry.reasons.push(entry.note)
    return entry
  }
  if (issue.kind === 'stale' && input.stale) {
    const resolution = staleResolution(input.stale, issue.package, input.upstream)
    if (resolution) {
      entry.steps.push(
        closeStep(entry, issue, issue.package, resolution, { ...input, stale: input.stale })
      )
      return entry
    }
    entry.reasons.push(`still below the minimum ${input.stale.minimum}: stays open`)
  }
  if (!issue.episode) {
    entry.note = `\`${label}\` is not applied by its events (removed, or applied before events were kept): the clock is stopped`
    entry.reasons.push(entry.note)
    return entry
  }
  const episode = issue.episode
  entry.reasons.push(
    `${label} applied ${episode.since}${episode.actor ? ` by ${episode.actor}` : ''}: day ${entry.ageDays}`
  )
  const ctx = textContext(entry, issue.package, label, input)
  const clock = clockNow(episode, issue.pauses, input)
  const pause = currentPause(issue.pauses)
  if (pause) {
    pauseStep(entry, issue, { episode, pause, ctx, clock }, input)
    return entry
  }
  milestoneSteps(entry, { label, episode, pauses: issue.pauses, ctx, clock }, input)
  if (input.registry && issue.kind === 'tracking')
    archiveStep(entry, issue.package, episode, input, input.registry)
  return entry
}

/**
 * The registry change of a package archived (labelled, or reaching the archive milestone this
 * run) that the archived list on the default branch does not record yet. It runs after the
 * milestone, with the same checks, and is skipped when the milestone was held or failed.
 */
function archiveStep(
  entry: Entry,
  pkg: string,
  episode: Episode,
  input: PlanInput,
  registry: RegistryInput
): void {
  const milestone = entry.steps.find((s) => s.milestone?.kind === 'archive')
  if (!entry.hasArchiveLabel && !milestone) return
  if (registry.archived.some((a) => a.package === pkg)) {
    entry.reasons.push(`recorded in the archived list already`)
    return
  }
  const change = archiveChange(registry.files, registry.settings, {
    package: pkg,
    distribution: registry.distributions.get(pkg),
    meta: registry.meta,
    issue: entry.issue as number,
    issueUrl: entry.url ?? `#${entry.issue}`,
    episode: episode.id,
    date: date(input.nowMs),
    days: entry.ageDays ?? 0
  })
  entry.registry = 'archive'
  if (proposed(entry, change, registry)) return
  entry.reasons.push(
    `archived and not in the archived list: ${registry.settings.mode === 'commit' ? 'a commit on the default branch' : `a pull request from ${change.branch}`}`
  )
  const issue = entry.issue as number
  entry.steps.push({
    key: entry.key,
    issue,
    due: milestone?.due ?? input.nowMs,
    action: registry.settings.mode === 'commit' ? 'archive-commit' : 'archive-pr',
    writes: [
      { op: 'registry', change, mode: registry.settings.mode, label: registry.settings.label }
    ],
    check: { issue, label: input.labels.tracking, without: input.labels.pause, smoke: pkg }
  })
}

/**
 * The packages the archival sweep archived (entries with `restore`) whose tracking issue is no
 * longer open with the tracking label: the package recovered, or a maintainer ended the
 * timeline. Each gets the reverse change.
 */
function unarchiveEntries(input: PlanInput, registry: RegistryInput): Entry[] {
  const tracked = trackedPackages(input)
  const out: Entry[] = []
  for (const archived of registry.archived) {
    const issue = issueNumberOf(archived)
    if (!archived.restore || issue === undefined || tracked.has(archived.package)) continue
    const restore: ArchiveRestore = archived.restore
    const change = unarchiveChange(
      registry.files,
      registry.settings,
      { ...archived, restore },
      issue
    )
    const key = `unarchive:${archived.package}`
    const entry: Entry = {
      key,
      issue,
      url: archived.issue,
      package: archived.package,
      kind: 'tracking',
      ageDays: null,
      hasArchiveLabel: false,
      posted: new Set(),
      registry: 'unarchive',
      reasons: [`archived by the sweep, and #${issue} no longer tracks it: the reverse change`],
      steps: []
    }
    out.push(entry)
    if (proposed(entry, change, registry)) continue
    entry.steps.push({
      key,
      issue,
      due: input.nowMs,
      action: registry.settings.mode === 'commit' ? 'unarchive-commit' : 'unarchive-pr',
      writes: [
        { op: 'registry', change, mode: registry.settings.mode, label: registry.settings.label }
      ]
    })
  }
  return out
}

/** The packages with an open tracking issue whose label episode is on (paused ones too). */
function trackedPackages(input: PlanInput): Set<string> {
  return new Set(
    input.issues.flatMap((i) =>
      i.kind === 'tracking' && i.episode && i.package ? [i.package] : []
    )
  )
}

/**
 * An archive pull request still open for a package that recovered before it was merged: merged
 * later, it would archive a green package, so it is closed with a comment saying why.
 */
function withdrawnEntries(input: PlanInput, registry: RegistryInput): Entry[] {
  if (registry.settings.mode !== 'pull-request') return []
  const tracked = trackedPackages(input)
  const out: Entry[] = []
  for (const pkg of [...registry.distributions.keys()].sort()) {
    const pull = registry.openPulls.get(
      fillPattern(registry.settings.archiveBranch, { package: pkg })
    )
    if (!pull || tracked.has(pkg) || registry.archived.some((a) => a.package === pkg)) continue
    const key = `withdraw:${pkg}`
    const marker = withdrawMarker(pkg, pull.number)
    out.push({
      key,
      issue: pull.number,
      url: pull.url,
      package: pkg,
      kind: 'tracking',
      ageDays: null,
      hasArchiveLabel: false,
      posted: new Set(),
      registry: 'unarchive',
      pull,
      note: `archive pull request #${pull.number} closed: \`${pkg}\` is no longer tracked`,
      reasons: [
        `archive pull request #${pull.number} is open but no issue tracks ${pkg} now: closed`
      ],
      steps: [
        {
          key,
          issue: pull.number,
          due: input.nowMs,
          action: 'archive-pr-closed',
          writes: [
            {
              op: 'comment',
              body: `\`${pkg}\` is no longer tracked as broken (its tracking issue lost the tracking label or was closed) before this pull request was merged, so archival-sweep closes it.\n\n${marker}`,
              marker,
              text: 'archive-message'
            },
            { op: 'close' }
          ],
          check: { issue: pull.number }
        }
      ]
    })
  }
  return out
}

/** The hidden marker of the comment that closes an archive pull request no longer wanted. */
function withdrawMarker(pkg: string, pull: number): string {
  return `<!-- contribs-actions:archive-withdrawn package=${pkg} pull=${pull} -->`
}

/** Whether the change is proposed already: its pull request is open (nothing to write). */
function proposed(entry: Entry, change: RegistryChange, registry: RegistryInput): boolean {
  if (registry.settings.mode !== 'pull-request') return false
  const pull = registry.openPulls.get(change.branch)
  if (!pull) return false
  entry.pull = pull
  entry.reasons.push(`${change.direction}: pull request #${pull.number} is open already`)
  return true
}

/** How the clock of an episode stands now, for comment texts. */
function clockNow(episode: Episode, pauses: Pause[], input: PlanInput): ClockNow {
  const start = Date.parse(episode.since)
  return {
    age: ageDays(episode.since, input.nowMs, pauses),
    pausedDays: Math.floor(pausedMs(pauses, start, input.nowMs) / DAY_MS),
    pauseLabel: input.labels.pause
  }
}

/**
 * A paused issue: no milestone is due while the pause label is on (the clock stands still), and
 * the issue says once per pause that its timeline is paused and since when.
 */
function pauseStep(
  entry: Entry,
  issue: SweptIssue,
  at: { episode: Episode; pause: Pause; ctx: TextContext; clock: ClockNow },
  input: PlanInput
): void {
  const { episode, pause } = at
  entry.pausedSince = pause.since
  entry.note = `timeline paused since ${date(Date.parse(pause.since))} (\`${input.labels.pause}\` is on): the clock stands at day ${at.clock.age}`
  entry.reasons.push(
    `${input.labels.pause} applied ${pause.since}${pause.actor ? ` by ${pause.actor}` : ''}: paused, no milestone is due`
  )
  if (issue.pauseNoticed.has(pause.id)) {
    entry.reasons.push('the pause notice is posted already')
    return
  }
  const comment: WriteOp = {
    op: 'comment',
    body: pauseComment(input.texts, episode, pause, at.ctx, at.clock),
    marker: pauseMarker(episode.id, pause.id),
    text: 'pause-message'
  }
  entry.reasons.push('the pause notice is not posted yet: comment')
  const n = entry.issue as number
  entry.steps.push({
    key: entry.key,
    issue: n,
    due: Date.parse(pause.since),
    action: 'paused',
    writes: [comment],
    check: { issue: n, label: at.ctx.label }
  })
}

/**
 * Closing a resolved stale issue: the comment saying why, then the close. The comment goes first
 * so the issue never closes without its reason (a closed issue leaves the open listing, so a
 * comment that failed after the close would never be posted). When a close failed after the
 * comment, the re-run finds the comment by its marker and only closes.
 */
function closeStep(
  entry: Entry,
  issue: SweptIssue,
  pkg: string,
  resolution: string,
  input: PlanInput & { stale: StaleInput }
): Step {
  const close: WriteOp = { op: 'close' }
  const check: StepCheck = { issue: issue.number }
  if (issue.closingPosted) {
    entry.reasons.push(
      `resolved, so closed: ${resolution}; its closing comment is there already (an earlier close failed): close only`
    )
    return {
      key: entry.key,
      issue: issue.number,
      due: input.nowMs,
      action: 'closed',
      writes: [close],
      check
    }
  }
  const ctx = { package: pkg, upstream: input.upstream, minimum: input.stale.minimum }
  const comment: WriteOp = {
    op: 'comment',
    body: staleCloseComment(input.texts, ctx, resolution),
    marker: staleCloseMarker(pkg),
    text: 'stale-close-message'
  }
  entry.reasons.push(`resolved, so closed: ${resolution}`)
  return {
    key: entry.key,
    issue: issue.number,
    due: input.nowMs,
    action: 'closed',
    writes: [comment, close],
    check
  }
}

const TEXT_INPUT: Record<Milestone['kind'], TextInput> = {
  reminder: 'reminder-message',
  notice: 'notice-message',
  archive: 'archive-message'
}

/** The values every text of an entry can use. */
function textContext(entry: Entry, pkg: string, label: string, input: PlanInput): TextContext {
  return {
    package: pkg,
    kind: entry.kind,
    label,
    archiveLabel: input.labels.archive,
    archiveDay: input.milestones[input.milestones.length - 1]?.day ?? 0,
    upstream: input.upstream,
    minimum: input.stale?.minimum,
    floor: input.stale?.floors.get(pkg)
  }
}

/** The milestones of the current episode that are due and not posted, each with its reason. */
function milestoneSteps(
  entry: Entry,
  at: { label: string; episode: Episode; pauses: Pause[]; ctx: TextContext; clock: ClockNow },
  input: PlanInput
): void {
  const { label, episode, ctx } = at
  const pkg = ctx.package
  for (const m of input.milestones) {
    const action = milestoneAction(m)
    const due = dueAt(episode, m, at.pauses)
    if (entry.posted.has(m.day)) {
      entry.reasons.push(`${action}: posted already in this episode`)
      continue
    }
    if (due > input.nowMs) {
      entry.reasons.push(`${action}: not due until ${date(due)}`)
      continue
    }
    const comment: WriteOp = {
      op: 'comment',
      body: milestoneComment(input.texts, m, episode, ctx, at.clock),
      marker: milestoneMarker(m.day, episode.id),
      text: TEXT_INPUT[m.kind]
    }
    // The marker-carrying comment goes last: a run cut short after the label finds the label on
    // and the marker missing, and completes the milestone with the comment alone.
    const labelToo = m.kind === 'archive' && !entry.hasArchiveLabel
    const writes: WriteOp[] = labelToo
      ? [{ op: 'add-label', label: input.labels.archive }, comment]
      : [comment]
    const what = labelToo
      ? `label ${input.labels.archive} and comment`
      : m.kind === 'archive'
        ? `comment (label ${input.labels.archive} is on already)`
        : 'comment'
    entry.reasons.push(`${action}: due since ${date(due)} and not posted: ${what}`)
    const issue = entry.issue as number
    const check: StepCheck = {
      issue,
      label,
      without: input.labels.pause,
      ...(entry.kind === 'tracking' ? { smoke: pkg } : {})
    }
    entry.steps.push({ key: entry.key, issue, due, action, milestone: m, writes, check })
  }
}

/** A new stale issue for every package below the minimum that has none open. */
function staleOpenings(input: PlanInput, stale: StaleInput, staleOpen: Set<string>): Entry[] {
  const out: Entry[] = []
  for (const f of [...stale.floors.values()].sort((a, b) => byCodePoint(a.package, b.package))) {
    if (!f.below || staleOpen.has(f.package)) continue
    const key = `new:${f.package}`
    const title = staleTitle(input.labels.stale, f, stale.minimum)
    const body = staleBody(
      f,
      {
        upstream: input.upstream,
        minimum: stale.minimum,
        table: input.table,
        timeline: input.milestones
      },
      stale.owners.get(f.package) ?? []
    )
    out.push({
      key,
      issue: null,
      package: f.package,
      kind: 'stale',
      ageDays: 0,
      hasArchiveLabel: false,
      posted: new Set(),
      reasons: [
        `${f.requirement} (${f.file}) is below the minimum ${stale.minimum} and no stale issue is open: one is opened`
      ],
      steps: [
        {
          key,
          issue: null,
          due: input.nowMs,
          action: 'opened',
          writes: [
            { op: 'create-issue', title, body, labels: [input.labels.stale], package: f.package }
          ]
        }
      ]
    })
  }
  return out
}

/** Why an open stale issue is resolved, or undefined while the package is still below the minimum. */
function staleResolution(stale: StaleInput, pkg: string, upstream: string): string | undefined {
  if (!stale.packages.has(pkg)) return 'the package is no longer in the repository'
  const f = stale.floors.get(pkg)
  if (!f) return `it no longer depends on ${upstream}`
  if (f.below) return undefined
  return `its requirement is now \`${f.requirement}\` (${fileLine(f.file, f.line)})`
}

/** One shared definition: the stages a release action reads from the `issues` output. */
export type Stage = ArchivalStage

/**
 * Where an issue stands once `done` steps are applied: `archived` whenever it carries the archive
 * label (however it got there), else the latest milestone posted for the current episode.
 */
export function stageOf(entry: Entry, milestones: Milestone[], done: Step[]): Stage {
  if (done.some((s) => s.action === 'closed')) return 'closed'
  if (entry.issue === null) return done.length ? 'opened' : 'pending'
  if (!entry.package) return 'skipped'
  if (entry.registry === 'unarchive') return 'unarchived'
  const posted = new Set([...entry.posted, ...done.flatMap((s) => s.milestone?.day ?? [])])
  const archiveDone = done.some((s) => s.milestone?.kind === 'archive')
  if (entry.hasArchiveLabel || archiveDone) return 'archived'
  if (!entry.episode) return 'untracked'
  if (entry.pausedSince) return 'paused'
  const reached = milestones.filter((m) => posted.has(m.day)).map((m) => m.kind)
  if (reached.includes('archive')) return 'unarchived'
  if (reached.includes('notice')) return 'release-notes'
  if (reached.includes('reminder')) return 'reminded'
  return 'watching'
}
