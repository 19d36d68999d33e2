import type { FunctionCalls, SampleRow } from '@tapline/inventory';
import type { FigureColumns } from '@tapline/server';

/** Columns shared by the performance tables; the sketch is the DDSketch's protobuf bytes. */
export type { FigureColumns };

/**
 * The inventory tables as Kysely sees them (migration 0002). Times are epoch seconds; `bigint` columns
 * come back as numbers (see connection.ts), `json` columns parsed, arrays as arrays.
 */
export interface InventoryTables {
  tapline_inventory_meta: { key: string; value: number };
  tapline_collections: {
    id: string;
    name: string;
    host: string | null;
    tags: Record<string, string>;
    first_seen: number;
    last_seen: number;
    calls_over_endpoint_cap: number;
    values_over_parameter_cap: number;
  };
  tapline_endpoints: {
    id: string;
    collection_id: string;
    method: string;
    path: string;
    auth_types: string[];
    sensitive: string[];
    status_codes: number[];
    calls: number;
    first_seen: number;
    last_seen: number;
    graphql: { operationType: 'query' | 'mutation' | 'subscription' | null; field: string } | null;
    /** True for a route its trigger declared (kept out of the templating heuristics). */
    declared_route: boolean;
  };
  tapline_parameters: {
    id: string;
    endpoint_id: string;
    location: string;
    status: number | null;
    in_: string;
    name: string;
    types: string[];
    sensitive: string[];
    first_seen: number;
    last_seen: number;
    count: number;
    examples: string[];
  };
  /** The endpoint's current samples as one JSON array: one row write per changed endpoint per commit. */
  tapline_samples: { endpoint_id: string; samples: SampleRow[] };
  tapline_hourly: { endpoint_id: string; hour: number; calls: number };
  /** Records set aside because applying them killed the engine (the record as JSON). */
  tapline_isolated_records: { seq: number; reason: string; record: unknown; isolated_at: number };
  tapline_endpoint_performance: FigureColumns & { endpoint_id: string; newest_hour: number };
  tapline_endpoint_performance_hourly: FigureColumns & { endpoint_id: string; hour: number };
  tapline_collection_performance: FigureColumns & { collection_id: string };
  /** The endpoint's functions as one JSON array (bounded): one row write per changed endpoint. */
  tapline_endpoint_functions: { endpoint_id: string; functions: FunctionCalls[]; other_calls: number };
}
