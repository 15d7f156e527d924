/**
 * GitHub REST API emulator for tests and demos: a loopback HTTP server backed by real bare git
 * repositories. See ../README.md for the API and the list of emulated endpoints.
 */
export { openEmulators, startEmulator } from './emulator.js'
export type {
  CommitOptions,
  Emulator,
  EmulatorOptions,
  EmulatorState,
  RepoView
} from './emulator.js'
export type { SeedRepoOptions } from './core.js'
export { DEFAULT_TOKENS } from './core.js'
export type { FaultKind, FaultSpec } from './faults.js'
export { PRIMARY_MESSAGE, SECONDARY_MESSAGE } from './faults.js'
export type { RequestRecord } from './request-log.js'
export type { AdvanceBy } from './clock.js'
export type {
  Comment,
  Issue,
  IssueEvent,
  JobSpec,
  Label,
  PermissionLevel,
  PermissionScope,
  PullData,
  Run,
  RunSpec,
  TokenKind,
  TokenSpec
} from './model/types.js'
