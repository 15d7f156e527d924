import {
  ActionResult,
  CiConfig,
  code,
  emptyResult,
  fileLine,
  Finding,
  Markdown,
  eachPackage,
  packageLayoutFindings,
  plural,
  readCiConfig,
  readPackage,
  RepoBase,
  Subpackage,
  UserError
} from '@contribs-actions/shared'
import type { Options } from './options.js'

export interface PackageConfig {
  package: string
  config: CiConfig
  present: boolean
}

/**
 * The selected subpackages. `all` reads them one at a time while they are consumed, so a run over
 * thousands of packages never holds every parsed pyproject at once; named packages are the only
 * ones read (a matrix leg asking for one package does not parse the other thousands). An unknown
 * folder is a UserError listing the known ones.
 */
export function selectPackages(repo: RepoBase, select: Options['select']): Iterable<Subpackage> {
  if (select.mode === 'all') return eachPackage(repo)
  const names = select.mode === 'single' ? [select.package] : select.packages
  return names.map((name) => {
    const dir = name.replace(/\/+$/, '')
    const pkg = repo.candidates.includes(dir)
      ? readPackage(repo, dir, { owners: false })
      : undefined
    if (!pkg) {
      const known = [...eachPackage(repo)].map((p) => p.dir)
      const hint = packageLayoutFindings(repo, known).map((f) => `. ${f.message}`)
      throw new UserError(
        `no subpackage ${JSON.stringify(name)} in the repository (subpackages: ${known.join(', ') || 'none'})${hint.join('')}`
      )
    }
    return pkg
  })
}

/** Reads the CI table of each package; every finding is collected, none stops the others. */
export function readConfigs(
  repo: RepoBase,
  pkgs: Iterable<Subpackage>
): { configs: PackageConfig[]; findings: Finding[] } {
  const configs: PackageConfig[] = []
  const findings: Finding[] = []
  for (const pkg of pkgs) {
    if (pkg.pyprojectError) {
      const e = pkg.pyprojectError
      findings.push({
        severity: 'error',
        message: e.message,
        file: e.file,
        line: e.line,
        column: e.column,
        package: pkg.dir
      })
      continue
    }
    if (!pkg.pyproject) {
      findings.push({
        severity: 'error',
        message: 'missing pyproject.toml',
        file: `${pkg.dir}/pyproject.toml`,
        package: pkg.dir
      })
      continue
    }
    const r = readCiConfig(pkg.pyproject, repo.settings, pkg.dir)
    findings.push(...r.findings)
    configs.push({ package: pkg.dir, config: r.config, present: r.present })
  }
  return { configs, findings }
}

export function buildResult(
  repo: RepoBase,
  options: Options,
  configs: PackageConfig[],
  findings: Finding[]
): ActionResult {
  const result = emptyResult()
  result.findings = findings
  result.root = repo.root
  const errors = findings.filter((f) => f.severity === 'error')
  const own = configs.filter((c) => c.present).length
  const sentence = `read the CI settings of ${plural(configs.length, 'package')} (${own} with their own [tool.${repo.settings.table}.ci] table)`
  if (errors.length) {
    result.failure = `${plural(errors.length, 'invalid CI setting')}: ${errors
      .map((e) => `${fileLine(e.file ?? '', e.line)}: ${e.message}`)
      .join('; ')}`
  }
  if (options.select.mode === 'single' && configs.length === 1 && !errors.length) {
    const c = configs[0].config
    result.outputs = {
      skip_ollama: c.skip_ollama,
      timeout_minutes: c.timeout_minutes,
      python_versions: c.python_versions,
      config: c
    }
  } else if (options.select.mode !== 'single' && !errors.length) {
    result.outputs = { configs: Object.fromEntries(configs.map((c) => [c.package, c.config])) }
  }
  result.outputs.summary = errors.length ? result.failure! : sentence

  const md = new Markdown()
    .heading('read-ci-config')
    .para(errors.length ? `**Failed:** ${result.failure}` : sentence)
  md.table(
    ['package', 'timeout (min)', 'python', 'skip_ollama', 'extra keys', 'source'],
    configs.map((c) => {
      const extra = Object.keys(c.config).filter(
        (k) => !['skip_ollama', 'timeout_minutes', 'python_versions'].includes(k)
      )
      return [
        code(c.package),
        c.config.timeout_minutes,
        c.config.python_versions.join(', '),
        String(c.config.skip_ollama),
        extra.map(code).join(' ') || '—',
        c.present ? 'own table' : 'defaults'
      ]
    })
  )
  const warnings = findings.filter((f) => f.severity === 'warning')
  if (warnings.length)
    md.heading('Warnings', 3).list(
      warnings.map((w) => `${code(`${w.file}:${w.line ?? 1}`)} ${w.message}`)
    )
  result.summary = md.toString()
  result.log.push(sentence)
  return result
}
