import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'

type Json = Record<string, unknown>

const here = dirname(fileURLToPath(import.meta.url))
const SUBSET = join(here, '..', 'openapi', 'api.github.com.subset.json')

/**
 * OpenAPI 3.0 `nullable: true` is not JSON Schema: turn it into a `null` type (or an anyOf when
 * there is no `type`), and point `#/components/...` refs at the schema registered as `gh`.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema)
  if (!node || typeof node !== 'object') return node
  const out: Json = {}
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === '$ref' && typeof v === 'string')
      out[k] = v.replace(/^#\/components\//, 'gh#/components/')
    else out[k] = toJsonSchema(v)
  }
  if (out.nullable === true) {
    delete out.nullable
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null]
    if (typeof out.type === 'string') return { ...out, type: [out.type, 'null'] }
    return { anyOf: [out, { type: 'null' }] }
  }
  delete out.nullable
  return out
}

function isBasicError(body: unknown): boolean {
  const b = body as { message?: unknown; documentation_url?: unknown }
  return typeof b?.message === 'string' && typeof b.documentation_url === 'string'
}

export interface Finding {
  operation: string
  status: number
  problem: string
}

export class OpenApiValidator {
  private readonly spec: { paths: Record<string, Record<string, Json>>; components: Json }
  private readonly ajv: Ajv
  private readonly cache = new Map<string, ValidateFunction | null>()

  constructor() {
    this.spec = JSON.parse(readFileSync(SUBSET, 'utf8'))
    this.ajv = new Ajv({ strict: false, discriminator: false, allErrors: true, inlineRefs: false })
    const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void
    addFormats(this.ajv)
    for (const f of ['repo.nwo', 'timestamp', 'int64', 'int32']) this.ajv.addFormat(f, true)
    this.ajv.addSchema({ $id: 'gh', components: toJsonSchema(this.spec.components) })
  }

  operations(): string[] {
    return Object.entries(this.spec.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)
    )
  }

  /** The response schema for an operation and status, `null` if it has no body, or undefined if undocumented. */
  private validator(
    method: string,
    template: string,
    status: number
  ): ValidateFunction | null | undefined {
    const key = `${method} ${template} ${status}`
    if (this.cache.has(key)) return this.cache.get(key)
    const op = this.spec.paths[template]?.[method.toLowerCase()] as
      { responses?: Record<string, Json> } | undefined
    let response = op?.responses?.[String(status)]
    if (!response) return undefined
    if (typeof response.$ref === 'string') {
      const name = response.$ref.split('/').pop()!
      response = (this.spec.components.responses as Record<string, Json>)[name]
    }
    const content = response.content as Record<string, { schema?: unknown }> | undefined
    const schema =
      content?.['application/json']?.schema ??
      (content ? Object.values(content)[0]?.schema : undefined)
    const fn = schema === undefined ? null : this.ajv.compile(toJsonSchema(schema) as Json)
    this.cache.set(key, fn)
    return fn
  }

  check(method: string, template: string, status: number, body: unknown): Finding | undefined {
    const operation = `${method} ${template}`
    const fn = this.validator(method, template, status)
    if (fn === undefined)
      return { operation, status, problem: 'status not documented for this operation' }
    if (fn === null) {
      if (body === undefined) return undefined
      // GitHub always sends a JSON error body, even where the description lists none.
      if (status >= 400 && isBasicError(body)) return undefined
      return { operation, status, problem: 'documented without a body' }
    }
    if (fn(body)) return undefined
    const problem = (fn.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message}`)
      .join('; ')
    return { operation, status, problem }
  }
}
