import { defineProject } from 'vitest/config';

// Fuzz loops run thousands of cases in one test: each test gets minutes, each case is bounded by the harness.
export default defineProject({
  test: {
    name: '@snn-tests/fuzz',
    testTimeout: 600_000,
  },
});
