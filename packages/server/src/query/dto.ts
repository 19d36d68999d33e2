import type { CollectionDto, EndpointDto, HourlyDto, ParameterDto, SampleDto } from '@tapline/contracts';
import type { EndpointRow, HourlyCountRow, ParameterRow, SampleRow } from '@tapline/inventory';
import type { CollectionListing } from './inventory-queries.js';

/** Epoch seconds → ISO 8601. */
export const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();

export function collectionDto(row: CollectionListing): CollectionDto {
  return {
    id: row.id,
    name: row.name,
    host: row.host,
    tags: row.tags,
    endpoints: row.endpoints,
    sensitiveParams: row.sensitiveParams,
    authTypes: row.authTypes,
    firstSeen: iso(row.firstSeen),
    lastSeen: iso(row.lastSeen),
    callsOverEndpointCap: row.callsOverEndpointCap,
    valuesOverParameterCap: row.valuesOverParameterCap,
  };
}

export function endpointDto(row: EndpointRow): EndpointDto {
  return {
    id: row.id,
    collectionId: row.collectionId,
    method: row.method,
    path: row.path,
    authTypes: row.authTypes,
    sensitive: row.sensitive,
    statusCodes: row.statusCodes,
    calls: row.calls,
    firstSeen: iso(row.firstSeen),
    lastSeen: iso(row.lastSeen),
    ...(row.graphql === undefined ? {} : { graphql: row.graphql }),
    ...(row.declaredRoute === true ? { declaredRoute: true as const } : {}),
  };
}

export function parameterDto(row: ParameterRow): ParameterDto {
  return {
    id: row.id,
    location: row.location,
    status: row.status,
    in: row.in,
    name: row.name,
    types: row.types,
    sensitive: row.sensitive,
    firstSeen: iso(row.firstSeen),
    lastSeen: iso(row.lastSeen),
    count: row.count,
    examples: row.examples,
  };
}

export function sampleDto(row: SampleRow): SampleDto {
  return { seq: row.seq, time: iso(row.time), request: row.request, response: row.response };
}

export function hourlyDto(row: HourlyCountRow): HourlyDto {
  return { hour: iso(row.hour), calls: row.calls };
}
