export { DOCS_DIR, type DocSnippet, docSnippet } from './doc-snippets.js';
export {
  type FakeFunction,
  FakeLambdaApi,
  type FakeLambdaApiOptions,
  type FakeLayerVersion,
  type InjectedFault,
  type RecordedRequest,
} from './fake-lambda-api.js';
export {
  type EventFixture,
  FIXTURES_DIR,
  fixturePath,
  listEventFixtures,
  loadAktoBatchFixture,
  loadEventFixture,
} from './fixtures.js';
export {
  type CollectorBatch,
  type CollectorFault,
  InMemoryCollector,
  type InMemoryCollectorOptions,
} from './in-memory-collector.js';
export { InMemoryInventoryRows } from './in-memory-inventory-rows.js';
export { selfSignedCert } from './self-signed-cert.js';
export { trafficRecord } from './traffic-records.js';
