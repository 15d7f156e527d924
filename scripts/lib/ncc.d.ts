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
  }
  interface NccResult {
    code: string
    map?: string
    assets: Record<string, { source: string | Buffer; permissions?: number }>
  }
  export default function ncc(entry: string, options?: NccOptions): Promise<NccResult>
}
