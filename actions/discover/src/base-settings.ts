import {
  Finding,
  Grandfather,
  layoutOf,
  PackageLayout,
  parseGrandfather,
  readPyProject,
  readRepoTextAt,
  resolveSettings,
  Settings,
  showTomlValue,
  UserError
} from '@contribs-actions/shared'

/**
 * The settings that decide which folders are packages and which changed files make a package
 * run. A change that sets one of them could take packages out of its own matrix, so on a pull
 * request or in the merge queue each comes from the base commit until the change is merged, as
 * the archived list does (archived.ts). An input (set in the workflow) outranks both. Settings
 * that only widen what runs (`run_all`) and each package's own CI table (the change tests what it
 * says) come from the change.
 */
const SHAPING_KEYS = [
  'package_globs',
  'exclude_dirs',
  'docs_dirs',
  'template_dir',
  'grandfather_file'
] as const satisfies readonly (keyof Settings)[]

/** What the base commit says differently from the change: to load the repository with. */
export interface BaseShaping {
  overrides: Partial<Settings>
  grandfather?: Grandfather
  /** The base commit's layout, when the change moves the packages through its uv workspace. */
  layout?: PackageLayout
  findings: Finding[]
}

export interface ShapingSources {
  root: string
  base: string
  /** The change's settings, grandfather list and layout, as the checkout has them. */
  head: { settings: Settings; grandfather: Grandfather; layout: PackageLayout }
  /** The inputs' settings: a key given there is the workflow's, not the change's. */
  inputs: Partial<Settings>
}

/**
 * The base commit's values of the SHAPING_KEYS (and its grandfather list) where the change's
 * differ, each with a warning naming it; undefined when nothing differs. A base whose root
 * pyproject cannot be read leaves the change's values, with a warning.
 */
export async function shapingFromBase(src: ShapingSources): Promise<BaseShaping | undefined> {
  const table = src.head.settings.table
  const short = src.base.slice(0, 7)
  let base: Settings
  let baseLayout: PackageLayout
  try {
    const text = await readRepoTextAt(src.root, src.base, 'pyproject.toml')
    const pyproject = text === undefined ? undefined : readPyProject(text, 'pyproject.toml')
    base = resolveSettings(pyproject, src.inputs, table).settings
    baseLayout = layoutOf(base, pyproject)
  } catch (e) {
    if (!(e instanceof UserError)) throw e
    return {
      overrides: {},
      findings: [
        warning(
          `the settings of the base commit ${short} could not be read (${e.message}); [tool.${table}] ${SHAPING_KEYS.join(', ')} come from the change`
        )
      ]
    }
  }
  const shaping: BaseShaping = { overrides: {}, findings: [] }
  for (const key of SHAPING_KEYS) {
    if (key in src.inputs) continue
    const [was, now] = [base[key], src.head.settings[key]]
    if (showTomlValue(was) === showTomlValue(now)) continue
    Object.assign(shaping.overrides, { [key]: was })
    shaping.findings.push(
      warning(
        `this change sets [tool.${table}] ${key} to ${showTomlValue(now)}; on a pull request or in the merge queue the base commit ${short}'s ${showTomlValue(was)} applies until the change is merged`
      )
    )
  }
  if (!('package_globs' in src.inputs) && !sameLayout(baseLayout, src.head.layout)) {
    shaping.layout = baseLayout
    if (!('package_globs' in shaping.overrides))
      shaping.findings.push(
        warning(
          `this change sets [tool.uv.workspace] members and exclude to ${workspaceText(src.head.layout)}; on a pull request or in the merge queue the base commit ${short}'s ${workspaceText(baseLayout)} applies until the change is merged`
        )
      )
  }
  const grandfather = await baseGrandfather(src, base.grandfather_file)
  if (grandfather) {
    shaping.grandfather = grandfather
    shaping.findings.push({
      ...warning(
        `this change edits the grandfather list; on a pull request or in the merge queue the base commit ${short}'s list applies until the change is merged`
      ),
      file: grandfather.file
    })
  }
  return shaping.findings.length ? shaping : undefined
}

/** The base commit's grandfather list, when it differs from the change's. */
async function baseGrandfather(
  src: ShapingSources,
  file: string
): Promise<Grandfather | undefined> {
  const text = await readRepoTextAt(src.root, src.base, file)
  const atBase = text === undefined ? { file, paths: [] } : parseGrandfather(text, file)
  const same = (a: Grandfather, b: Grandfather) =>
    a.paths.length === b.paths.length && a.paths.every((p, i) => p === b.paths[i])
  return same(atBase, src.head.grandfather) ? undefined : atBase
}

const sameLayout = (a: PackageLayout, b: PackageLayout) => showTomlValue(a) === showTomlValue(b)

/** A layout's uv workspace globs as a message quotes them. */
function workspaceText(layout: PackageLayout): string {
  if (layout.kind !== 'globs' || layout.source !== 'uv workspace') return 'none (top-level folders)'
  return `${showTomlValue(layout.globs)} and ${showTomlValue(layout.exclude)}`
}

function warning(message: string): Finding {
  return { severity: 'warning', message, file: 'pyproject.toml' }
}
