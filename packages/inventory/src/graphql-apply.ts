import type { TrafficRecord } from '@tapline/contracts';
import type { EndpointCalls } from './endpoint-calls.js';
import { hasPerformance } from './endpoint-performance.js';
import type { CollectionState, EndpointState } from './endpoint-state.js';
import { flattenJson, parseJsonBody } from './flatten.js';
import { type GraphqlField, type GraphqlRequestItem, graphqlEndpointPath } from './graphql-operations.js';
import type { ParameterObserver } from './parameter-observer.js';
import { RecordContext } from './record-context.js';

/**
 * A GraphQL record: one POST endpoint per top-level field of each operation (see graphqlEndpointPath),
 * each counting the record's headers and query, the field's variables, arguments and selections, and
 * the field's part of the response.
 */
export class GraphqlApply {
  constructor(
    private readonly calls: EndpointCalls,
    private readonly observer: ParameterObserver,
  ) {}

  apply(
    seq: number,
    r: TrafficRecord,
    time: number,
    collection: CollectionState,
    pathOnly: string,
    items: GraphqlRequestItem[],
  ): void {
    const parsedResponse = parseJsonBody(typeof r.responsePayload === 'string' ? r.responsePayload : '');
    // A BatchInvoke's items share the record's one measured invocation: counted once per endpoint.
    const served = new Set<EndpointState>();
    const observer = this.observer;
    for (const item of items) {
      const response = Array.isArray(parsedResponse) ? parsedResponse[item.index] : parsedResponse;
      for (const field of item.fields) {
        const path = graphqlEndpointPath(pathOnly, field);
        const key = `POST ${path}`;
        let ep = collection.endpoints.get(key);
        if (ep === undefined) {
          if (this.calls.atEndpointCap(collection)) continue;
          ep = this.calls.createEndpoint(
            collection,
            'POST',
            path,
            { operationType: field.operationType, field: field.field },
            time,
          );
        }
        this.calls.countCall(ep, seq, r, time);
        served.add(ep);
        const context = new RecordContext(ep, time, observer.touchParameter);
        observer.headers(context, 'request', null, r.requestHeaders);
        observer.query(context, r.path);
        this.requestParams(context.at('request', null, 'body', false), item, field);
        observer.headers(context, 'response', r.statusCode, r.responseHeaders);
        responseParams(context.at('response', r.statusCode, 'body', false), item, field, response);
      }
    }
    if (served.size > 0 && hasPerformance(r)) this.calls.countPerformance(collection, served, r, time);
  }

  private requestParams(context: RecordContext, item: GraphqlRequestItem, field: GraphqlField): void {
    if (item.operationName !== null && !item.appSync)
      this.observer.touch(context, 'operationName', item.operationName);
    const vars = item.variables;
    if (vars !== null) {
      if (field.variableNames === null) flattenJson(vars, context.visitLeafReadOnly, 'variables');
      else
        for (const name of field.variableNames)
          if (name in vars) flattenJson(vars[name], context.visitLeafReadOnly, `variables#${name}`);
    }
    for (const arg in field.literalArguments)
      flattenJson(field.literalArguments[arg], context.visitLeafReadOnly, `arguments#${arg}`);
    // The selection set: what the client asked for, one parameter per selected field path.
    const prefix = `query#${field.field}`;
    for (const sel of field.selections) this.observer.touch(context, `${prefix}#${sel}`, undefined);
  }
}

/** The field's part of the response: `data.<responseKey>` (an AppSync resolver's value itself) and errors. */
function responseParams(
  context: RecordContext,
  item: GraphqlRequestItem,
  field: GraphqlField,
  response: unknown,
): void {
  if (typeof response !== 'object' || response === null) return;
  const body = response as Record<string, unknown>;
  const data = body.data;
  const prefix = `data#${field.field}`;
  if (typeof data === 'object' && data !== null && field.responseKey in data) {
    flattenJson((data as Record<string, unknown>)[field.responseKey], context.visitLeafReadOnly, prefix);
  } else if (item.appSync && data === undefined && body.errors === undefined) {
    // An AppSync resolver returns the field's value itself.
    flattenJson(response, context.visitLeafReadOnly, prefix);
  }
  if (body.errors !== undefined) flattenJson(body.errors, context.visitLeafReadOnly, 'errors');
}
