// The security rules every workflow file must keep. Each rule is a pure function from parsed
// workflows to findings (`file:line: what is wrong`), so a test can run it over the real files
// and over small bad fixtures that prove it catches what it claims to.
import {
  isObj,
  jobs,
  ourActionName,
  ourWorkflowPath,
  OUR_REF,
  OUR_REPO,
  steps,
  trailingComment,
  where,
  type Json,
  type Obj,
  type Workflow
} from './load.js'

export type Finding = string

// ---------------------------------------------------------------------------------------------
// 1. No `${{ ... }}` inside a `run:` script. The expression is pasted into the script before the
//    shell parses it, so a branch name or an issue title becomes code. Values go through `env:`.

export function expressionsInRun(wf: Workflow): Finding[] {
  const out: Finding[] = []
  for (const [id, job] of jobs(wf)) {
    steps(job).forEach((step, i) => {
      if (typeof step.run === 'string' && /\$\{\{/.test(step.run))
        out.push(
          `${where(wf, ['jobs', id, 'steps', i, 'run'])}: job ${id}, step ${i + 1}: \${{ }} inside run:; pass the value through env:`
        )
    })
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// 2. Least privilege, explicitly: the workflow's top level grants nothing or read-only, and
//    every job says what its token may do.

export type Level = 'none' | 'read' | 'write'
export type Permissions = Record<string, Level>

/** Every permission the GITHUB_TOKEN knows (GitHub docs, "permissions"). */
export const SCOPES = [
  'actions',
  'attestations',
  'checks',
  'contents',
  'deployments',
  'discussions',
  'id-token',
  'issues',
  'models',
  'packages',
  'pages',
  'pull-requests',
  'repository-projects',
  'security-events',
  'statuses'
] as const

const RANK: Record<Level, number> = { none: 0, read: 1, write: 2 }

/** A `permissions:` value as a full map, or a string saying why it is not one. */
export function normalizePermissions(json: Json | undefined): Permissions | string {
  const all = (level: Level): Permissions =>
    Object.fromEntries(
      SCOPES.map((s) => [s, s === 'id-token' && level === 'read' ? 'none' : level])
    )
  if (json === 'read-all') return all('read')
  if (json === 'write-all') return all('write')
  if (!isObj(json))
    return `permissions must be a map, read-all or write-all (got ${JSON.stringify(json)})`
  const out = all('none')
  for (const [scope, level] of Object.entries(json)) {
    if (!(SCOPES as readonly string[]).includes(scope)) return `unknown permission ${scope}`
    if (level !== 'read' && level !== 'write' && level !== 'none')
      return `permission ${scope} must be read, write or none (got ${JSON.stringify(level)})`
    out[scope] = level
  }
  return out
}

export function explicitPermissions(wf: Workflow): Finding[] {
  const out: Finding[] = []
  if (!('permissions' in wf.data))
    out.push(`${wf.file}: no top-level permissions:; use {} (or read-only) and grant per job`)
  else {
    const top = normalizePermissions(wf.data.permissions)
    if (typeof top === 'string') out.push(`${where(wf, ['permissions'])}: ${top}`)
    else {
      const writes = Object.entries(top).filter(([, l]) => l === 'write')
      if (writes.length)
        out.push(
          `${where(wf, ['permissions'])}: top-level permissions grant ${writes.map(([s]) => `${s}: write`).join(', ')}; grant writes per job`
        )
    }
  }
  for (const [id, job] of jobs(wf)) {
    if (!('permissions' in job)) {
      out.push(`${where(wf, ['jobs', id])}: job ${id} has no permissions:`)
      continue
    }
    const p = normalizePermissions(job.permissions)
    if (typeof p === 'string')
      out.push(`${where(wf, ['jobs', id, 'permissions'])}: job ${id}: ${p}`)
    else if (job.permissions === 'write-all')
      out.push(
        `${where(wf, ['jobs', id, 'permissions'])}: job ${id}: write-all is never least privilege`
      )
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// 3. A called workflow's jobs never ask for more than the calling job grants (GitHub refuses to
//    start the run: "The nested job ... is requesting ..., but is only allowed ...").

/** The most any part of a reusable workflow asks for: its top level and every job. */
export function requiredPermissions(wf: Workflow): Permissions {
  const need = normalizePermissions({}) as Permissions
  const add = (json: Json | undefined) => {
    const p = normalizePermissions(json)
    if (typeof p === 'string') return
    for (const [s, l] of Object.entries(p)) if (RANK[l] > RANK[need[s]]) need[s] = l
  }
  if ('permissions' in wf.data) add(wf.data.permissions)
  for (const [, job] of jobs(wf)) if ('permissions' in job) add(job.permissions)
  return need
}

/** What a calling job hands down: its own permissions, else the workflow's top level. */
function granted(wf: Workflow, job: Obj): Permissions | string {
  if ('permissions' in job) return normalizePermissions(job.permissions)
  if ('permissions' in wf.data) return normalizePermissions(wf.data.permissions)
  return 'neither the job nor the workflow sets permissions (the repository default is not a contract)'
}

/**
 * For every job calling one of our reusable workflows (`./.github/workflows/x.yml`, or the
 * published path from a consumer), the calling job's grant must cover every permission of
 * every job of the called workflow (write covers read). `resolve` finds a called file.
 */
export function calledWorkflowPermissions(
  wf: Workflow,
  resolve: (file: string) => Workflow | undefined
): Finding[] {
  const out: Finding[] = []
  for (const [id, job] of jobs(wf)) {
    if (typeof job.uses !== 'string') continue
    const file = ourWorkflowPath(job.uses)
    if (!file) continue
    const called = resolve(file)
    if (!called) {
      out.push(`${where(wf, ['jobs', id, 'uses'])}: job ${id} calls ${file}, which does not exist`)
      continue
    }
    const grant = granted(wf, job)
    if (typeof grant === 'string') {
      out.push(`${where(wf, ['jobs', id])}: job ${id} calls ${file}: ${grant}`)
      continue
    }
    const need = requiredPermissions(called)
    const short = Object.entries(need).filter(([s, l]) => RANK[l] > RANK[grant[s]])
    if (short.length)
      out.push(
        `${where(wf, ['jobs', id])}: job ${id} calls ${file}, whose jobs need ${short.map(([s, l]) => `${s}: ${l}`).join(', ')}, but grants ${short.map(([s]) => `${s}: ${grant[s]}`).join(', ')}`
      )
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// 4. Third-party actions pinned to a full commit SHA with the version in a comment (a tag can be
//    moved to other code, as with tj-actions/changed-files in 2025). Our own actions and
//    reusable workflows, published together at one ref, and local `./` paths are exempt.

const SHA_PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(\/[^@\s]+)?@[0-9a-f]{40}$/
const VERSION_COMMENT = /^v\d+\.\d+\.\d+\b/
const DOCKER_DIGEST = /^docker:\/\/[^@\s]+@sha256:[0-9a-f]{64}$/

export function isOurs(uses: string): boolean {
  return uses.startsWith(`${OUR_REPO}/`) && uses.endsWith(`@${OUR_REF}`)
}

export function pinnedActions(wf: Workflow): Finding[] {
  const out: Finding[] = []
  const check = (uses: Json | undefined, at: (string | number)[], what: string) => {
    if (typeof uses !== 'string') return
    if (uses.startsWith('./') || isOurs(uses) || DOCKER_DIGEST.test(uses)) return
    if (uses.startsWith(`${OUR_REPO}/`)) {
      out.push(`${where(wf, at)}: ${what} uses ${uses}; our own actions are referenced @${OUR_REF}`)
      return
    }
    if (!SHA_PINNED.test(uses)) {
      out.push(`${where(wf, at)}: ${what} uses ${uses}: pin a full 40-hex commit sha`)
      return
    }
    const comment = trailingComment(wf, at)
    if (!VERSION_COMMENT.test(comment))
      out.push(
        `${where(wf, at)}: ${what} uses ${uses} without the version in a comment (\`# vX.Y.Z\`)`
      )
  }
  for (const [id, job] of jobs(wf)) {
    check(job.uses, ['jobs', id, 'uses'], `job ${id}`)
    steps(job).forEach((s, i) =>
      check(s.uses, ['jobs', id, 'steps', i, 'uses'], `job ${id}, step ${i + 1}`)
    )
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// 5. Runs that write shared state (smoke-reporter's state branch and issues, archival-sweep's
//    milestones, bump-versions' branches and PRs) are serialized per repository: a concurrency
//    group on the workflow (or on the writing job), never cancelling a run in progress.

export const WRITER_ACTIONS = ['smoke-reporter', 'archival-sweep', 'bump-versions', 'release']

/** release writes only in `mode: publish`; its plan and rewrite modes change nothing on GitHub. */
const READ_ONLY_MODES: Record<string, string[]> = { release: ['plan', 'rewrite'] }

export function writerJobs(wf: Workflow): string[] {
  return jobs(wf)
    .filter(([, job]) =>
      steps(job).some((s) => {
        const name = typeof s.uses === 'string' ? ourActionName(s.uses) : undefined
        if (name === undefined || !WRITER_ACTIONS.includes(name)) return false
        const mode = isObj(s.with) ? s.with.mode : undefined
        return !(typeof mode === 'string' && READ_ONLY_MODES[name]?.includes(mode))
      })
    )
    .map(([id]) => id)
}

function concurrencyProblem(json: Json | undefined): string | undefined {
  if (json === undefined) return 'no concurrency group'
  if (typeof json === 'string') return json.trim() ? undefined : 'an empty concurrency group'
  if (!isObj(json) || typeof json.group !== 'string' || !json.group.trim())
    return 'concurrency without a group'
  if (json['cancel-in-progress'] !== undefined && json['cancel-in-progress'] !== false)
    return 'cancel-in-progress would stop a run half-way through its writes'
  return undefined
}

export function concurrencyOnWriters(wf: Workflow): Finding[] {
  const out: Finding[] = []
  const top = wf.data.concurrency
  for (const id of writerJobs(wf)) {
    const job = (wf.data.jobs as Obj)[id] as Obj
    const own = job.concurrency
    const problem = own !== undefined ? concurrencyProblem(own) : concurrencyProblem(top)
    if (problem)
      out.push(
        `${where(wf, own !== undefined ? ['jobs', id, 'concurrency'] : ['jobs', id])}: job ${id} writes shared state with ${problem}`
      )
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// 6. Nothing downloaded is piped into a shell (`curl ... | sh`): the script would run whatever
//    the server returns that day. Download a pinned release, check its sha256, then run it.

const PIPE_TO_SHELL = /\b(curl|wget)\b[^\n|]*\|\s*(sudo\s+)?(ba|z|da)?sh\b/

export function pipeToShell(wf: Workflow): Finding[] {
  const out: Finding[] = []
  for (const [id, job] of jobs(wf))
    steps(job).forEach((step, i) => {
      if (typeof step.run !== 'string') return
      const code = step.run.replace(/^\s*#.*$/gm, '')
      if (PIPE_TO_SHELL.test(code))
        out.push(
          `${where(wf, ['jobs', id, 'steps', i, 'run'])}: job ${id}, step ${i + 1} pipes a download into a shell`
        )
    })
  return out
}

// ---------------------------------------------------------------------------------------------
// Every rule above over one workflow. check-manifests applies this to the workflow files and to
// the workflows the docs show, so a rule added here holds for the documentation too.

export function securityFindings(
  wf: Workflow,
  resolve: (file: string) => Workflow | undefined
): Finding[] {
  return [
    ...expressionsInRun(wf),
    ...explicitPermissions(wf),
    ...calledWorkflowPermissions(wf, resolve),
    ...pinnedActions(wf),
    ...concurrencyOnWriters(wf),
    ...pipeToShell(wf)
  ]
}
