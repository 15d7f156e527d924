// `contribs-actions codeowners [--path DIR] [--settings-table NAME] [--package-globs GLOBS]`:
// prints the whole CODEOWNERS file the packages' OWNERS files ask for (shared codeowners.ts
// decides which lines stay, move or are added), for a maintainer to review and commit. It reads
// the checkout only; nothing is written.
import path from 'node:path'
import { parseArgs } from 'node:util'
import {
  eachPackage,
  generateCodeowners,
  openRepo,
  ownerHandles,
  readCodeowners,
  UserError
} from '@contribs-actions/shared'
import { UsageError } from './args.js'

export const CODEOWNERS_COMMAND = 'codeowners'

export interface CodeownersArgs {
  path: string
  table?: string
  globs?: string[]
}

const CODEOWNERS_USAGE = [
  'usage: contribs-actions codeowners [--path DIR] [--settings-table NAME] [--package-globs GLOBS]',
  '',
  "Prints the whole CODEOWNERS file each package's OWNERS file asks for: the file GitHub reads",
  '(.github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS, the first found; or the `codeowners` path of',
  "the settings table), with every line that is not a package's own kept as it is, a package's",
  'line rewritten where it stands, and the lines of packages that have none, or whose line a later',
  'line overrides, added at the end. Redirect it to the file to update it.',
  '',
  '  --path DIR              Repository root (default: the current folder).',
  '  --settings-table NAME   The settings table, `[tool.<NAME>]` (default: as the actions decide).',
  '  --package-globs GLOBS   Where the packages are (comma separated; `!` excludes).',
  '',
  'Exit status: 0 when printed, 1 when the repository cannot be read, 2 for a usage error.'
].join('\n')

/** The command line after `codeowners`; `help` when it asks for the usage. */
function parseCodeownersArgs(argv: string[]): CodeownersArgs | 'help' {
  let values
  try {
    values = parseArgs({
      args: argv,
      options: {
        path: { type: 'string' },
        'settings-table': { type: 'string' },
        'package-globs': { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      },
      strict: true
    }).values
  } catch (e) {
    throw new UsageError((e as Error).message, CODEOWNERS_COMMAND)
  }
  if (values.help) return 'help'
  const globs = values['package-globs']
    ?.split(/[\n,]/)
    .map((g) => g.trim())
    .filter(Boolean)
  return {
    path: values.path ?? '.',
    ...(values['settings-table'] ? { table: values['settings-table'] } : {}),
    ...(globs?.length ? { globs } : {})
  }
}

/** The generated file's text; a repository that cannot be read is a UserError. */
async function codeownersText(args: CodeownersArgs, cwd = process.cwd()): Promise<string> {
  const repo = await openRepo(path.resolve(cwd, args.path), {
    table: args.table,
    overrides: args.globs ? { package_globs: args.globs } : {},
    listing: 'git'
  })
  const packages = []
  for (const pkg of eachPackage(repo))
    if (pkg.owners) packages.push({ dir: pkg.dir, owners: ownerHandles(pkg.owners) })
  const { codeowners } = repo.settings
  const file = readCodeowners(repo.root, typeof codeowners === 'string' ? codeowners : undefined)
  return generateCodeowners(file, packages)
}

/** Runs the command: the file on stdout, or why not on stderr. */
export async function runCodeowners(argv: string[]): Promise<number> {
  const args = parseCodeownersArgs(argv)
  if (args === 'help') {
    process.stdout.write(`${CODEOWNERS_USAGE}\n`)
    return 0
  }
  try {
    process.stdout.write(await codeownersText(args))
    return 0
  } catch (e) {
    if (!(e instanceof UserError)) throw e
    process.stderr.write(`contribs-actions codeowners: ${e.describe()}\n`)
    return 1
  }
}
