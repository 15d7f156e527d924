// Job summaries are Markdown; the demo prints them as terminal text a person can read.
export function markdownToText(md: string): string {
  return (
    md
      .replace(/<!--[\s\S]*?-->/g, '')
      // Collapsed sections (diffs, long file lists) stay collapsed: one line says what is inside.
      .replace(
        /<details><summary>(.*?)<\/summary>[\s\S]*?<\/details>/g,
        '▸ $1 (collapsed in the job summary)'
      )
      .replace(/<br>/g, ' ')
      .replace(/^#{1,6} (.*)$/gm, (_m, t: string) => `${t.toUpperCase()}`)
      .replace(/\*\*(.*?)\*\*/g, '$1')
      .replace(/`([^`]*)`/g, '$1')
      .replace(/^\|( ?---+ ?\|)+[ \t]*\n/gm, '')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  )
}

export function indent(text: string, by = '    '): string {
  return text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n')
}
