import {
  allowDirectReferences,
  readPyProject,
  rewriteDependencyStrings,
  UserError,
  uvFolder,
  uvSourcePaths,
  normalizeName,
  type DependencyRewrite,
  type Requirement
} from '@contribs-actions/shared'

/** `name[extras] @ url ; marker`: a PEP 508 direct reference keeping the extras and marker. */
export function directReference(req: Requirement, url: string): string {
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
 * The meta-package's pyproject.toml as built for the release: each extra naming a subpackage in
 * this release points at that subpackage's wheel among the release's assets (`wheelUrls`, by
 * distribution key), pinned to the release's tag. Extras naming a package that is not in the
 * release are left as they are; taking stragglers out of the extras and `all` is a separate edit.
 */
export function pinMetaExtrasToRelease(
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
