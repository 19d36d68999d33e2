/** The shared storage contract suites, run against the SQLite implementations. */
import {
  inventoryQueriesContract,
  inventoryStoreContract,
  trafficLogContract,
} from '@tapline/testkit/contracts';
import { storage } from '../src/sqlite/sqlite-storage.js';
import { makeTempDir } from './support/temp-dir.js';

function sqlite<T>(open: (settings: { dataDir: string; sync: 'full' }) => Promise<T>) {
  return async () => {
    const temp = makeTempDir('tapline-contract-');
    return {
      open: () => open({ dataDir: temp.dir, sync: 'full' }),
      destroy: async () => temp.remove(),
    };
  };
}

trafficLogContract('SQLite', sqlite(storage.trafficLog));
inventoryStoreContract('SQLite', sqlite(storage.inventoryStore));
inventoryQueriesContract(
  'SQLite',
  sqlite(async (settings) => ({
    store: await storage.inventoryStore(settings),
    queries: await storage.inventoryQueries(settings),
  })),
);
