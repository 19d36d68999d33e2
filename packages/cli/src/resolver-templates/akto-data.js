// Tapline: AppSync JavaScript resolver (APPSYNC_JS runtime, unit or pipeline function) for a Lambda data source.
// Sends AppSync's usual context to the function and adds `akto_data`, the client request Tapline mirrors.
import { util } from '@aws-appsync/utils';

export function request(ctx) {
  const headers = ctx.request?.headers ?? {};
  const forwardedFor = headers['x-forwarded-for'] ?? '';
  const selectionSetGraphQL = ctx.info?.selectionSetGraphQL ?? '';
  return {
    operation: 'Invoke',
    payload: {
      field: __TAPLINE_FIELD__,
      arguments: ctx.arguments ?? {},
      identity: ctx.identity ?? null,
      source: ctx.source ?? null,
      request: { headers },
      info: ctx.info,
      akto_data: {
        path: '/graphql',
        requestHeaders: headers,
        method: headers['x-forwarded-method'] || 'POST',
        requestPayload: JSON.stringify({
          operationName: ctx.info.fieldName,
          query: '',
          variables: ctx.arguments ?? {},
          parentTypeName: ctx.info.parentTypeName,
          selectionSetGraphQL,
        }),
        ip: forwardedFor.split(',')[0].trim(),
        traffic_source: 'AppSync',
        fieldName: ctx.info.fieldName,
        parentTypeName: ctx.info.parentTypeName,
        selectionSetGraphQL,
      },
    },
  };
}

export function response(ctx) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  return ctx.result;
}
