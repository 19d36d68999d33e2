/** Entry of the engine thread: the inventory worker with its own storage connections. */
import { parentPort, workerData } from 'node:worker_threads';
import type { StorageFactories } from '../storage.js';
import { runInventoryWorker } from './run-inventory-worker.js';
import { WakeSignal } from './wake-signal.js';
import { Stage, WorkPosition } from './work-position.js';
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

/** Test fault: dies as a thread out of memory would, right before applying one chosen record. */
class ExitAtSeq extends WorkPosition {
  constructor(
    buffer: SharedArrayBuffer,
    private readonly seq: number,
  ) {
    super(buffer);
  }
  override set(stage: Stage, firstSeq: number, lastSeq: number): void {
    super.set(stage, firstSeq, lastSeq);
    if (stage === Stage.Applying && firstSeq === this.seq) process.exit(70);
  }
}

const { storage } = (await import(data.storageModule)) as { storage: StorageFactories };
const position =
  data.exitAtSeq === undefined
    ? new WorkPosition(data.position)
    : new ExitAtSeq(data.position, data.exitAtSeq);
try {
  await runInventoryWorker(data.settings, storage, {
    signal,
    shouldStop: () => stopping,
    position,
    send,
  });
} finally {
  send({ type: 'stopped' });
  port.close();
}
