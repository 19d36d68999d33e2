import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

export const NATS_URL = 'nats://127.0.0.1:4222';

/** A stream name no other test uses. */
export function uniqueStreamName(): string {
  return `TAPLINE_TEST_${randomBytes(6).toString('hex')}`;
}

/** Deletes a test's stream; a stream that is not there is fine. */
export async function deleteStream(stream: string): Promise<void> {
  const nc = await connect({ servers: NATS_URL });
  try {
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => false);
  } finally {
    await nc.close();
  }
}
