import { type CollectionSortKey, PERFORMANCE_SORT_KEYS, type SortOrder } from '@tapline/contracts';

/** Keys read A→Z by default; the counts, performance figures and times start with the largest. */
const ASCENDING_BY_DEFAULT: readonly CollectionSortKey[] = ['name', 'authTypes', 'tags'];

const PERFORMANCE_KEYS: readonly CollectionSortKey[] = PERFORMANCE_SORT_KEYS;

/**
 * A store's SQL expression per sort key other than `name`, over the collection row `c` and its LEFT JOINed
 * performance row `p`. Only `p` columns may be NULL (no performance).
 */
export type CollectionSortExpressions = Record<Exclude<CollectionSortKey, 'name'>, string>;

/**
 * The ORDER BY of a collection listing, the same rules in every store: the key in the order asked for
 * (default ascending for name, auth types and tags, descending otherwise); by a performance figure, the
 * collections without performance last in either order; ties by name, ascending. `nulls` is the store's
 * clause making NULL the smallest value (PostgreSQL's default is the largest; SQLite needs none).
 */
export function collectionOrderBy(
  expressions: CollectionSortExpressions,
  sort: CollectionSortKey = 'name',
  order?: SortOrder,
  nulls: (ascending: boolean) => string = () => '',
): string {
  const ascending = (order ?? (ASCENDING_BY_DEFAULT.includes(sort) ? 'asc' : 'desc')) === 'asc';
  const direction = ascending ? 'ASC' : 'DESC';
  if (sort === 'name') return `c.name ${direction}`;
  const key = `${expressions[sort]} ${direction}${nulls(ascending)}`;
  if (PERFORMANCE_KEYS.includes(sort)) return `(p.invocations IS NULL), ${key}, c.name ASC`;
  return `${key}, c.name ASC`;
}
