import { defineConfig } from 'vitest/config';

// One project per workspace package; each package's tests sit next to its source.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'examples/*'],
  },
});
