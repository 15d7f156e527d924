import { runAction } from '@contribs-actions/shared/runtime'
import { run } from './main.js'

await runAction(run)
