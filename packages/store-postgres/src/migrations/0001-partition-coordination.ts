import { type Kysely, sql } from 'kysely';

/** Leases, checkpoints and the worker registry: what lets several workers share the partitions. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tapline_partition_leases')
    .addColumn('partition', 'integer', (c) => c.primaryKey())
    .addColumn('owner', 'text')
    .addColumn('epoch', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`'-infinity'`))
    .execute();
  await db.schema
    .createTable('tapline_partition_checkpoints')
    .addColumn('partition', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('tapline_workers')
    .addColumn('worker_id', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('tapline_workers').execute();
  await db.schema.dropTable('tapline_partition_checkpoints').execute();
  await db.schema.dropTable('tapline_partition_leases').execute();
}
