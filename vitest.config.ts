import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code they test and run in Node 22. Renderer tests that need a DOM say so
// with a `// @vitest-environment` comment of their own.
export default defineConfig({
  test: {
    include: ['{main,preload,central,renderer,bench,eslint,scripts}/**/*.test.{ts,tsx}'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
