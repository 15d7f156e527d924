// The mapping from job conclusions to package signals is shared with release (which reads its own
// build and test jobs the same way).
export {
  CONCLUSIONS,
  jobNamePattern,
  mapJobs,
  PACKAGE_NAME,
  packageOfJob,
  RED_CONCLUSIONS,
  signalOf,
  toSignals,
  validPackageName
} from '@contribs-actions/shared'
export type { Job, Leg, Mapped, PackageSignal, Signal } from '@contribs-actions/shared'
