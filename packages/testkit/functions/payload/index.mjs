// Returns a proxy response whose body is event.size bytes (default 1 MiB) of ASCII, for payload benchmarks.
export const handler = async (event) => {
  const size = Number(event?.size ?? 1024 * 1024);
  return { statusCode: 200, headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(size) };
};
