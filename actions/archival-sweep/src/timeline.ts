// The archival clock is shared: release reads it too, to name the packages at or past the notice.
export {
  ageDays,
  currentEpisode,
  currentPause,
  DAY_MS,
  dueAt,
  milestoneAction,
  milestoneMarker,
  milestonesFor,
  pausedMs,
  pauseMarker,
  pausePeriods,
  postedDays,
  postedPauses
} from '@contribs-actions/shared'
export type {
  Episode,
  IssueEventLike,
  Milestone,
  MilestoneKind,
  Pause
} from '@contribs-actions/shared'
