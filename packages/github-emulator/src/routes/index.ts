import { actionsRoutes } from './actions.js'
import { collaboratorRoutes } from './collaborators.js'
import { commentRoutes } from './comments.js'
import { contentRoutes } from './contents.js'
import { gitDataRoutes } from './git-data.js'
import { issueRoutes } from './issues.js'
import { labelRoutes } from './labels.js'
import { miscRoutes } from './misc.js'
import { pullRoutes } from './pulls.js'
import { refRoutes } from './refs.js'
import { releaseRoutes } from './releases.js'
import { repoRoutes } from './repos.js'
import { searchRoutes } from './search.js'
import type { RouteDef } from './types.js'

/** Every GitHub REST operation the emulator serves. */
export function allRoutes(): RouteDef[] {
  return [
    ...repoRoutes,
    ...refRoutes,
    ...releaseRoutes,
    ...gitDataRoutes,
    ...contentRoutes,
    ...issueRoutes,
    ...labelRoutes,
    ...commentRoutes,
    ...pullRoutes,
    ...collaboratorRoutes,
    ...actionsRoutes,
    ...searchRoutes,
    ...miscRoutes
  ]
}
