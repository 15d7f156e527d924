// A synthetic contribs repository, generated deterministically: as many subpackages as a test or
// the benchmark asks for, each shaped like examples/contribs-repo's (pyproject.toml, OWNERS,
// README.md, tests/, examples/, the namespace folder), some depending on siblings, optionally
// laid out in group folders and with violations planted where validate-structure must find them.
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/**
 * `top-level`: every package is a folder at the root, as in mellea-contribs. `nested`: the core
 * package stays at the root and the rest live in group folders, one of them two levels deep
 * (`integrations/<name>`, `python/instrumentation/<name>`), as in monorepos that group packages
 * by kind; the root declares them as a uv workspace (`[tool.uv.workspace].members`) unless
 * `workspace: false`.
 */
export type PackageLayout = 'top-level' | 'nested'

export interface GenerateOptions {
  packages: number
  /** Extra Python modules in each package's import folder (the bench's file-count knob). */
  filesPerPackage?: number
  /** How many packages get one planted violation each (never the core package). */
  broken?: number
  layout?: PackageLayout
  /** `nested`: declare the packages as a uv workspace in the root pyproject (default true). */
  workspace?: boolean
  /** Initialise git and commit everything on `main` (the default). */
  git?: boolean
  /** Changes which packages depend on which, and where violations go. */
  seed?: number
}

export interface GeneratedPackage {
  /** The folder, relative to the repository root (`dspy`, `integrations/dspy-3`). */
  dir: string
  /** The distribution name in its `[project].name`. */
  name: string
  /** The folders of the siblings it declares a dependency on. */
  dependsOn: string[]
}

/** A violation validate-structure must report: the package, the file and a part of the message. */
export interface PlantedViolation {
  kind: string
  code: string
  subpackage: string
  file: string
  expect: string
}

export interface GeneratedRepo {
  dir: string
  packages: GeneratedPackage[]
  planted: PlantedViolation[]
}

export const CORE_DIR = '_integration_core'
const NAMESPACE = 'mellea_contribs'
const DIST_PREFIX = 'mellea-contribs-'
const GROUPS = ['integrations', 'python/instrumentation', 'exporters']
/** The package_globs that find the nested layout's packages. */
export const NESTED_GLOBS = [CORE_DIR, ...GROUPS.map((g) => `${g}/*`)]
// prettier-ignore
const WORDS = [
  'agents', 'audit', 'cache', 'chat', 'citations', 'crewai', 'dspy', 'embed', 'evals', 'graph',
  'guard', 'index', 'langchain', 'llama', 'memory', 'parse', 'rank', 'route', 'search', 'tools',
  'trace', 'vector', 'vision', 'web'
]
/** The share of packages that depend on a sibling; most of them on the core package. */
const DEPENDENT_SHARE = 0.12

/** mulberry32: a small seeded generator, so the same options give the same repository. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const importName = (dir: string) => path.posix.basename(dir).replace(/^_+/, '').replace(/-/g, '_')
const distName = (dir: string) => DIST_PREFIX + importName(dir).replace(/_/g, '-')

/** Folder names: the core package, then words, then words with a round number. */
function packageDirs(count: number, layout: PackageLayout): string[] {
  const dirs = [CORE_DIR]
  for (let i = 0; dirs.length < count; i++) {
    const word = WORDS[i % WORDS.length]
    const round = Math.floor(i / WORDS.length)
    const base = round === 0 ? word : `${word}-${round}`
    dirs.push(layout === 'nested' ? `${GROUPS[i % GROUPS.length]}/${base}` : base)
  }
  return dirs
}

/** Who depends on whom: about 12% of packages name one sibling, 70% of them the core package. */
function planDependencies(dirs: string[], random: () => number): GeneratedPackage[] {
  return dirs.map((dir, i) => {
    const dependsOn: string[] = []
    if (i > 0 && random() < DEPENDENT_SHARE) {
      const onCore = i < 3 || random() < 0.7
      dependsOn.push(onCore ? CORE_DIR : dirs[1 + Math.floor(random() * (i - 1))])
    }
    return { dir, name: distName(dir), dependsOn }
  })
}

function pyproject(pkg: GeneratedPackage, byDir: Map<string, GeneratedPackage>): string {
  const siblings = pkg.dependsOn.map((d) => byDir.get(d)!)
  const deps = ['mellea>=0.6.0', ...siblings.map((s) => s.name)]
  const sources = siblings.map(
    (s) => `${s.name} = { path = "${path.posix.relative(pkg.dir, s.dir)}" }\n`
  )
  return [
    '[project]',
    `name = "${pkg.name}"`,
    'version = "0.6.0"',
    `description = "${importName(pkg.dir)} for Mellea"`,
    'readme = "README.md"',
    'requires-python = ">=3.11"',
    'dependencies = [',
    ...deps.map((d) => `    "${d}",`),
    ']',
    '',
    '[project.optional-dependencies]',
    'test = ["pytest>=7"]',
    '',
    '[build-system]',
    'requires = ["hatchling"]',
    'build-backend = "hatchling.build"',
    '',
    '[tool.hatch.build.targets.wheel]',
    `packages = ["${NAMESPACE}"]`,
    '',
    ...(sources.length ? ['[tool.uv.sources]', ...sources] : [])
  ].join('\n')
}

function packageFiles(
  pkg: GeneratedPackage,
  byDir: Map<string, GeneratedPackage>,
  filesPerPackage: number
): Map<string, string> {
  const imp = importName(pkg.dir)
  const inner = `${NAMESPACE}/${imp}`
  const files = new Map<string, string>([
    ['pyproject.toml', pyproject(pkg, byDir)],
    ['OWNERS', `@owner-${imp.replace(/_/g, '-')}\n`],
    ['README.md', `# ${pkg.name}\n`],
    ['uv.lock', `version = 1\nrequires-python = ">=3.11"\n`],
    ['tests/test_import.py', `def test_import():\n    import ${NAMESPACE}.${imp}  # noqa: F401\n`],
    ['examples/basic_usage.py', `import ${NAMESPACE}.${imp}\n`],
    [`${inner}/__init__.py`, `"""${NAMESPACE}.${imp}."""\n`],
    [`${inner}/stdlib/__init__.py`, '']
  ])
  for (let k = 0; k < filesPerPackage; k++)
    files.set(`${inner}/module_${k}.py`, `def value_${k}():\n    return ${k}\n`)
  return files
}

/** One planted violation: how it changes a package's files, and what validate-structure says. */
interface Plant {
  kind: string
  code: string
  apply(files: Map<string, string>, inner: string): { file: string; expect: string }
}

const replaceIn = (files: Map<string, string>, file: string, from: string, to: string) =>
  files.set(file, files.get(file)!.replace(from, to))

const PLANTS: Plant[] = [
  {
    kind: 'missing-readme',
    code: 'CA101',
    apply: (files) => {
      files.delete('README.md')
      return { file: 'README.md', expect: 'missing required file: README.md' }
    }
  },
  {
    kind: 'missing-examples',
    code: 'CA102',
    apply: (files) => {
      files.delete('examples/basic_usage.py')
      return { file: 'examples/', expect: 'missing required directory: examples/' }
    }
  },
  {
    kind: 'empty-owners',
    code: 'CA103',
    apply: (files) => {
      files.set('OWNERS', '')
      return { file: 'OWNERS', expect: 'OWNERS file is empty' }
    }
  },
  {
    kind: 'invalid-toml',
    code: 'CA104',
    apply: (files) => {
      replaceIn(files, 'pyproject.toml', 'version = "0.6.0"', 'version = "0.6.0')
      return { file: 'pyproject.toml', expect: 'pyproject.toml is invalid TOML' }
    }
  },
  {
    kind: 'wheel-packages',
    code: 'CA105',
    apply: (files) => {
      replaceIn(files, 'pyproject.toml', `packages = ["${NAMESPACE}"]`, 'packages = ["src"]')
      return {
        file: 'pyproject.toml',
        expect: `[tool.hatch.build.targets.wheel].packages must be ['${NAMESPACE}'] (got ['src'])`
      }
    }
  },
  {
    kind: 'upstream-unconstrained',
    code: 'CA106',
    apply: (files) => {
      replaceIn(files, 'pyproject.toml', '"mellea>=0.6.0"', '"mellea"')
      return {
        file: 'pyproject.toml',
        expect: '`mellea` dependency must declare a version constraint'
      }
    }
  },
  {
    kind: 'upstream-url',
    code: 'CA107',
    apply: (files) => {
      const url = '"mellea @ git+https://github.com/generative-computing/mellea.git"'
      replaceIn(files, 'pyproject.toml', '"mellea>=0.6.0"', url)
      return { file: 'pyproject.toml', expect: '`mellea` dependency must not be a git/url ref' }
    }
  },
  {
    kind: 'missing-namespace',
    code: 'CA108',
    apply: (files) => {
      for (const f of [...files.keys()]) if (f.startsWith(`${NAMESPACE}/`)) files.delete(f)
      return { file: `${NAMESPACE}/`, expect: `missing required directory: ${NAMESPACE}/` }
    }
  },
  {
    kind: 'missing-init',
    code: 'CA109',
    apply: (files, inner) => {
      files.delete(`${inner}/__init__.py`)
      return { file: `${inner}/__init__.py`, expect: `missing __init__.py at ${inner}/` }
    }
  },
  {
    kind: 'mirror-dir',
    code: 'CA110',
    apply: (files, inner) => {
      files.set(`${inner}/extras/__init__.py`, '')
      return { file: `${inner}/extras/`, expect: `unexpected directory under ${inner}/: extras/` }
    }
  },
  {
    kind: 'top-level-dir',
    code: 'CA112',
    apply: (files) => {
      files.set('scratch/notes.md', 'notes\n')
      return { file: 'scratch/', expect: 'unexpected top-level directory: scratch/' }
    }
  },
  {
    kind: 'namespace-init',
    code: 'CA114',
    apply: (files) => {
      files.set(`${NAMESPACE}/__init__.py`, '')
      return { file: `${NAMESPACE}/__init__.py`, expect: `stray ${NAMESPACE}/__init__.py` }
    }
  },
  {
    kind: 'ci-not-a-table',
    code: 'CA115',
    apply: (files) => {
      files.set(
        'pyproject.toml',
        `${files.get('pyproject.toml')}\n[tool.mellea-contribs]\nci = "yes"\n`
      )
      return { file: 'pyproject.toml', expect: '[tool.mellea-contribs] ci must be a table' }
    }
  },
  {
    kind: 'missing-name',
    code: 'CA116',
    apply: (files) => {
      replaceIn(files, 'pyproject.toml', /^name = .*$/m.exec(files.get('pyproject.toml')!)![0], '')
      return { file: 'pyproject.toml', expect: 'pyproject.toml has no [project] name' }
    }
  }
]

/** The kinds of violation the generator plants, in the order it cycles through them. */
export const PLANTED_KINDS = PLANTS.map((p) => p.kind)

/** `count` distinct non-core packages, spread over the repository by the seeded generator. */
function pickBroken(packages: GeneratedPackage[], count: number, random: () => number): number[] {
  if (count > packages.length - 1)
    throw new Error(`cannot plant ${count} violations in ${packages.length - 1} non-core packages`)
  const candidates = packages.map((_, i) => i).slice(1)
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[candidates[i], candidates[j]] = [candidates[j], candidates[i]]
  }
  return candidates.slice(0, count).sort((a, b) => a - b)
}

function rootFiles(packages: GeneratedPackage[], declareWorkspace: boolean): Map<string, string> {
  const extras = packages.map((p) => `${importName(p.dir).replace(/_/g, '-')} = ["${p.name}"]`)
  const workspace = declareWorkspace
    ? ['', '[tool.uv.workspace]', `members = ${JSON.stringify(NESTED_GLOBS)}`]
    : []
  const root = [
    '[project]',
    'name = "mellea-contribs"',
    'version = "0.6.0"',
    'requires-python = ">=3.11"',
    'dependencies = []',
    '',
    '[project.optional-dependencies]',
    ...extras,
    '',
    '[build-system]',
    'requires = ["hatchling"]',
    'build-backend = "hatchling.build"',
    '',
    '[tool.hatch.build.targets.wheel]',
    'bypass-selection = true',
    ...workspace,
    ''
  ].join('\n')
  const matrix = JSON.stringify({ subpackages: packages.map((p) => p.dir) })
  return new Map([
    ['pyproject.toml', root],
    ['README.md', '# A generated contribs repository\n'],
    ['.github/smoke-matrix.json', `${matrix}\n`]
  ])
}

function writeTree(root: string, files: Map<string, string>): void {
  const made = new Set<string>()
  for (const [rel, text] of files) {
    const abs = path.join(root, rel)
    const parent = path.dirname(abs)
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true })
      made.add(parent)
    }
    writeFileSync(abs, text)
  }
}

function commitOnMain(dir: string): void {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Generator',
    GIT_AUTHOR_EMAIL: 'generator@example.invalid',
    GIT_COMMITTER_NAME: 'Generator',
    GIT_COMMITTER_EMAIL: 'generator@example.invalid',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1'
  }
  // No `git gc --auto` left running in the background after a commit of thousands of files.
  const run = (...args: string[]) =>
    execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'gc.auto=0', ...args], {
      cwd: dir,
      env,
      stdio: 'ignore'
    })
  run('init', '-q', '-b', 'main')
  run('add', '-A')
  run('commit', '-q', '-m', 'generated contribs repository')
}

/**
 * Writes the repository into `dir` (emptied first) and returns what it holds: each package with
 * its sibling dependencies, and each planted violation with the file and message text
 * validate-structure must report for it (exactly one violation per broken package).
 */
export function generateRepo(dir: string, options: GenerateOptions): GeneratedRepo {
  const layout = options.layout ?? 'top-level'
  const random = seededRandom(options.seed ?? 1)
  const packages = planDependencies(packageDirs(options.packages, layout), random)
  const byDir = new Map(packages.map((p) => [p.dir, p]))
  const broken = new Set(pickBroken(packages, options.broken ?? 0, random))
  const planted: PlantedViolation[] = []
  const files = rootFiles(packages, layout === 'nested' && (options.workspace ?? true))
  packages.forEach((pkg, i) => {
    const own = packageFiles(pkg, byDir, options.filesPerPackage ?? 4)
    if (broken.has(i)) {
      const plant = PLANTS[planted.length % PLANTS.length]
      const { file, expect } = plant.apply(own, `${NAMESPACE}/${importName(pkg.dir)}`)
      planted.push({
        kind: plant.kind,
        code: plant.code,
        subpackage: pkg.dir,
        file: `${pkg.dir}/${file}`,
        expect
      })
    }
    for (const [rel, text] of own) files.set(`${pkg.dir}/${rel}`, text)
  })
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  writeTree(dir, files)
  if (options.git ?? true) commitOnMain(dir)
  return { dir, packages, planted }
}
