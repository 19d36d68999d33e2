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
  type ServerConfig,
  type ServerConfigInput,
  type SyncLevel,
  type WorkerMode,
} from './config.js';
export { defaultDashboardDir } from './dashboard-static.js';
export { ServerError, ServerErrorCode } from './errors.js';
export { ServerMetrics } from './metrics.js';
export type {
  CollectionListing,
  EndpointDetail,
  EndpointFilter,
  InventoryQueries,
  InventoryStore,
  OpenApiSource,
  TrafficLog,
} from './ports.js';
export type {
  CollectionDto,
  CollectionsResponse,
  EndpointDetailResponse,
  EndpointDto,
  EndpointsResponse,
  HourlyDto,
  ParameterDto,
  SampleDto,
} from './query/dto.js';
export { type RunningServer, type StartServerOptions, startServer } from './server.js';
export { SqliteInventoryQueries } from './sqlite/sqlite-inventory-queries.js';
export { SqliteInventoryStore } from './sqlite/sqlite-inventory-store.js';
export { SqliteTrafficLog } from './sqlite/sqlite-traffic-log.js';
export {
  type InventoryLoopOptions,
  type InventoryProgress,
  runInventoryLoop,
} from './worker/inventory-loop.js';
