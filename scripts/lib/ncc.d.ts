// @vercel/ncc ships no types for its programmatic API.
declare module '@vercel/ncc' {
  interface NccOptions {
    minify?: boolean
    sourceMap?: boolean
    quiet?: boolean
    cache?: boolean | string
    externals?: string[]
    target?: string
    transpileOnly?: boolean
    /** Output format; by default ESM when the entry's package.json says "type": "module". */
    esm?: boolean
    /** File name for the licences of the bundled packages, emitted as an asset. */
    license?: string
  }
  interface NccResult {
    code: string
    map?: string
    assets: Record<string, { source: string | Buffer; permissions?: number }>
  }
  export default function ncc(entry: string, options?: NccOptions): Promise<NccResult>
}
