// An API Gateway / Function URL style proxy-integration response with every field a proxy result can carry.
export const handler = async (event, context) => {
  const path = event?.rawPath ?? event?.path ?? '/';
  const method = event?.requestContext?.http?.method ?? event?.httpMethod ?? 'GET';
  return {
    statusCode: 201,
    headers: { 'content-type': 'application/json', 'x-request-id': context.awsRequestId },
    multiValueHeaders: { 'x-multi': ['a', 'b'] },
    cookies: ['session=abc123; Path=/; HttpOnly', 'theme=dark'],
    body: JSON.stringify({ ok: true, path, method, id: 42, email: 'ada@example.com' }),
    isBase64Encoded: false,
  };
};
