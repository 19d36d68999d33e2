import type { ColumnType } from 'kysely';

/** Who processes a partition now. `epoch` grows on every change of owner: a fencing token. */
export interface PartitionLeaseTable {
  partition: number;
  owner: string | null;
  epoch: ColumnType<number, number | undefined, number>;
  expires_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** The last stream sequence of a partition whose effects are committed. */
export interface PartitionCheckpointTable {
  partition: number;
  seq: number;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Live workers, so each can take its fair share of the partitions. */
export interface WorkerTable {
  worker_id: string;
  expires_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface CoordinationDatabase {
  tapline_partition_leases: PartitionLeaseTable;
  tapline_partition_checkpoints: PartitionCheckpointTable;
  tapline_workers: WorkerTable;
}
