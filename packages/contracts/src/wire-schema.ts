import { type Static, Type } from '@sinclair/typebox';
import { TRAFFIC_SOURCES } from './traffic-record.js';

/**
 * The JSON schema of `POST /api/ingestData`, as documentation and for the envelope check.
 * Records are validated one by one by `decodeWireRecord`, so one bad record never rejects its siblings.
 */
const StringMap = Type.Record(Type.String(), Type.String());

export const WireRecordSchema = Type.Object(
  {
    path: Type.String({ description: 'Request path with query string' }),
    method: Type.String(),
    statusCode: Type.Union([
      Type.String({ pattern: '^[0-9]{3}$' }),
      Type.Integer({ minimum: 100, maximum: 599 }),
    ]),
    requestHeaders: Type.Optional(
      Type.Union([Type.String({ description: 'JSON-encoded flat object' }), StringMap]),
    ),
    responseHeaders: Type.Optional(
      Type.Union([Type.String({ description: 'JSON-encoded flat object' }), StringMap]),
    ),
    requestPayload: Type.Optional(Type.String()),
    responsePayload: Type.Optional(Type.String()),
    ip: Type.Optional(Type.String()),
    destIp: Type.Optional(Type.String()),
    time: Type.Optional(Type.Union([Type.String(), Type.Number()], { description: 'Epoch seconds' })),
    type: Type.Optional(Type.String()),
    status: Type.Optional(Type.String()),
    akto_account_id: Type.Optional(Type.String()),
    akto_vxlan_id: Type.Optional(Type.String()),
    is_pending: Type.Optional(Type.Union([Type.String(), Type.Boolean()])),
    source: Type.Optional(Type.Union(TRAFFIC_SOURCES.map((s) => Type.Literal(s)))),
    direction: Type.Optional(Type.String()),
    tag: Type.Optional(Type.Union([Type.String({ description: 'JSON-encoded flat object' }), StringMap])),
    // Tapline's Lambda fields (docs/lambda-native.md); Akto's collector ignores them.
    declared_route: Type.Optional(
      Type.String({ description: 'Route the trigger declares, e.g. /users/{id}' }),
    ),
    api_stage: Type.Optional(Type.String({ description: 'API Gateway stage' })),
    api_id: Type.Optional(Type.String({ description: 'API Gateway API id' })),
    platform_auth: Type.Optional(
      Type.String({
        description: 'JSON-encoded array of {type, principal?, issuer?, accountId?, scopes?, claims?}',
      }),
    ),
    duration_ms: Type.Optional(Type.String({ description: 'Handler duration in milliseconds' })),
    cold_start: Type.Optional(Type.String({ description: '"true" on the environment\'s first invocation' })),
    init_duration_ms: Type.Optional(
      Type.String({ description: 'Init duration of a cold start, milliseconds' }),
    ),
    outcome: Type.Optional(Type.String({ description: 'ok, function_error or timeout' })),
    function_name: Type.Optional(Type.String()),
    function_qualifier: Type.Optional(Type.String({ description: 'Version or alias invoked' })),
  },
  { additionalProperties: true },
);

export const WireBatchSchema = Type.Object({ batchData: Type.Array(Type.Unknown()) });

export type WireRecordInput = Static<typeof WireRecordSchema>;
