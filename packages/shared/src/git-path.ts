import { accessSync, constants, statSync } from 'node:fs'
import path from 'node:path'

let gitPath: string | undefined

/**
 * git's absolute path, looked up on PATH once. Given a bare `git`, @actions/exec stats every
 * PATH folder on every call, one asynchronous stat after another, so a process busy reading
 * files starts git tens of milliseconds late.
 */
export function gitExecutable(): string {
  if (gitPath) return gitPath
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE').split(';') : ['']
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const ext of dir ? exts : []) {
      const candidate = path.join(dir, `git${ext}`)
      try {
        if (!statSync(candidate).isFile()) continue
        if (process.platform !== 'win32') accessSync(candidate, constants.X_OK)
        return (gitPath = candidate)
      } catch {
        // not here, or not executable: keep looking
      }
    }
  }
  return 'git' // not found: spawning it fails with git's name in the error
}
