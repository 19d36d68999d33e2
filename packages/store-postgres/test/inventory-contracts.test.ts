/** The shared storage contract suites, run against the PostgreSQL implementations. */
import { PostgresInventoryQueries, PostgresInventoryStore } from '@tapline/store-postgres';
import { inventoryQueriesContract, inventoryStoreContract } from '@tapline/testkit/contracts';
import { createTestDatabase } from './helpers/test-database.js';

function postgres<T>(open: (url: string) => Promise<T>) {
  return async () => {
    const database = await createTestDatabase();
    return { open: () => open(database.url), destroy: () => database.drop() };
  };
}

inventoryStoreContract(
  'PostgreSQL',
  postgres((url) => PostgresInventoryStore.open({ url, maxConnections: 2 })),
);
inventoryQueriesContract(
  'PostgreSQL',
  postgres(async (url) => ({
    store: await PostgresInventoryStore.open({ url, maxConnections: 2 }),
    queries: await PostgresInventoryQueries.open({ url, maxConnections: 2 }),
  })),
);
