export { normalizeName } from './pep503.js'
