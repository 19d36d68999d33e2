import type { CollectionRow, EndpointRow, HourlyCountRow, ParameterRow, SampleRow } from '@tapline/inventory';
import type { Selectable } from 'kysely';
import { ServerError, ServerErrorCode } from '../errors.js';
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

/**
 * One endpoint's parameters are stored as one row (a JSON array of tuples, the endpoint id implied):
 * a call updates every parameter it carries, so one row write per endpoint instead of one per parameter.
 */
export type ParameterTuple = [
  id: string,
  location: ParameterRow['location'],
  status: number | null,
  in_: ParameterRow['in'],
  name: string,
  types: ParameterRow['types'],
  sensitive: ParameterRow['sensitive'],
  firstSeen: number,
  lastSeen: number,
  count: number,
  examples: string[],
];

export function parametersFromDb(endpointId: string, encoded: string): ParameterRow[] {
  return (JSON.parse(encoded) as ParameterTuple[]).map((t) => ({
    id: t[0],
    endpointId,
    location: t[1],
    status: t[2],
    in: t[3],
    name: t[4],
    types: t[5],
    sensitive: t[6],
    firstSeen: t[7],
    lastSeen: t[8],
    count: t[9],
    examples: t[10],
  }));
}

const isText = (value: unknown) => typeof value === 'string';
const isCount = (value: unknown) => typeof value === 'number';
const isTextList = (value: unknown) => Array.isArray(value) && value.every(isText);

/** A parameter row as its stored tuple; throws on a row missing a required field (as a NOT NULL column would). */
export function parameterTuple(r: ParameterRow): ParameterTuple {
  if (
    !isText(r.id) ||
    !isText(r.location) ||
    !(r.status === null || isCount(r.status)) ||
    !isText(r.in) ||
    !isText(r.name) ||
    !isTextList(r.types) ||
    !isTextList(r.sensitive) ||
    !isCount(r.firstSeen) ||
    !isCount(r.lastSeen) ||
    !isCount(r.count) ||
    !isTextList(r.examples)
  ) {
    throw new ServerError(
      ServerErrorCode.Storage,
      `parameter ${String(r.id)} of endpoint ${r.endpointId} is malformed`,
    );
  }
  return [
    r.id,
    r.location,
    r.status,
    r.in,
    r.name,
    r.types,
    r.sensitive,
    r.firstSeen,
    r.lastSeen,
    r.count,
    r.examples,
  ];
}

/** Stored parameters keyed by id, for merging the changed ones in. */
export function parameterTuplesById(encoded: string): Map<string, ParameterTuple> {
  const byId = new Map<string, ParameterTuple>();
  for (const t of JSON.parse(encoded) as ParameterTuple[]) byId.set(t[0], t);
  return byId;
}

export const sensitiveCountOf = (tuples: Iterable<ParameterTuple>): number => {
  let n = 0;
  for (const t of tuples) if (t[6].length > 0) n++;
  return n;
};

/**
 * Detail order of an endpoint's parameters, the same in every store: location, status (request parameters
 * first), where, name, by UTF-16 code units (sorted in code, not by a database's collation).
 */
export function compareParameters(a: ParameterRow, b: ParameterRow): number {
  if (a.location !== b.location) return a.location < b.location ? -1 : 1;
  if (a.status !== b.status) {
    if (a.status === null) return -1;
    if (b.status === null) return 1;
    return a.status - b.status;
  }
  if (a.in !== b.in) return a.in < b.in ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return 0;
}

export function samplesFromDb(row: Selectable<Db['samples']>): SampleRow[] {
  return JSON.parse(row.samples) as SampleRow[];
}

export function hourlyFromDb(row: Selectable<Db['hourly']>): HourlyCountRow {
  return { endpointId: row.endpoint_id, hour: row.hour, calls: row.calls };
}
