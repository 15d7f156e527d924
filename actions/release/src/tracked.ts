import {
  ageDays,
  currentEpisode,
  mapLimit,
  milestonesFor,
  packageFromTitle,
  pausePeriods,
  trackedByPackage,
  type Settings
} from '@contribs-actions/shared'
import {
  apiError,
  issueEvents,
  listOpenLabelled,
  type Connection
} from '@contribs-actions/shared/github'
import type { TrackedPackage } from './plan.js'

/**
 * The open tracking issue of each package (smoke-reporter's marker, or archival-sweep's title
 * for an issue opened by hand) and where it stands on the archival timeline: archived when it
 * carries the archive label, past the notice when the tracking label's current episode is as old
 * as the notice day of `archival_days` (paused time not counted). Ages are measured on GitHub's clock.
 */
export async function readTracked(conn: Connection, settings: Settings): Promise<TrackedPackage[]> {
  const { octokit, owner, repo } = conn
  const label = settings.tracking_label
  let listing
  try {
    listing = await listOpenLabelled(octokit, owner, repo, label)
  } catch (e) {
    throw apiError(`could not list the open issues labelled ${label}`, e, 'issues: read')
  }
  const byPackage = trackedByPackage(listing.issues, 'tracking')
  for (const issue of listing.issues) {
    const pkg = packageFromTitle(issue.title, label)
    if (pkg && !byPackage.has(pkg)) byPackage.set(pkg, issue)
  }
  const notice = milestonesFor(settings.archival_days).find((m) => m.kind === 'notice')
  const archive = settings.archive_label.toLowerCase()
  return mapLimit([...byPackage], 8, async ([pkg, issue]): Promise<TrackedPackage> => {
    const archived = issue.labels.some((l) => l.toLowerCase() === archive)
    let pastNotice = archived
    if (!archived && notice) {
      const timeline = await issueEvents(octokit, owner, repo, issue.number).catch((e: unknown) => {
        throw apiError(`could not read the events of #${issue.number}`, e, 'issues: read')
      })
      const episode = currentEpisode(timeline, label)
      // Time under the pause label does not count, as on the sweep's own clock.
      const pauses = pausePeriods(timeline, settings.pause_label)
      pastNotice =
        episode !== undefined && ageDays(episode.since, conn.clock.now(), pauses) >= notice.day
    }
    return { package: pkg, issue: issue.number, url: issue.url, archived, pastNotice }
  })
}
