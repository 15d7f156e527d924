// The archival clock is shared: release reads it too, to name the packages at or past the notice.
export {
  ageDays,
  currentEpisode,
  DAY_MS,
  dueAt,
  milestoneAction,
  milestoneMarker,
  milestonesFor,
  postedDays
} from '@contribs-actions/shared'
export type { Episode, IssueEventLike, Milestone, MilestoneKind } from '@contribs-actions/shared'
