import { runAction } from '@contribs-actions/shared/runtime'
import { run } from './main.js'

// No top-level await: the bundle is CommonJS (see scripts/lib/bundles.ts). runAction settles every
// error itself (a failed step, never an unhandled rejection).
void runAction(run)
