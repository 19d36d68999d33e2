export { hashPassword } from './auth/password-hash.js';
export {
  DEFAULT_SECURITY,
  SECURITY_SOURCES,
  type SecurityConfig,
  type SecurityFlags,
  type TlsFiles,
  type UserEntry,
} from './auth/security-config.js';
export {
  CONFIG_SOURCES,
  type ConfigFlags,
  completeConfig,
  configFromFlagsAndEnv,
  DEFAULT_CONFIG,
  LOG_LEVELS,
  type LogLevel,
  parseRoles,
  ROLES,
  type Role,
  type ServerConfig,
  type ServerConfigInput,
  type ServiceUrl,
  type SyncLevel,
  type WorkerMode,
} from './config.js';
export { defaultDashboardDir } from './dashboard-static.js';
export { ServerError, ServerErrorCode } from './errors.js';
export type { IngestSink, SinkAppendOptions, SinkOutcome, SinkRejection } from './ingest/ingest-sink.js';
export type { TrafficLog } from './log/traffic-log.js';
export { type MetricSample, ServerMetrics } from './metrics.js';
export { type CollectionSortExpressions, collectionOrderBy } from './query/collection-order.js';
export type {
  CollectionFilter,
  CollectionListing,
  EndpointDetail,
  EndpointFilter,
  InventoryQueries,
  OpenApiSource,
} from './query/inventory-queries.js';
export {
  type RunningServer,
  type ServerParts,
  type ServiceParts,
  type StartServerOptions,
  startServer,
} from './server.js';
export { sqliteStorage } from './sqlite/sqlite-storage.js';
export type { StorageFactories, StorageSettings, StorageWiring } from './storage.js';
export type { InventoryStore } from './store/inventory-store.js';
export {
  type FigureColumns,
  figuresFromDb,
  SUMMARY_COLUMNS_OF_P,
  type SummaryColumns,
  summaryFromDb,
} from './store/performance-columns.js';
export { compareParameters } from './store/row-mapping.js';
export {
  type InventoryEvent,
  type InventoryLoopOptions,
  type InventoryProgress,
  runInventoryLoop,
} from './worker/inventory-loop.js';
