/**
 * What the sweep writes. Milestone texts are configurable (inputs); the footer with the hidden
 * marker is not, because re-runs find posted milestones by it. Every comment the sweep posts
 * carries a marker, so a comment whose create was answered with 5xx (but made) is found and
 * adopted instead of posted twice.
 */
import {
  Episode,
  fileLine,
  fillPattern,
  Milestone,
  milestoneMarker,
  Pause,
  pauseMarker,
  TrackingKind,
  trackingMarker,
  trackingTitle
} from '@contribs-actions/shared'
import type { FloorStatus } from './floor.js'
import type { Texts } from './options.js'

export const DEFAULT_TEXTS: Texts = {
  reminder:
    '**Reminder (day {day}):** `{package}` still needs attention: {problem}. ' +
    'Unless {fix}, it will be labelled `{archive_label}` on day {archive_day}.',
  notice:
    '**Release-notes notice (day {day}):** `{package}` still needs attention: {problem}. ' +
    'It will be named in the next release notes as a package at risk of archival, and labelled ' +
    '`{archive_label}` on day {archive_day} unless {fix}.',
  archive:
    '**Archived (day {day}):** `{package}` has needed attention for {age} days: {problem}. ' +
    'It is now labelled `{archive_label}`. Once {fix}, remove the `{archive_label}` label.',
  pause:
    '**Timeline paused:** `{pause_label}` is on this issue since {paused_since}, so the archival ' +
    'clock of `{package}` is stopped (day {age} of the timeline). Remove `{pause_label}` to let it ' +
    'run again; the paused time is not counted.',
  staleClose:
    '`{package}` no longer allows {upstream} versions below the minimum `{minimum}`: {resolution}. ' +
    'Closing this issue.'
}

/** The placeholders of the milestone texts (reminder, notice, archive). */
export const MILESTONE_PLACEHOLDERS = [
  'package',
  'day',
  'age',
  'since',
  'label',
  'archive_label',
  'archive_day',
  'problem',
  'fix',
  'upstream',
  'minimum',
  'floor'
] as const

/** The placeholders of the pause notice. */
export const PAUSE_PLACEHOLDERS = [
  'package',
  'label',
  'pause_label',
  'paused_since',
  'age',
  'archive_label'
] as const

/** The placeholders of the stale-close text. */
export const STALE_CLOSE_PLACEHOLDERS = ['package', 'upstream', 'minimum', 'resolution'] as const

type MilestoneValues = Record<(typeof MILESTONE_PLACEHOLDERS)[number], string>

/** The kinds of issue the sweep moves along the timeline: the shared TrackingKind. */
export type IssueKind = TrackingKind

/** Values every text can use. */
export interface TextContext {
  package: string
  kind: IssueKind
  label: string
  archiveLabel: string
  archiveDay: number
  upstream: string
  minimum?: string
  floor?: FloorStatus
}

export function floorText(status: FloorStatus | undefined): string {
  if (!status) return 'unknown'
  return status.floor === null ? 'unbounded' : `>=${status.floor}`
}

function where(floor: FloorStatus): string {
  return fileLine(floor.file, floor.line)
}

function values(ctx: TextContext, episode: Episode, age: number, day: number): MilestoneValues {
  const since = episode.since.slice(0, 10)
  const problem =
    ctx.kind === 'tracking'
      ? `its smoke test against upstream \`main\` has been red since \`${ctx.label}\` was applied on ${since}`
      : ctx.floor
        ? `its requirement \`${ctx.floor.requirement}\` (${where(ctx.floor)}) allows ${ctx.upstream} versions below the minimum \`${ctx.minimum}\``
        : `its ${ctx.upstream} floor is below the repository's minimum upstream version`
  const fix =
    ctx.kind === 'tracking'
      ? `the smoke test is green again (smoke-reporter then removes \`${ctx.label}\`)`
      : `its floor is raised to at least \`${ctx.upstream}>=${ctx.minimum ?? '<minimum>'}\` (the sweep then closes this issue)`
  return {
    package: ctx.package,
    day: String(day),
    label: ctx.label,
    archive_label: ctx.archiveLabel,
    archive_day: String(ctx.archiveDay),
    since,
    age: String(age),
    problem,
    fix,
    upstream: ctx.upstream,
    minimum: ctx.minimum ?? '',
    floor: floorText(ctx.floor)
  }
}

/** How the clock of an episode stands when a comment is written. */
export interface ClockNow {
  /** Whole days of running clock (paused time not counted). */
  age: number
  /** Whole days the clock was paused within the episode so far. */
  pausedDays: number
  pauseLabel: string
}

/** The comment that posts a milestone: the configured text, a footer, and the hidden marker. */
export function milestoneComment(
  texts: Texts,
  milestone: Milestone,
  episode: Episode,
  ctx: TextContext,
  clock: ClockNow
): string {
  const v = values(ctx, episode, clock.age, milestone.day)
  const text = fillPattern(texts[milestone.kind], v)
  const paused = clock.pausedDays
    ? `, not counting ${clock.pausedDays} day${clock.pausedDays === 1 ? '' : 's'} paused by \`${clock.pauseLabel}\``
    : ''
  return (
    `${text}\n\n<sub>archival-sweep: day ${milestone.day} of the archival timeline, counted from when ` +
    `\`${ctx.label}\` was applied on ${v.since}${paused}.</sub>\n${milestoneMarker(milestone.day, episode.id)}`
  )
}

/** The comment saying the timeline is paused, once per pause of an episode. */
export function pauseComment(
  texts: Texts,
  episode: Episode,
  pause: Pause,
  ctx: TextContext,
  clock: ClockNow
): string {
  const values: Record<(typeof PAUSE_PLACEHOLDERS)[number], string> = {
    package: ctx.package,
    label: ctx.label,
    pause_label: clock.pauseLabel,
    paused_since: pause.since.slice(0, 10),
    age: String(clock.age),
    archive_label: ctx.archiveLabel
  }
  return `${fillPattern(texts.pause, values)}\n\n${pauseMarker(episode.id, pause.id)}`
}

export function staleTitle(label: string, floor: FloorStatus, minimum: string): string {
  return trackingTitle(
    label,
    floor.package,
    `upstream floor ${floorText(floor)} is below ${minimum}`
  )
}

export function staleBody(
  floor: FloorStatus,
  ctx: { upstream: string; minimum: string; table: string; timeline: Milestone[] },
  owners: string[]
): string {
  const steps = ctx.timeline
    .map((milestone) =>
      milestone.kind === 'archive'
        ? `day ${milestone.day}: the package is labelled archived`
        : milestone.kind === 'notice'
          ? `day ${milestone.day}: it is named in the next release notes`
          : `day ${milestone.day}: a reminder`
    )
    .join('; ')
  return [
    `\`${floor.package}\` requires \`${floor.requirement}\` (${where(floor)}), which allows ${ctx.upstream} ` +
      `versions below the repository's minimum \`${ctx.minimum}\` (\`minimum_upstream_version\` ` +
      `in \`[tool.${ctx.table}]\`).`,
    owners.length ? `Owners: ${owners.map((o) => `@${o}`).join(' ')}` : '',
    `Raise the floor to at least \`${ctx.upstream}>=${ctx.minimum}\` and the archival sweep closes ` +
      `this issue by itself. Until then this issue follows the archival timeline (${steps}).`,
    trackingMarker(floor.package, 'stale')
  ]
    .filter(Boolean)
    .join('\n\n')
}

/**
 * The hidden marker of the comment that closes a stale issue: a re-run after a failed close finds
 * it and only closes, and a lost create is found by it.
 */
export function staleCloseMarker(pkg: string): string {
  return `<!-- contribs-actions:stale-close package=${pkg} -->`
}

export function staleCloseComment(
  texts: Texts,
  ctx: { package: string; upstream: string; minimum: string },
  resolution: string
): string {
  const values: Record<(typeof STALE_CLOSE_PLACEHOLDERS)[number], string> = {
    package: ctx.package,
    upstream: ctx.upstream,
    minimum: ctx.minimum,
    resolution
  }
  return `${fillPattern(texts.staleClose, values)}\n\n${staleCloseMarker(ctx.package)}`
}
