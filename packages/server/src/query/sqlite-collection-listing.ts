import type { AuthType } from '@tapline/inventory';
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { InventoryDatabase } from '../store/inventory-schema.js';
import { SUMMARY_COLUMNS_OF_P, type SummaryColumns, summaryFromDb } from '../store/performance-columns.js';
import { collectionFromDb } from '../store/row-mapping.js';
import { type CollectionSortExpressions, collectionOrderBy } from './collection-order.js';
import type { CollectionFilter, CollectionListing } from './inventory-queries.js';
import { PERFORMANCE_SORT_EXPRESSIONS } from './sqlite-performance-queries.js';

type Db = InventoryDatabase;
type Where = Pick<CollectionFilter, 'tags' | 'search'> & { id?: string };

/** The sort keys over `collections c`, its `collection_counts n` and its `collection_performance p`. */
const SORT_EXPRESSIONS: CollectionSortExpressions = {
  endpoints: 'coalesce(n.endpoints, 0)',
  sensitiveParams: 'coalesce(n.sensitive_params, 0)',
  authTypes: `coalesce((SELECT group_concat(a.auth, ',' ORDER BY a.auth) FROM collection_auth_types a
    WHERE a.collection_id = c.id), '')`,
  tags: `coalesce((SELECT group_concat(t.key || '=' || t.value, ',' ORDER BY t.key || '=' || t.value)
    FROM json_each(c.tags) t), '')`,
  firstSeen: 'c.first_seen',
  lastSeen: 'c.last_seen',
  ...PERFORMANCE_SORT_EXPRESSIONS,
};

function matching<O>(
  query: SelectQueryBuilder<Db & { c: Db['collections'] }, 'c', O>,
  where: Where,
): SelectQueryBuilder<Db & { c: Db['collections'] }, 'c', O> {
  let out = query;
  if (where.id !== undefined) out = out.where('c.id', '=', where.id);
  for (const { key, value } of where.tags ?? []) {
    out = out.where(
      sql<boolean>`EXISTS (SELECT 1 FROM json_each(c.tags) WHERE key = ${key} AND value = ${value})`,
    );
  }
  if (where.search !== undefined && where.search !== '') {
    // instr, not LIKE: no wildcards to escape; lower() folds ASCII only, as PostgreSQL's on "C" text.
    const needle = where.search.toLowerCase();
    out = out.where(
      sql<boolean>`(instr(lower(c.name), ${needle}) > 0 OR instr(lower(coalesce(c.host, '')), ${needle}) > 0
        OR EXISTS (SELECT 1 FROM json_each(c.tags) t WHERE instr(lower(t.key || '=' || t.value), ${needle}) > 0))`,
    );
  }
  return out;
}

/**
 * A page of the collection list: filtered, ordered and paged in one statement over the collections and
 * the per-collection counts the triggers keep (collection-counts.ts); the auth types are then read
 * for the page's rows only.
 */
export async function sqliteCollectionPage(
  db: Kysely<Db>,
  filter: CollectionFilter & { id?: string },
): Promise<{ collections: CollectionListing[]; total: number }> {
  const base = db.selectFrom('collections as c');
  const total = await matching(
    base.select((eb) => eb.fn.countAll<number>().as('n')),
    filter,
  ).executeTakeFirstOrThrow();
  const rows = await matching(
    base
      .leftJoin('collection_counts as n', 'n.collection_id', 'c.id')
      .leftJoin('collection_performance as p', 'p.collection_id', 'c.id')
      .selectAll('c')
      .select(['n.endpoints', 'n.sensitive_params', ...SUMMARY_COLUMNS_OF_P]),
    filter,
  )
    .orderBy(sql.raw(collectionOrderBy(SORT_EXPRESSIONS, filter.sort, filter.order)))
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  if (rows.length === 0) return { collections: [], total: Number(total.n) };
  const ids = JSON.stringify(rows.map((row) => row.id));
  const authRows = await sql<{ collection_id: string; auth: string }>`
    SELECT collection_id, auth FROM collection_auth_types
    WHERE collection_id IN (SELECT value FROM json_each(${ids})) ORDER BY collection_id, auth`.execute(db);
  const authBy = new Map<string, AuthType[]>();
  for (const row of authRows.rows) {
    const list = authBy.get(row.collection_id) ?? [];
    list.push(row.auth as AuthType);
    authBy.set(row.collection_id, list);
  }
  const collections = rows.map((row) => ({
    ...collectionFromDb(row),
    endpoints: Number(row.endpoints ?? 0),
    sensitiveParams: Number(row.sensitive_params ?? 0),
    authTypes: authBy.get(row.id) ?? [],
    performance: summaryFromDb(row as SummaryColumns),
  }));
  return { collections, total: Number(total.n) };
}
