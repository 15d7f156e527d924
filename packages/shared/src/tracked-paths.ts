import { sortByCodePoint } from './text.js'

/**
 * The paths git tracks, asked "does this folder hold a tracked path?", "what does git track
 * directly in this folder?" and "where are the files with this name?". The list is kept as git
 * prints it (`git ls-files -z`: each path followed by a NUL), with the offset where each path
 * starts: no string per path is made until a question needs one. A large checkout tracks tens of
 * thousands of paths while a run asks about a few folders; a string per path would be built,
 * kept and moved by the garbage collector for the whole run.
 *
 * git lists its index sorted by bytes, which is the order of JavaScript's `<` for every
 * character below U+D800. A list holding one at or past it (where UTF-8 and UTF-16 order part)
 * is sorted first. A folder's paths are then one run of the list, found by binary search
 * (`inside`).
 */
export class TrackedPaths {
  private constructor(
    /** Every path followed by a NUL, sorted by `<`. */
    private readonly text: string,
    /** Where each path starts in `text`. */
    private readonly starts: readonly number[],
    private readonly low: number,
    private readonly high: number,
    /** The folder the run is below, with its `/` (`''` for the root). */
    private readonly prefix = ''
  ) {}

  /** The paths of `git ls-files -z` output, as it came (each path ends with a NUL). */
  static fromGitList(output: string): TrackedPaths {
    if (!JS_ORDER_DIFFERS.test(output))
      return TrackedPaths.sorted(output === '' || output.endsWith('\0') ? output : `${output}\0`)
    return TrackedPaths.of(output.split('\0').filter(Boolean))
  }

  /** The paths of a list in any order. */
  static of(paths: readonly string[]): TrackedPaths {
    const sorted = sortByCodePoint([...paths])
    return TrackedPaths.sorted(sorted.map((p) => `${p}\0`).join(''))
  }

  private static sorted(text: string): TrackedPaths {
    const starts: number[] = []
    for (let at = 0; at < text.length;) {
      const end = text.indexOf('\0', at)
      if (end < 0) break
      if (end > at) starts.push(at) // an empty path (a doubled NUL) is none
      at = end + 1
    }
    return new TrackedPaths(text, starts, 0, starts.length)
  }

  /**
   * Whether the `index`th path comes before `key` in `<` order, compared where it lies (a search
   * asks this of a dozen paths per folder, of every folder validate-structure lists). Its NUL
   * sorts before any character, as the end of a shorter string does.
   */
  private before(index: number, key: string): boolean {
    const start = this.starts[index]
    for (let k = 0; k < key.length; k++) {
      const unit = this.text.charCodeAt(start + k)
      const wanted = key.charCodeAt(k)
      if (unit !== wanted) return unit < wanted
    }
    return false
  }

  /** Where the `index`th path ends (its NUL). */
  private end(index: number): number {
    return this.text.indexOf('\0', this.starts[index])
  }

  /**
   * What git tracks directly in the run's folder (see inside): the names of tracked files (links
   * and submodules too) and of the folders holding a tracked path. One pass over the run, which
   * skips each folder's own run by binary search once it is named.
   */
  entries(): { files: Set<string>; folders: Set<string> } {
    const files = new Set<string>()
    const folders = new Set<string>()
    const skip = this.prefix.length
    for (let i = this.low; i < this.high;) {
      const start = this.starts[i] + skip
      const end = this.end(i)
      const slash = this.text.indexOf('/', start)
      if (slash < 0 || slash > end) {
        files.add(this.text.slice(start, end))
        i++
      } else {
        folders.add(this.text.slice(start, slash))
        i = this.runEnd(this.text.slice(this.starts[i], slash + 1), i + 1)
      }
    }
    return { files, folders }
  }

  /** Whether a tracked path lies below the folder `rel`, at any depth. */
  holds(rel: string): boolean {
    const prefix = `${rel}/`
    const at = this.firstAtLeast(prefix)
    return at < this.high && this.text.startsWith(prefix, this.starts[at])
  }

  /**
   * The same questions about the paths below the folder `rel` (`''` for the root): a folder's
   * tracked paths are one run of the sorted list, so asking about its entries searches that run.
   */
  inside(rel: string): TrackedPaths {
    if (!rel) return this
    const prefix = `${rel}/`
    const start = this.firstAtLeast(prefix)
    return new TrackedPaths(this.text, this.starts, start, this.runEnd(prefix, start), prefix)
  }

  /** Every tracked path whose last part is `name`, in the list's order (by code point). */
  named(name: string): string[] {
    const out: string[] = []
    const hit = `${name}\0`
    for (let at = this.text.indexOf(hit); at >= 0; at = this.text.indexOf(hit, at + 1)) {
      const before = this.text[at - 1]
      if (at > 0 && before !== '\0' && before !== '/') continue // a longer name ending so
      const start = at === 0 ? 0 : this.text.lastIndexOf('\0', at - 1) + 1
      out.push(this.text.slice(start, at + name.length))
    }
    return out
  }

  /**
   * The index of the first path from `from` on that does not start with `prefix`. In a long
   * run (the root's: the whole list) the end is bracketed by doubling steps from `from` first,
   * since the run sought is short (a package's files): a few comparisons where a search of the
   * whole rest takes a dozen and more.
   */
  private runEnd(prefix: string, from: number): number {
    let low = from
    let high = this.high
    for (let step = 1; high - low > 32 && low + step < high; step *= 2) {
      if (!this.text.startsWith(prefix, this.starts[low + step])) {
        high = low + step
        break
      }
      low += step
    }
    while (low < high) {
      const middle = (low + high) >>> 1
      if (this.text.startsWith(prefix, this.starts[middle])) low = middle + 1
      else high = middle
    }
    return low
  }

  /** The index of the first path of the run not below `key` in `<` order (`high` when none). */
  private firstAtLeast(key: string): number {
    let low = this.low
    let high = this.high
    while (low < high) {
      const middle = (low + high) >>> 1
      if (this.before(middle, key)) low = middle + 1
      else high = middle
    }
    return low
  }
}

/** A character from U+D800 on: there UTF-16 order (JavaScript's `<`) and git's byte order part. */
const JS_ORDER_DIFFERS = /[\uD800-\uFFFF]/
