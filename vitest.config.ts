import { defineConfig } from 'vitest/config';

// One project per workspace package; each package's tests sit next to its source. `fuzz` holds the
// seeded fuzz tests of every reader (FUZZ_CASES cases each; `pnpm fuzz` runs many more).
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'examples/*', 'fuzz'],
  },
});
