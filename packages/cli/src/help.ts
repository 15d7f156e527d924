// The help texts: the top-level usage and one action's, both from the action.yml files as they are.
import { isBooleanInput, isTokenInput, type ActionYml } from './action-yml.js'
import { CLI_OPTIONS, type Catalog } from './args.js'

const EXIT_STATUS = 'Exit status: 0 when the action succeeds, 1 when it fails, 2 for a usage error.'
const TOKEN_NOTE =
  'A token, where an action needs one, is read from GITHUB_TOKEN in the environment, never from the command line.'

/** `contribs-actions --help`. */
export function usage(catalog: Catalog, width: number): string {
  const actions = catalog.actions.map((name) =>
    entry(name, catalog.manifest(name).description ?? '', width)
  )
  return [
    'usage: contribs-actions <action> [--<input> VALUE ...] [--format text|json]',
    '       contribs-actions <action> --help',
    '       contribs-actions codeowners [--path DIR]   (the CODEOWNERS file OWNERS files ask for)',
    '       contribs-actions --help | --version',
    '',
    wrap(
      'Runs a contribs-actions action against a checkout, as the GitHub runner runs it (the same built bundle), and prints its job summary and outputs.',
      width
    ),
    '',
    'Actions:',
    ...actions,
    '',
    wrap(
      "Each action's inputs are its flags (`contribs-actions <action> --help` lists them), e.g. contribs-actions read-ci-config --path ../my-contribs --package dspy",
      width
    ),
    wrap(TOKEN_NOTE, width),
    EXIT_STATUS
  ].join('\n')
}

/** `contribs-actions <action> --help`: the inputs with their descriptions and defaults. */
export function actionUsage(action: string, manifest: ActionYml, width: number): string {
  const inputs = Object.entries(manifest.inputs ?? {})
  const tokens = inputs.filter(([, i]) => isTokenInput(i)).map(([name]) => `\`${name}\``)
  const flags = inputs
    .filter(([, i]) => !isTokenInput(i))
    .map(([name, i]) => {
      const flag = isBooleanInput(i) ? `--${name}, --no-${name}` : `--${name} VALUE`
      const byDefault =
        i.default === undefined || i.default === '' ? '' : ` (default: ${String(i.default)})`
      return entry(flag, `${oneLine(i.description)}${byDefault}`, width)
    })
  const outputs = Object.entries(manifest.outputs ?? {}).map(([name, o]) =>
    entry(name, oneLine(o.description), width)
  )
  const options = Object.entries(CLI_OPTIONS).map(([name, o]) =>
    entry(
      `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`,
      o.description,
      width
    )
  )
  return [
    `usage: contribs-actions ${action} [--<input> VALUE ...] [--format text|json]`,
    '',
    wrap(oneLine(manifest.description), width),
    '',
    `Inputs (actions/${action}/action.yml):`,
    ...flags,
    ...(tokens.length
      ? [
          '',
          wrap(
            `${tokens.join(' and ')}: from GITHUB_TOKEN in the environment, never from the command line.`,
            width
          )
        ]
      : []),
    '',
    'Outputs:',
    ...outputs,
    '',
    'Options:',
    ...options,
    '',
    EXIT_STATUS
  ].join('\n')
}

/** A name on its own line, its description wrapped below it, indented. */
function entry(name: string, description: string, width: number): string {
  return [`  ${name}`, wrap(description, width, '      ')].filter((l) => l.trim()).join('\n')
}

const oneLine = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim()

/** Greedy word wrap; a word longer than the line stays whole. */
export function wrap(text: string, width: number, indent = ''): string {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(indent + line)
  return lines.join('\n')
}
