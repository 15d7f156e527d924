export {
  runBundle,
  runningBundles,
  stopBundles,
  parseAnnotations,
  parseOutputFile,
  actionDefaults,
  inputEnvName,
  SUITE_ROOT
} from './run-bundle.js'
export type { Annotation, BundleRunOptions, BundleRunResult } from './run-bundle.js'
