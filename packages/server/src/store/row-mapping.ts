import type { CollectionRow, EndpointRow, HourlyCountRow, ParameterRow, SampleRow } from '@tapline/inventory';
import type { Selectable } from 'kysely';
import type { InventoryDatabase } from './inventory-schema.js';

/** Stored rows → the engine's rows (JSON columns parsed). */
type Db = InventoryDatabase;

export function collectionFromDb(row: Selectable<Db['collections']>): CollectionRow {
  return {
    id: row.id,
    name: row.name,
    host: row.host,
    tags: JSON.parse(row.tags) as CollectionRow['tags'],
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    callsOverEndpointCap: row.calls_over_endpoint_cap,
    valuesOverParameterCap: row.values_over_parameter_cap,
  };
}

export function endpointFromDb(row: Selectable<Db['endpoints']>): EndpointRow {
  const endpoint: EndpointRow = {
    id: row.id,
    collectionId: row.collection_id,
    method: row.method,
    path: row.path,
    authTypes: JSON.parse(row.auth_types) as EndpointRow['authTypes'],
    sensitive: JSON.parse(row.sensitive) as EndpointRow['sensitive'],
    statusCodes: JSON.parse(row.status_codes) as number[],
    calls: row.calls,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
  };
  if (row.graphql !== null) endpoint.graphql = JSON.parse(row.graphql) as NonNullable<EndpointRow['graphql']>;
  if (row.declared_route === 1) endpoint.declaredRoute = true;
  return endpoint;
}

export function parameterFromDb(row: Selectable<Db['parameters']>): ParameterRow {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    location: row.location as ParameterRow['location'],
    status: row.status,
    in: row.in_ as ParameterRow['in'],
    name: row.name,
    types: JSON.parse(row.types) as ParameterRow['types'],
    sensitive: JSON.parse(row.sensitive) as ParameterRow['sensitive'],
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    count: row.count,
    examples: JSON.parse(row.examples) as string[],
  };
}

export function samplesFromDb(row: Selectable<Db['samples']>): SampleRow[] {
  return JSON.parse(row.samples) as SampleRow[];
}

export function hourlyFromDb(row: Selectable<Db['hourly']>): HourlyCountRow {
  return { endpointId: row.endpoint_id, hour: row.hour, calls: row.calls };
}
