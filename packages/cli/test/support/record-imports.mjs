// `node --import ./record-imports.mjs …` appends every bare import specifier the process resolves to the
// file named by TAPLINE_IMPORT_LOG, so a test can tell which packages a command loaded.
import { register } from 'node:module';

register('./record-imports-hooks.mjs', import.meta.url, { data: { log: process.env.TAPLINE_IMPORT_LOG } });
