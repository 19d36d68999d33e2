// Used only when the server runs from its TypeScript sources (tests, tsx): worker threads do not
// inherit the parent's loaders, so register tsx here, mapping @tapline/* to the sibling sources.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register({ tsconfig: workerData.tsconfig });
await import(workerData.entry);
