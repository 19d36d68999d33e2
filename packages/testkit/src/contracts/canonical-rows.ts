import type { InventoryPart } from '@tapline/inventory';

const byKey = <T>(rows: T[], key: (row: T) => string) =>
  [...rows].sort((a, b) => key(a).localeCompare(key(b)));

/**
 * Rows sorted by identity, so two sources of the same rows compare equal whatever their order; sketches
 * as plain byte arrays (a store may hand back a Buffer).
 */
export function canonicalRows(part: InventoryPart): InventoryPart {
  const byId = <T extends { id: string }>(rows: T[]) => byKey(rows, (r) => r.id);
  const bytes = <T extends { sketch: Uint8Array }>(rows: T[]) =>
    rows.map((r) => ({ ...r, sketch: Uint8Array.from(r.sketch) }));
  const perf = part.performance;
  return {
    collections: byId(part.collections),
    endpoints: byId(part.endpoints),
    parameters: byId(part.parameters),
    samples: [...part.samples].sort((a, b) => a.endpointId.localeCompare(b.endpointId) || a.seq - b.seq),
    hourly: [...part.hourly].sort((a, b) => a.endpointId.localeCompare(b.endpointId) || a.hour - b.hour),
    performance: {
      endpoints: bytes(byKey(perf.endpoints, (r) => r.endpointId)),
      hourly: bytes(
        [...perf.hourly].sort((a, b) => a.endpointId.localeCompare(b.endpointId) || a.hour - b.hour),
      ),
      collections: bytes(byKey(perf.collections, (r) => r.collectionId)),
      functions: byKey(perf.functions, (r) => r.endpointId),
    },
  };
}
