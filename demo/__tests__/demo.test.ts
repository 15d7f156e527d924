// The README's first command runs this demo; the test runs it the same way and checks the story's
// closing report, so the demo cannot silently rot.
import { runDemo } from '../run.js'
import { jest } from '@jest/globals'
import { BUNDLE_TEST_TIMEOUT_MS } from '../../test/kit/budgets.js'

// The tests start node processes: the budget for a busy machine (test/kit/budgets.ts).
jest.setTimeout(BUNDLE_TEST_TIMEOUT_MS)

test('the demo runs the whole lifecycle and every step goes as expected', async () => {
  const out: string[] = []
  const report = await runDemo((s) => out.push(s))
  expect(report.failures).toEqual([])
  const text = report.lines.join('\n')
  expect(text).toContain('discover chose 4 packages (_integration_core, crewai, dspy, langchain)')
  expect(text).toMatch(/validate-structure failed with \d+ violations/)
  expect(text).toContain('7 bump PRs opened over 2 rounds of merges')
  expect(text).toContain('a new tracking issue')
  expect(text).toContain('archival: 3 milestone actions')
  expect(text).toMatch(/release v0\.8\.0rc1: tag pushed .*; \d+ assets on one GitHub Release/)
  expect(text).toContain('agent-utilities failed its build job and is named under "Skipped"')
  // Each step's job summary is printed as text.
  const printed = out.join('\n')
  for (const heading of [
    'DISCOVER',
    'VALIDATE-STRUCTURE',
    'READ-CI-CONFIG',
    'BUMP-VERSIONS',
    'SMOKE-REPORTER',
    'ARCHIVAL-SWEEP',
    'RELEASE V0.8.0RC1'
  ]) {
    expect(printed).toContain(heading)
  }
})
