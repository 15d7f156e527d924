import type { ActionYml } from '../../packages/cli/src/action-yml.js'

export { readActionYml } from '../../packages/cli/src/action-yml.js'

const cell = (s: string) =>
  s
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ')
    .trim()

/** The inputs and outputs tables of one action, as the README shows them. */
export function renderApi(doc: ActionYml): string {
  const inputs = Object.entries(doc.inputs ?? {}).map(
    ([name, i]) =>
      `| \`${name}\` | ${cell(i.description ?? '')} | ${i.default === undefined || i.default === '' ? '' : `\`${cell(String(i.default))}\``} |`
  )
  const outputs = Object.entries(doc.outputs ?? {}).map(
    ([name, o]) => `| \`${name}\` | ${cell(o.description ?? '')} |`
  )
  return [
    '| input | description | default |',
    '| --- | --- | --- |',
    ...inputs,
    '',
    '| output | description |',
    '| --- | --- |',
    ...outputs
  ].join('\n')
}

export const markers = (name: string) =>
  [`<!-- api:${name}:start -->`, `<!-- api:${name}:end -->`] as const

/** README text with every action's block between its markers regenerated. */
export function updateReadme(readme: string, apis: Record<string, string>): string {
  let out = readme
  for (const [name, api] of Object.entries(apis)) {
    const [start, end] = markers(name)
    const i = out.indexOf(start)
    const j = out.indexOf(end)
    if (i < 0 || j < i) continue
    out = `${out.slice(0, i + start.length)}\n${api}\n${out.slice(j)}`
  }
  return out
}
