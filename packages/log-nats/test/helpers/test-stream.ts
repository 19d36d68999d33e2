import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { type NatsLogSettings, NatsTrafficLog, parseNatsLogSettings } from '@tapline/log-nats';

export const NATS_URL = 'nats://127.0.0.1:4222';

/** Settings for a stream of its own (random name), with test overrides as environment values. */
export function testSettings(env: Record<string, string> = {}): Readonly<NatsLogSettings> {
  const stream = `TAPLINE_TEST_${randomBytes(6).toString('hex')}`;
  return parseNatsLogSettings(
    { source: 'TAPLINE_LOG_URL', value: NATS_URL },
    { TAPLINE_NATS_STREAM: stream, TAPLINE_PARTITIONS: '4', ...env },
  );
}

/** Opens logs on their own streams and deletes those streams afterwards. */
export function streamsForTest() {
  const opened: NatsTrafficLog[] = [];
  const names = new Set<string>();
  return {
    async open(settings: Readonly<NatsLogSettings>): Promise<NatsTrafficLog> {
      names.add(settings.stream);
      const log = await NatsTrafficLog.open(settings, 'tapline-test');
      opened.push(log);
      return log;
    },
    async cleanup(): Promise<void> {
      for (const log of opened.splice(0)) await log.close();
      const nc = await connect({ servers: NATS_URL });
      const jsm = await jetstreamManager(nc);
      for (const name of names) await jsm.streams.delete(name).catch(() => false);
      names.clear();
      await nc.close();
    },
  };
}

/** A management connection for what tests do behind the log's back (delete the stream, shrink limits). */
export async function withManager<T>(
  fn: (jsm: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<T>,
): Promise<T> {
  const nc = await connect({ servers: NATS_URL });
  try {
    return await fn(await jetstreamManager(nc));
  } finally {
    await nc.close();
  }
}
