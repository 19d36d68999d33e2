import type { Migration, MigrationProvider } from 'kysely';
import * as partitionCoordination from './0001-partition-coordination.js';
import * as inventory from './0002-inventory.js';

/**
 * Every schema version, in order. Listed here rather than read from a folder so a bundled build has
 * them too. Names sort in apply order; a released migration is never edited, only followed by a new one.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_partition_coordination': partitionCoordination,
  '0002_inventory': inventory,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
