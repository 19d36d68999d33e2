// `node --import tsx --import ./record-imports.mjs …` appends every bare import specifier the process
// resolves to the file named by TAPLINE_IMPORT_LOG, so a test can tell which packages a command loaded.
// The hook must see a specifier before tsx maps @tapline/* to source paths: where tsx uses in-thread hooks
// (module.registerHooks, Node 22.15+), so does this one, registered after tsx and so run before it.
import { appendFileSync } from 'node:fs';
import module from 'node:module';

const log = process.env.TAPLINE_IMPORT_LOG;
const bare = (specifier) => !/^(node:|\.|\/|file:|data:)/.test(specifier);

if (typeof module.registerHooks === 'function') {
  module.registerHooks({
    resolve(specifier, context, next) {
      if (log !== undefined && bare(specifier)) appendFileSync(log, `${specifier}\n`);
      return next(specifier, context);
    },
  });
} else {
  module.register('./record-imports-hooks.mjs', import.meta.url, { data: { log } });
}
