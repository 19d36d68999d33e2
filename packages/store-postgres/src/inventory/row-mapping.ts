import type { CollectionRow, EndpointRow, HourlyCountRow, ParameterRow, SampleRow } from '@tapline/inventory';
import { compareParameters } from '@tapline/server';
import type { Selectable } from 'kysely';
import type { InventoryTables } from './inventory-schema.js';

/** Stored rows → the engine's rows (the same rows the SQLite store gives back). */
type T = InventoryTables;

export function collectionFromDb(row: Selectable<T['tapline_collections']>): CollectionRow {
  return {
    id: row.id,
    name: row.name,
    host: row.host,
    tags: row.tags,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    callsOverEndpointCap: row.calls_over_endpoint_cap,
    valuesOverParameterCap: row.values_over_parameter_cap,
  };
}

export function endpointFromDb(row: Selectable<T['tapline_endpoints']>): EndpointRow {
  const endpoint: EndpointRow = {
    id: row.id,
    collectionId: row.collection_id,
    method: row.method,
    path: row.path,
    authTypes: row.auth_types as EndpointRow['authTypes'],
    sensitive: row.sensitive as EndpointRow['sensitive'],
    statusCodes: row.status_codes,
    calls: row.calls,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
  };
  if (row.graphql !== null) endpoint.graphql = row.graphql;
  if (row.declared_route) endpoint.declaredRoute = true;
  return endpoint;
}

export function parameterFromDb(row: Selectable<T['tapline_parameters']>): ParameterRow {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    location: row.location as ParameterRow['location'],
    status: row.status,
    in: row.in_ as ParameterRow['in'],
    name: row.name,
    types: row.types as ParameterRow['types'],
    sensitive: row.sensitive as ParameterRow['sensitive'],
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    count: row.count,
    examples: row.examples,
  };
}

export function samplesFromDb(row: Selectable<T['tapline_samples']>): SampleRow[] {
  return row.samples;
}

export function hourlyFromDb(row: Selectable<T['tapline_hourly']>): HourlyCountRow {
  return { endpointId: row.endpoint_id, hour: row.hour, calls: row.calls };
}

/** Parameters of many endpoints: by endpoint id, then as `compareParameters`. */
export function compareEndpointParameters(a: ParameterRow, b: ParameterRow): number {
  if (a.endpointId !== b.endpointId) return a.endpointId < b.endpointId ? -1 : 1;
  return compareParameters(a, b);
}
