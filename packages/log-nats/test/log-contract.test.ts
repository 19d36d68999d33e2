/** The common traffic-log contract against a real JetStream stream (one of its own per test). */
import type { NatsTrafficLog } from '@tapline/log-nats';
import { durableLogContract } from '@tapline/testkit/contracts';
import { afterEach } from 'vitest';
import { streamsForTest, testSettings } from './helpers/test-stream.js';

const streams = streamsForTest();
afterEach(() => streams.cleanup());

durableLogContract('NATS JetStream', async () => {
  const settings = testSettings();
  return {
    open: async () => {
      const log: NatsTrafficLog = await streams.open(settings);
      return {
        partitions: settings.partitions,
        partitionOf: (record) => log.partitionOf(record),
        append: async (records) => {
          const outcome = await log.append(records);
          if (outcome.kind !== 'ok' || outcome.rejected.length > 0)
            throw new Error(`append was not stored: ${JSON.stringify(outcome)}`);
          return outcome.seqs.map((seq) => seq as number);
        },
        readAfter: (afterSeq, limit, partition) => log.readAfter(afterSeq, limit, partition),
        headSeq: (partition) => log.headSeq(partition),
        close: () => log.close(),
      };
    },
    destroy: async () => {},
  };
});
