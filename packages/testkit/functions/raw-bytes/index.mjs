// A binary proxy response: every byte value 0..255, base64 encoded as API Gateway expects.
// Byte-exact runtime responses (not JSON-serialised) need a hand-driven runtime; see docs/lambda-emulator.md.
const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

export const handler = async () => ({
  statusCode: 200,
  headers: { 'content-type': 'application/octet-stream' },
  body: bytes.toString('base64'),
  isBase64Encoded: true,
});
