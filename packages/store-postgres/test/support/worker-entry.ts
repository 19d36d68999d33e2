/**
 * A worker process for the crash test: owns partitions through PostgreSQL leases, reads them from
 * JetStream, counts records per collection. With `KILL_AFTER_COMMITS=n` it SIGKILLs itself on its n-th
 * acknowledgement, i.e. after that batch's commit and before JetStream hears of it.
 */
import { NatsTrafficLog, parseNatsLogSettings } from '@tapline/log-nats';
import { connectPostgres, PartitionLeases, PartitionWorker } from '@tapline/store-postgres';
import { applyCounts, type CountsDatabase } from './count-records.js';

const env = process.env;
const killAfter = Number(env.KILL_AFTER_COMMITS ?? '0');
const settings = parseNatsLogSettings({ source: 'TAPLINE_LOG_URL', value: env.TAPLINE_LOG_URL ?? '' }, env);
const log = await NatsTrafficLog.open(settings, env.WORKER_ID);
const pg = await connectPostgres<CountsDatabase>({ url: env.TAPLINE_STORE_URL ?? '', maxConnections: 6 });
const leases = new PartitionLeases(pg.db, {
  workerId: env.WORKER_ID ?? 'worker',
  partitions: settings.partitions,
  leaseMs: Number(env.LEASE_MS ?? '1500'),
});
let acks = 0;
const worker = new PartitionWorker({
  leases,
  batch: { limit: 50, waitMs: 200 },
  retryMs: 200,
  async openSource(partition, checkpoint) {
    const reader = await log.openPartitionReader(partition, checkpoint);
    return {
      read: (limit, waitMs) => reader.read(limit, waitMs),
      close: () => reader.close(),
      async ack(seq) {
        acks += 1;
        if (killAfter > 0 && acks >= killAfter) process.kill(process.pid, 'SIGKILL');
        await reader.ack(seq);
      },
    };
  },
  apply: applyCounts,
  onError: (error, partition) => process.stderr.write(`partition ${partition}: ${String(error)}\n`),
});
worker.start();
process.stdout.write(`${JSON.stringify({ ready: env.WORKER_ID })}\n`);
process.on('SIGTERM', () => {
  void worker.stop({ release: true }).then(async () => {
    await log.close();
    await pg.close();
    process.exit(0);
  });
});
