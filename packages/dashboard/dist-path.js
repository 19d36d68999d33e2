import { fileURLToPath } from 'node:url';

/** Absolute path of the built dashboard (`packages/dashboard/dist/`), which `tapline serve` serves at `/`. */
export const dashboardDistDir = fileURLToPath(new URL('./dist/', import.meta.url));
