import type {
  CollectionDto,
  EndpointDto,
  FunctionDto,
  HourlyDto,
  HourlyPerformanceDto,
  ParameterDto,
  PerformanceDto,
  SampleDto,
} from '@tapline/contracts';
import type {
  FunctionCalls,
  HourlyCountRow,
  ParameterRow,
  PerformanceSummary,
  SampleRow,
} from '@tapline/inventory';
import type { CollectionListing, EndpointListing, HourlyPerformance } from './inventory-queries.js';
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
    performance: performanceDto(row.performance),
  };
}

/** Rates rounded to 4 places (a hundredth of a percent); null when no record carried performance. */
export function performanceDto(summary: PerformanceSummary | null): PerformanceDto | null {
  if (summary === null || summary.invocations === 0) return null;
  const rate = (n: number) => Math.round((n / summary.invocations) * 10_000) / 10_000;
  return {
    p50Ms: summary.p50Ms,
    p95Ms: summary.p95Ms,
    p99Ms: summary.p99Ms,
    errorRate: rate(summary.errors),
    coldStartRate: rate(summary.coldStarts),
    invocations: summary.invocations,
  };
}

/** Most calls first, then by name and qualifier. */
export function functionDtos(functions: readonly FunctionCalls[]): FunctionDto[] {
  return [...functions]
    .sort(
      (a, b) =>
        b.calls - a.calls ||
        a.name.localeCompare(b.name) ||
        (a.qualifier ?? '').localeCompare(b.qualifier ?? ''),
    )
    .map((f) => ({ name: f.name, qualifier: f.qualifier, calls: f.calls }));
}

export function hourlyPerformanceDto(row: HourlyPerformance): HourlyPerformanceDto {
  return { hour: iso(row.hour), ...(performanceDto(row) as PerformanceDto) };
}

export function endpointDto(row: EndpointListing): EndpointDto {
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
    performance: performanceDto(row.performance),
    functions: functionDtos(row.functions),
    otherFunctionCalls: row.otherFunctionCalls,
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
