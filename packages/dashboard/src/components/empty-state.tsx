/** Shown before any traffic arrived: how to get some in. */
export function EmptyState() {
  const origin = window.location.origin;
  const ingestUrl = `${origin}/api/ingestData`;
  const batch = {
    batchData: [
      {
        path: '/hello?name=world',
        method: 'GET',
        statusCode: '200',
        requestHeaders: { host: 'demo.example.com', 'content-type': 'application/json' },
        responseHeaders: { 'content-type': 'application/json' },
        requestPayload: '',
        responsePayload: '{"message":"hi"}',
        ip: '203.0.113.9',
        time: '<epoch seconds>',
        source: 'MIRRORING',
        tag: { service: 'lambda' },
      },
    ],
  };
  const curl = `curl -sS -X POST ${ingestUrl} \\
  -H 'content-type: application/json' \\
  -d '${JSON.stringify(batch).replace('"<epoch seconds>"', `"'"$(date +%s)"'"`)}'`;
  return (
    <section className="empty" data-testid="empty-state">
      <h2>No traffic yet</h2>
      <p>
        Tapline builds this inventory from mirrored traffic. Nothing has arrived at <code>{ingestUrl}</code>{' '}
        so far. Two ways to send some:
      </p>
      <h3>1. From AWS Lambda (and AppSync resolvers behind it)</h3>
      <p>Add the Tapline layer to the function and set its environment:</p>
      <pre className="code">
        {`AWS_LAMBDA_EXEC_WRAPPER=/opt/wrapper-script.sh
AKTO_MIRRORING_URL=${ingestUrl}
TAPLINE_INGEST_TOKEN=<a token from TAPLINE_INGEST_TOKENS, if the server requires one>`}
      </pre>
      <p>
        Invoke the function once; its collection appears here within seconds, tagged{' '}
        <code>service=lambda</code>.
      </p>
      <h3>2. By hand, with curl</h3>
      <pre className="code" data-testid="curl-example">
        {curl}
      </pre>
      <p className="muted">This page refreshes by itself: keep it open while you send traffic.</p>
    </section>
  );
}
