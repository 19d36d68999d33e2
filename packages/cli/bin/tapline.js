#!/usr/bin/env node
// The committed entry point npm links as `tapline`: it exists before anything is built (npm links bins
// before the workspace's prepare script compiles the CLI), and loads the compiled CLI from dist/.
const entry = new URL('../dist/bin.js', import.meta.url);
try {
  await import(entry.href);
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(entry.pathname)) {
    process.stderr.write(
      'tapline: the CLI is not built (dist/bin.js is missing); run `npm run build` at the repository root\n',
    );
    process.exitCode = 1;
  } else {
    throw error;
  }
}
