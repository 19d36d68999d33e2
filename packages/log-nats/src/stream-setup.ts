import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { LogNatsError, LogNatsErrorCode } from './errors.js';
import type { NatsLogSettings } from './nats-log-settings.js';

/** The partition count is recorded in the stream's description: changing it would remap collections. */
const DESCRIPTION_PREFIX = 'Tapline traffic log; partitions=';

function partitionsOf(info: StreamInfo): number | undefined {
  const description = info.config.description ?? '';
  if (!description.startsWith(DESCRIPTION_PREFIX)) return undefined;
  const n = Number(description.slice(DESCRIPTION_PREFIX.length));
  return Number.isInteger(n) ? n : undefined;
}

function limitsOf(settings: NatsLogSettings) {
  return {
    description: `${DESCRIPTION_PREFIX}${settings.partitions}`,
    subjects: [`${settings.stream}.p.*`],
    num_replicas: settings.replicas,
    max_age: nanos(settings.maxAgeMs),
    max_bytes: settings.maxBytes,
    max_msg_size: settings.maxMsgBytes,
    // A full stream refuses new records (ingest answers 503) instead of deleting unprocessed ones.
    discard: DiscardPolicy.New,
    duplicate_window: nanos(settings.duplicateWindowMs),
  } satisfies Partial<StreamConfig>;
}

/**
 * Creates the stream, or brings an existing one's limits to the settings. Refuses a stream made with
 * another partition count, or one that is not a Tapline traffic log.
 */
export async function ensureStream(jsm: JetStreamManager, settings: NatsLogSettings): Promise<StreamInfo> {
  let existing: StreamInfo | undefined;
  try {
    existing = await jsm.streams.info(settings.stream);
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound))
      throw new LogNatsError(LogNatsErrorCode.Stream, `stream ${settings.stream}: ${String(error)}`, {
        cause: error,
      });
  }
  const limits = limitsOf(settings);
  try {
    if (existing === undefined) {
      return await jsm.streams.add({
        name: settings.stream,
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        ...limits,
      });
    }
    const partitions = partitionsOf(existing);
    if (partitions === undefined)
      throw new LogNatsError(
        LogNatsErrorCode.Stream,
        `stream ${settings.stream} exists but is not a Tapline traffic log: set TAPLINE_NATS_STREAM to another name`,
      );
    if (partitions !== settings.partitions)
      throw new LogNatsError(
        LogNatsErrorCode.Stream,
        `stream ${settings.stream} has ${partitions} partitions, TAPLINE_PARTITIONS is ${settings.partitions}: ` +
          'set TAPLINE_PARTITIONS to match, or use a new stream name',
      );
    return await jsm.streams.update(settings.stream, { ...existing.config, ...limits });
  } catch (error) {
    if (error instanceof LogNatsError) throw error;
    throw new LogNatsError(
      LogNatsErrorCode.Stream,
      `stream ${settings.stream} could not be created or updated: ${String(error)}`,
      { cause: error },
    );
  }
}
