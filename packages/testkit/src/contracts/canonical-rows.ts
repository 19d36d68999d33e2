import type { InventoryPart } from '@tapline/inventory';

/** Rows sorted by identity, so two sources of the same rows compare equal whatever their order. */
export function canonicalRows(part: InventoryPart): InventoryPart {
  const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
  return {
    collections: byId(part.collections),
    endpoints: byId(part.endpoints),
    parameters: byId(part.parameters),
    samples: [...part.samples].sort((a, b) => a.endpointId.localeCompare(b.endpointId) || a.seq - b.seq),
    hourly: [...part.hourly].sort((a, b) => a.endpointId.localeCompare(b.endpointId) || a.hour - b.hour),
  };
}
