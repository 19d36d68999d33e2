import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against each package's TypeScript source, so no build is needed between edits.
    alias: [
      // The contract suites import vitest, so they are a subpath of testkit of their own.
      { find: /^@tapline\/testkit\/contracts$/, replacement: `${packagesDir}testkit/src/contracts/index.ts` },
      { find: /^@tapline\/([a-z-]+)$/, replacement: `${packagesDir}$1/src/index.ts` },
      // Subpath exports (e.g. @tapline/server/config) name a module of the package's src.
      { find: /^@tapline\/([a-z-]+)\/([a-z-]+)$/, replacement: `${packagesDir}$1/src/$2.ts` },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
