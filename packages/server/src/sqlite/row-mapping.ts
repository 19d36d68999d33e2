import type { CollectionRow, EndpointRow, HourlyCountRow, ParameterRow, SampleRow } from '@tapline/inventory';
import type { Insertable, Selectable } from 'kysely';
import type { InventoryDatabase } from './inventory-schema.js';

type Db = InventoryDatabase;

export function collectionToDb(row: CollectionRow): Insertable<Db['collections']> {
  return {
    id: row.id,
    name: row.name,
    host: row.host,
    tags: JSON.stringify(row.tags),
    first_seen: row.firstSeen,
    last_seen: row.lastSeen,
  };
}

export function collectionFromDb(row: Selectable<Db['collections']>): CollectionRow {
  return {
    id: row.id,
    name: row.name,
    host: row.host,
    tags: JSON.parse(row.tags) as CollectionRow['tags'],
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
  };
}

export function endpointToDb(row: EndpointRow): Insertable<Db['endpoints']> {
  return {
    id: row.id,
    collection_id: row.collectionId,
    method: row.method,
    path: row.path,
    auth_types: JSON.stringify(row.authTypes),
    sensitive: JSON.stringify(row.sensitive),
    status_codes: JSON.stringify(row.statusCodes),
    calls: row.calls,
    first_seen: row.firstSeen,
    last_seen: row.lastSeen,
    graphql: row.graphql === undefined ? null : JSON.stringify(row.graphql),
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
  return endpoint;
}

export function parameterToDb(row: ParameterRow): Insertable<Db['parameters']> {
  return {
    id: row.id,
    endpoint_id: row.endpointId,
    location: row.location,
    status: row.status,
    in_: row.in,
    name: row.name,
    types: JSON.stringify(row.types),
    sensitive: JSON.stringify(row.sensitive),
    first_seen: row.firstSeen,
    last_seen: row.lastSeen,
    count: row.count,
    examples: JSON.stringify(row.examples),
  };
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
