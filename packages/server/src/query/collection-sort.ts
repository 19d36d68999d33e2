import type { CollectionDto, CollectionSortKey, SortOrder } from '@tapline/contracts';

/**
 * The collection listing in the order asked for: by name (default, ascending), endpoint count or a
 * performance figure (default descending; collections without performance last in either order; ties by
 * name). The listing is every collection, so it is sorted here rather than by each store.
 */
export function sortCollections(
  collections: CollectionDto[],
  sort: CollectionSortKey = 'name',
  order?: SortOrder,
): CollectionDto[] {
  const sign = (order ?? (sort === 'name' ? 'asc' : 'desc')) === 'asc' ? 1 : -1;
  const byName = (a: CollectionDto, b: CollectionDto) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  if (sort === 'name') return [...collections].sort((a, b) => sign * byName(a, b));
  const value = (c: CollectionDto): number | null =>
    sort === 'endpoints' ? c.endpoints : c.performance === null ? null : c.performance[sort];
  return [...collections].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === null || y === null) return x === y ? byName(a, b) : x === null ? 1 : -1;
    return sign * (x - y) || byName(a, b);
  });
}
