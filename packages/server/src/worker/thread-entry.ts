/** Entry of the inventory worker thread: its own SQLite connections, the engine, the loop. */
import { parentPort, workerData } from 'node:worker_threads';
import { InventoryEngine } from '@tapline/inventory';
import { SqliteInventoryStore } from '../sqlite/sqlite-inventory-store.js';
import { SqliteTrafficLog } from '../sqlite/sqlite-traffic-log.js';
import { runInventoryLoop } from './inventory-loop.js';
import { WakeSignal } from './wake-signal.js';
import type { FromWorker, InventoryWorkerData, ToWorker } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('thread-entry must run in a worker thread');
const data = workerData as InventoryWorkerData;
const signal = new WakeSignal();
let stopping = false;
const send = (message: FromWorker) => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.type === 'stop') stopping = true;
  signal.wake();
});

const log = await SqliteTrafficLog.open(data.dataDir, data.sync);
const store = await SqliteInventoryStore.open(data.dataDir, data.sync);
try {
  await runInventoryLoop({
    log,
    store,
    createEngine: (options, snapshot) => new InventoryEngine(options, snapshot),
    batchSize: data.batchSize,
    commitEvery: data.commitEvery,
    commitIntervalMs: data.commitIntervalMs,
    retentionMs: data.retentionMs,
    waitForWork: (ms) => signal.wait(ms),
    shouldStop: () => stopping,
    onProgress: (progress) => send({ type: 'progress', progress }),
    onError: (error) =>
      send({
        type: 'error',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  });
} finally {
  await log.close();
  await store.close();
  send({ type: 'stopped' });
  port.close();
}
