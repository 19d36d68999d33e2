import type { AuthType } from '@tapline/inventory';
import {
  type CollectionFilter,
  type CollectionListing,
  type CollectionSortExpressions,
  collectionOrderBy,
  SUMMARY_COLUMNS_OF_P,
  type SummaryColumns,
  summaryFromDb,
} from '@tapline/server';
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { InventoryTables } from './inventory-schema.js';
import { PERFORMANCE_SORT_EXPRESSIONS } from './postgres-performance-queries.js';
import { collectionFromDb } from './row-mapping.js';

type T = InventoryTables;
type Where = Pick<CollectionFilter, 'tags' | 'search'> & { id?: string };

/** Sensitive parameters of collection `c` (PostgreSQL keeps no per-collection counts). */
const SENSITIVE_OF_C = `(SELECT count(*) FROM tapline_parameters sp
  JOIN tapline_endpoints se ON se.id = sp.endpoint_id
  WHERE se.collection_id = c.id AND cardinality(sp.sensitive) > 0)`;

/**
 * The sort keys over `tapline_collections c` and its `tapline_collection_performance p`, comparing as the
 * SQLite store does: text by code point ("C"), the counts computed per collection only when sorting by them.
 */
const SORT_EXPRESSIONS: CollectionSortExpressions = {
  endpoints: '(SELECT count(*) FROM tapline_endpoints se WHERE se.collection_id = c.id)',
  sensitiveParams: SENSITIVE_OF_C,
  authTypes: `coalesce((SELECT string_agg(DISTINCT a.auth COLLATE "C", ',' ORDER BY a.auth COLLATE "C")
    FROM tapline_endpoints se, unnest(se.auth_types) AS a(auth) WHERE se.collection_id = c.id), '') COLLATE "C"`,
  tags: `coalesce((SELECT string_agg(t.key || '=' || t.value, ',' ORDER BY (t.key || '=' || t.value) COLLATE "C")
    FROM json_each_text(c.tags) t), '') COLLATE "C"`,
  firstSeen: 'c.first_seen',
  lastSeen: 'c.last_seen',
  ...PERFORMANCE_SORT_EXPRESSIONS,
};

function matching<O>(
  query: SelectQueryBuilder<T & { c: T['tapline_collections'] }, 'c', O>,
  where: Where,
): SelectQueryBuilder<T & { c: T['tapline_collections'] }, 'c', O> {
  let out = query;
  if (where.id !== undefined) out = out.where('c.id', '=', where.id);
  // Key and value compared exactly: neither is a pattern.
  for (const { key, value } of where.tags ?? [])
    out = out.where(sql<boolean>`(c.tags ->> ${key}::text) = ${value}::text`);
  if (where.search !== undefined && where.search !== '') {
    // strpos, not LIKE: no wildcards to escape; lower() on "C" text folds ASCII only, as SQLite's.
    const needle = where.search.toLowerCase();
    out = out.where(
      sql<boolean>`(strpos(lower(c.name), ${needle}::text) > 0
        OR strpos(lower(coalesce(c.host, '') COLLATE "C"), ${needle}::text) > 0
        OR EXISTS (SELECT 1 FROM json_each_text(c.tags) t
          WHERE strpos(lower((t.key || '=' || t.value) COLLATE "C"), ${needle}::text) > 0))`,
    );
  }
  return out;
}

/**
 * A page of the collection list, filtered, ordered and paged in one statement; the endpoint and
 * sensitive-parameter counts and the auth types are then computed for the page's rows only.
 */
export async function postgresCollectionPage(
  db: Kysely<T>,
  filter: CollectionFilter & { id?: string },
): Promise<{ collections: CollectionListing[]; total: number }> {
  const base = db.selectFrom('tapline_collections as c');
  const total = await matching(
    base.select((eb) => eb.fn.countAll<number>().as('n')),
    filter,
  ).executeTakeFirstOrThrow();
  const rows = await matching(
    base
      .leftJoin('tapline_collection_performance as p', 'p.collection_id', 'c.id')
      .selectAll('c')
      .select([...SUMMARY_COLUMNS_OF_P]),
    filter,
  )
    .orderBy(
      sql.raw(
        collectionOrderBy(SORT_EXPRESSIONS, filter.sort, filter.order, (asc) =>
          asc ? ' NULLS FIRST' : ' NULLS LAST',
        ),
      ),
    )
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  if (rows.length === 0) return { collections: [], total: Number(total.n) };
  const ids = rows.map((row) => row.id);
  const counts = await sql<{ id: string; endpoints: number; sensitive: number }>`
    SELECT c.id, (SELECT count(*) FROM tapline_endpoints se WHERE se.collection_id = c.id) AS endpoints,
      ${sql.raw(SENSITIVE_OF_C)} AS sensitive
    FROM tapline_collections c WHERE c.id = ANY(${ids}::text[])`.execute(db);
  const authRows = await sql<{ collection_id: string; auth: AuthType }>`
    SELECT DISTINCT e.collection_id, a.auth COLLATE "C" AS auth
    FROM tapline_endpoints e, unnest(e.auth_types) AS a(auth)
    WHERE e.collection_id = ANY(${ids}::text[]) ORDER BY auth`.execute(db);
  const countsBy = new Map(counts.rows.map((row) => [row.id, row]));
  const authBy = new Map<string, AuthType[]>();
  for (const row of authRows.rows) {
    const list = authBy.get(row.collection_id) ?? [];
    list.push(row.auth);
    authBy.set(row.collection_id, list);
  }
  const collections = rows.map((row) => ({
    ...collectionFromDb(row),
    endpoints: Number(countsBy.get(row.id)?.endpoints ?? 0),
    sensitiveParams: Number(countsBy.get(row.id)?.sensitive ?? 0),
    authTypes: authBy.get(row.id) ?? [],
    performance: summaryFromDb(row as SummaryColumns),
  }));
  return { collections, total: Number(total.n) };
}
