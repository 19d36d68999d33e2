// Demo REST function behind API Gateway (REST v1 and HTTP API v2 / function URL events): a small shop API.
function reply(statusCode, body, headers = {}) {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

export const handler = async (event, context) => {
  const method = event?.requestContext?.http?.method ?? event?.httpMethod ?? 'GET';
  const path = event?.rawPath ?? event?.path ?? '/';
  const query = event?.queryStringParameters ?? {};
  let body = {};
  try {
    body = event?.body
      ? JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString() : event.body)
      : {};
  } catch {
    return reply(400, { message: 'body is not JSON' });
  }
  const headers = { 'x-request-id': context.awsRequestId };
  let match = /^\/users\/([^/]+)$/.exec(path);
  if (method === 'GET' && match) {
    return reply(
      200,
      { id: match[1], name: 'Ada Lovelace', email: 'ada@example.com', phone: '+14155552671', active: true },
      headers,
    );
  }
  if (method === 'GET' && path === '/orders') {
    const limit = Number(query.limit ?? 2);
    const orders = Array.from({ length: Math.min(limit, 3) }, (_, i) => ({
      id: `ord_${5001 + i}`,
      status: query.status ?? 'PAID',
      total: 49.5 * (i + 1),
    }));
    return reply(200, { orders, nextToken: null }, headers);
  }
  if (method === 'POST' && path === '/orders') {
    if (typeof body.customerEmail !== 'string')
      return reply(422, { message: 'customerEmail is required' }, headers);
    return reply(
      201,
      { id: 'ord_7001', status: 'PENDING', customerEmail: body.customerEmail, total: 99 },
      {
        ...headers,
        location: '/orders/ord_7001',
      },
    );
  }
  match = /^\/products\/([^/]+)$/.exec(path);
  if (method === 'GET' && match) {
    return reply(
      200,
      { sku: match[1], name: 'Ergonomic chair', price: 49.5, currency: 'EUR', inStock: true },
      headers,
    );
  }
  return reply(404, { message: `no route ${method} ${path}` }, headers);
};
