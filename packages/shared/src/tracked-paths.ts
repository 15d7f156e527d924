import { byCodePoint } from './text.js'

/**
 * The paths git tracks, asked "does this folder hold a tracked path?" and "what does git track
 * directly in this folder?". git lists its index in byte order, which for these questions is the
 * order of JavaScript's `<` except between characters past U+FFFF and those just below: the list
 * is kept as it comes when it is in `<` order (checked, one comparison per path) and sorted
 * otherwise. A folder's paths are then one run of the list, found by binary search (`inside`): no
 * set of every path, nor of every folder above one, is built, whose cost grows with every file of
 * the repository while a run may ask about a few folders.
 */
export class TrackedPaths {
  private constructor(
    private readonly sorted: readonly string[],
    private readonly low: number,
    private readonly high: number,
    /** The folder the run is below, with its `/` (`''` for the root). */
    private readonly prefix = ''
  ) {}

  static of(paths: readonly string[]): TrackedPaths {
    const sorted = inOrder(paths) ? paths : [...paths].sort(byCodePoint)
    return new TrackedPaths(sorted, 0, sorted.length)
  }

  /**
   * What git tracks directly in the run's folder (see inside): the names of tracked files (links
   * and submodules too) and of the folders holding a tracked path. One pass over the run: a
   * folder of thousands of entries would otherwise cost two searches per entry.
   */
  entries(): { files: Set<string>; folders: Set<string> } {
    const files = new Set<string>()
    const folders = new Set<string>()
    const start = this.prefix.length
    // The paths below one folder are one run of the sorted list: skipped once it is named.
    let lastFolder = '\0'
    for (let i = this.low; i < this.high; i++) {
      const rel = this.sorted[i]
      if (rel.startsWith(lastFolder)) continue
      const slash = rel.indexOf('/', start)
      if (slash < 0) files.add(rel.slice(start))
      else {
        folders.add(rel.slice(start, slash))
        lastFolder = rel.slice(0, slash + 1)
      }
    }
    return { files, folders }
  }

  /** Whether a tracked path lies below the folder `rel`, at any depth. */
  holds(rel: string): boolean {
    const prefix = `${rel}/`
    const at = this.firstAtLeast(prefix)
    return at < this.high && this.sorted[at].startsWith(prefix)
  }

  /**
   * The same questions about the paths below the folder `rel` (`''` for the root): a folder's
   * tracked paths are one run of the sorted list, so asking about its entries searches that run.
   */
  inside(rel: string): TrackedPaths {
    if (!rel) return this
    const prefix = `${rel}/`
    const start = this.firstAtLeast(prefix)
    let low = start
    let high = this.high
    while (low < high) {
      const middle = (low + high) >>> 1
      if (this.sorted[middle].startsWith(prefix)) low = middle + 1
      else high = middle
    }
    return new TrackedPaths(this.sorted, start, low, prefix)
  }

  /** The index of the first path of the run not below `key` in `<` order (`high` when none). */
  private firstAtLeast(key: string): number {
    let low = this.low
    let high = this.high
    while (low < high) {
      const middle = (low + high) >>> 1
      if (this.sorted[middle] < key) low = middle + 1
      else high = middle
    }
    return low
  }
}

function inOrder(paths: readonly string[]): boolean {
  for (let i = 1; i < paths.length; i++) if (paths[i] < paths[i - 1]) return false
  return true
}
