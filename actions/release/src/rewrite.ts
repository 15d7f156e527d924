import {
  allowDirectReferences,
  readPyProject,
  rewriteDependencyStrings,
  UserError,
  uvFolder,
  uvSourcePaths,
  normalizeName,
  removeFromExtras,
  TomlLines,
  type DependencyRewrite,
  type Requirement
} from '@contribs-actions/shared'

/** `name[extras] @ url ; marker`: a PEP 508 direct reference keeping the extras and marker. */
function directReference(req: Requirement, url: string): string {
  const extras = req.extras.length ? `[${req.extras.join(',')}]` : ''
  return `${req.name}${extras} @ ${url}${req.marker ? ` ; ${req.marker}` : ''}`
}

/**
 * The pyproject.toml a package is built from: every published dependency on a sibling that
 * `[tool.uv.sources]` resolves to a local folder becomes a direct reference to that sibling's
 * wheel among this release's assets (`wheelUrls`, by folder), and hatchling is told to accept
 * direct references. uv sources are uv's alone and never reach the wheel's metadata, so without
 * this the published wheel would name the sibling as a bare name no index serves. Dependency groups
 * are not published and stay as they are. Everything else in the file is kept byte for byte.
 */
export function rewriteForBuild(
  text: string,
  file: string,
  dir: string,
  wheelUrls: ReadonlyMap<string, string>,
  packageDirs: ReadonlySet<string>
): DependencyRewrite {
  const py = readPyProject(text, file)
  const sources = new Map<string, string>()
  for (const s of uvSourcePaths(py)) {
    const folder = uvFolder(dir, s.path)
    if (packageDirs.has(folder)) sources.set(normalizeName(s.name), folder)
  }
  const rewrite = rewriteDependencyStrings(text, file, (entry) => {
    const req = entry.requirement
    if (entry.role === 'group' || !req || req.url !== undefined) return undefined
    const folder = sources.get(req.key)
    if (folder === undefined) return undefined
    const url = wheelUrls.get(folder)
    if (url === undefined)
      throw new UserError(
        `${entry.raw} (${entry.group}) resolves to ${folder}, which is not in this release`,
        { file, line: py.lines.find(entry.table, entry.key, entry.raw) }
      )
    return directReference(req, url)
  })
  return rewrite.changes.length
    ? { ...rewrite, text: allowDirectReferences(rewrite.text, file) }
    : rewrite
}

/**
 * The meta-package's pyproject.toml as built for the release: each straggler (by distribution
 * name) leaves the extras, its own extra whole and its item in `all` and the like, then each
 * extra naming a subpackage in this release points at that subpackage's wheel among the
 * release's assets (`wheelUrls`, by distribution key), pinned to the release's tag. An extra
 * naming neither (a package outside the repository) is left as it is.
 */
export function metaForRelease(
  text: string,
  file: string,
  meta: string,
  stragglers: readonly string[],
  wheelUrls: ReadonlyMap<string, string>
): DependencyRewrite {
  // Pinning first keeps every change's line that of the file as written: a straggler's items are
  // never pinned, and the removals find their lines in the original text.
  const pinned = pinMetaExtrasToRelease(text, file, wheelUrls)
  const left = leaveOutOfExtras(pinned.text, new TomlLines(text), file, meta, stragglers)
  return {
    text: left.text,
    changes: [...pinned.changes, ...left.changes].sort((a, b) => a.line - b.line)
  }
}

const EXTRAS_TABLE = ['project', 'optional-dependencies']

/** The text without the stragglers in its extras, each removal a change on its line in `lines`. */
function leaveOutOfExtras(
  text: string,
  lines: TomlLines,
  file: string,
  meta: string,
  stragglers: readonly string[]
): DependencyRewrite {
  const changes: DependencyRewrite['changes'] = []
  let out = text
  for (const distribution of stragglers) {
    const { text: next, removed } = removeFromExtras(out, file, distribution, meta)
    out = next
    for (const extra of removed.extras)
      changes.push({
        group: [...EXTRAS_TABLE, extra.name].join('.'),
        line: lines.find(EXTRAS_TABLE, extra.name) ?? 0,
        from: extra.text.trimEnd(),
        to: ''
      })
    for (const member of removed.members)
      changes.push({
        group: [...EXTRAS_TABLE, member.extra].join('.'),
        line: lines.find(EXTRAS_TABLE, member.extra, member.item.slice(1, -1)) ?? 0,
        from: member.item,
        to: ''
      })
    for (const narrowed of removed.narrowed ?? [])
      changes.push({
        group: [...EXTRAS_TABLE, narrowed.extra].join('.'),
        line: lines.find(EXTRAS_TABLE, narrowed.extra, narrowed.from.slice(1, -1)) ?? 0,
        from: narrowed.from,
        to: narrowed.to
      })
  }
  return { text: out, changes }
}

/**
 * Each extra of the meta-package naming a subpackage in `wheelUrls` (by distribution key) points
 * at that subpackage's wheel among the release's assets.
 */
function pinMetaExtrasToRelease(
  text: string,
  file: string,
  wheelUrls: ReadonlyMap<string, string>
): DependencyRewrite {
  const rewrite = rewriteDependencyStrings(text, file, (entry) => {
    const req = entry.requirement
    if (entry.role !== 'extra' || !req || req.url !== undefined) return undefined
    const url = wheelUrls.get(req.key)
    return url === undefined ? undefined : directReference(req, url)
  })
  return rewrite.changes.length
    ? { ...rewrite, text: allowDirectReferences(rewrite.text, file) }
    : rewrite
}
