// Time budgets of tests that run the built action bundles. The suite must pass on a two-core
// machine that is busy with other work, even beside a second copy of the suite; there a bundle's
// start alone can take seconds and a test runs several times slower than on an idle machine.

/**
 * jest's budget for each test (and hook) of a suite that starts node processes (action bundles,
 * the CLI, the emulator's bin): about twenty times the slowest such test on an idle machine (the
 * demo, ~15 s). A file sets it with
 * `jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)`. Whatever a test leaves running when its time is up
 * is stopped by test/kit/cleanup.ts.
 */
export const BUNDLE_TEST_TIMEOUT_MS = 300_000

/**
 * How many bundle processes a test runs at once when it needs many (concurrent writers): enough
 * for them to race, few enough that two cores are not buried under node start-ups.
 */
export const BUNDLES_AT_ONCE = 5
