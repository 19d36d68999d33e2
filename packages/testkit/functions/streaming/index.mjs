// A response-streaming handler (awslambda.streamifyResponse, provided as a global by the runtime).
// event.chunks: how many chunks to write (default 3); event.fail: throw after writing them.
export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.setContentType('text/plain');
  const chunks = Number(event?.chunks ?? 3);
  for (let i = 0; i < chunks; i += 1) {
    responseStream.write(`chunk-${i}\n`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (event?.fail) throw new Error('stream failed midway');
  responseStream.end();
});
