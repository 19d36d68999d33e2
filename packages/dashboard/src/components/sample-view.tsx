import type { Sample } from '../api/types.js';
import { formatBody, formatDateTime } from '../lib/format.js';
import { MaskedText } from './masked-text.js';

function headerLines(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
}

/** One captured exchange as a formatted request/response pair; every byte of it is rendered as text. */
export function SampleView({ sample }: { sample: Sample }) {
  const { request, response } = sample;
  const requestText = [
    `${request.method} ${request.path}`,
    headerLines(request.headers),
    ...(request.body === '' ? [] : ['', formatBody(request.body)]),
  ]
    .filter((part, i) => i !== 1 || part !== '')
    .join('\n');
  const responseText = [
    `HTTP ${response.statusCode}`,
    headerLines(response.headers),
    ...(response.body === '' ? [] : ['', formatBody(response.body)]),
  ]
    .filter((part, i) => i !== 1 || part !== '')
    .join('\n');
  return (
    <article className="sample" data-testid="sample">
      <header className="sample-head">
        <span className="muted">
          #{sample.seq} · {formatDateTime(sample.time)}
          {request.ip !== '' && <> · from {request.ip}</>}
        </span>
      </header>
      <div className="pair">
        <div>
          <h4>Request</h4>
          <pre className="code" data-testid="sample-request">
            <MaskedText text={requestText} />
          </pre>
        </div>
        <div>
          <h4>Response</h4>
          <pre className="code" data-testid="sample-response">
            <MaskedText text={responseText} />
          </pre>
        </div>
      </div>
    </article>
  );
}
