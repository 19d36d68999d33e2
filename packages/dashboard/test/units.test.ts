import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Endpoint, Sample } from '../src/api/types.js';
import { AuthBadges } from '../src/components/badges.js';
import { SampleView } from '../src/components/sample-view.js';
import { createRowSource } from '../src/lib/endpoint-rows.js';
import { displayParamName, formatBody } from '../src/lib/format.js';
import { fillHours } from '../src/lib/hourly.js';

describe('fillHours', () => {
  it('fills the hours between the first and last with zeros', () => {
    const [xs, ys] = fillHours([
      { hour: '2026-11-24T10:00:00.000Z', calls: 3 },
      { hour: '2026-11-24T13:00:00.000Z', calls: 5 },
    ]);
    expect(xs.map((x) => new Date(x * 1000).toISOString().slice(11, 13))).toEqual(['10', '11', '12', '13']);
    expect(ys).toEqual([3, 0, 0, 5]);
  });

  it('keeps at most the last 14 days and handles no data', () => {
    const [xs, ys] = fillHours([
      { hour: '2026-10-01T00:00:00.000Z', calls: 1 },
      { hour: '2026-11-24T00:00:00.000Z', calls: 2 },
    ]);
    expect(xs).toHaveLength(14 * 24);
    expect(ys[ys.length - 1]).toBe(2);
    expect(fillHours([])).toEqual([[], []]);
  });
});

describe('formatting', () => {
  it('pretty-prints JSON bodies and leaves anything else as it came', () => {
    expect(formatBody('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(formatBody('{"a":')).toBe('{"a":');
    expect(formatBody('<b>hi</b>')).toBe('<b>hi</b>');
  });

  it('shows flattened body names as paths', () => {
    expect(displayParamName('items#$#sku')).toBe('items[].sku');
    expect(displayParamName('customer#email')).toBe('customer.email');
  });
});

describe('SampleView', () => {
  it('escapes hostile text instead of rendering it as markup, and marks masked values', () => {
    const sample: Sample = {
      seq: 1,
      time: '2026-11-24T10:00:00.000Z',
      request: {
        method: 'GET',
        path: '/a/<script>alert(1)</script>',
        headers: { 'x-note': '<img src=x onerror="alert(1)">', authorization: 'Bearer ****' },
        body: '',
        ip: '203.0.113.9',
      },
      response: { statusCode: 200, headers: {}, body: '{"homepage":"javascript:alert(1)"}' },
    };
    const html = renderToStaticMarkup(createElement(SampleView, { sample }));
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(html).not.toMatch(/href=/);
    expect(html).toContain('<mark class="masked" title="masked by Tapline">****</mark>');
  });
});

describe('endpoint row sources', () => {
  const endpoint = (path: string, extra: Partial<Endpoint> = {}): Endpoint => ({
    id: path,
    collectionId: 'c1',
    method: 'GET',
    path,
    authTypes: ['BEARER'],
    sensitive: [],
    statusCodes: [200],
    calls: 1,
    firstSeen: new Date().toISOString(),
    lastSeen: new Date().toISOString(),
    performance: null,
    functions: [],
    otherFunctionCalls: 0,
    ...extra,
  });
  const requested: URL[] = [];

  function serve(all: Endpoint[]): void {
    vi.stubGlobal('fetch', async (input: string) => {
      const url = new URL(input, 'http://dashboard.test');
      requested.push(url);
      const page = Number(url.searchParams.get('page'));
      const size = Number(url.searchParams.get('pageSize'));
      const body = { endpoints: all.slice((page - 1) * size, page * size), total: all.length };
      return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    });
  }

  async function settle(source: ReturnType<typeof createRowSource>): Promise<void> {
    await vi.waitFor(() => expect(source.total).toBeDefined());
  }

  afterEach(() => {
    vi.unstubAllGlobals();
    requested.length = 0;
  });

  it('maps the No auth tab and the filters to query parameters, fetching one page at a time', async () => {
    serve(Array.from({ length: 250 }, (_, i) => endpoint(`/p${i}`)));
    const source = createRowSource('c1', { search: 'p', method: 'GET' }, 'noauth');
    source.start();
    await settle(source);
    const first = requested[0];
    expect(first?.pathname).toBe('/api/collections/c1/endpoints');
    expect(Object.fromEntries(first?.searchParams ?? [])).toEqual({
      search: 'p',
      method: 'GET',
      auth: 'UNAUTHENTICATED',
      page: '1',
      pageSize: '100',
    });
    expect(source.total).toBe(250);
    expect(source.rowAt(0)?.path).toBe('/p0');
    expect(source.rowAt(150)).toBeUndefined();
    source.show(140, 160);
    await vi.waitFor(() => expect(source.rowAt(150)?.path).toBe('/p150'));
    source.stop();
  });

  it('asks the server for the New tab and the any-class Sensitive tab, one page at a time', async () => {
    serve(Array.from({ length: 1200 }, (_, i) => endpoint(`/e${i}`)));
    const now = Date.parse('2026-11-24T12:00:00.000Z');
    const fresh = createRowSource('c1', { method: 'GET' }, 'new', now);
    fresh.start();
    await settle(fresh);
    expect(requested).toHaveLength(1);
    expect(Object.fromEntries(requested[0]?.searchParams ?? [])).toEqual({
      method: 'GET',
      firstSeenAfter: '2026-11-17T12:00:00.000Z',
      page: '1',
      pageSize: '100',
    });
    fresh.stop();

    requested.length = 0;
    const sensitive = createRowSource('c1', {}, 'sensitive');
    sensitive.start();
    await settle(sensitive);
    expect(requested).toHaveLength(1);
    expect(requested[0]?.searchParams.get('sensitive')).toBe('ANY');
    expect(sensitive.total).toBe(1200);
    sensitive.stop();

    requested.length = 0;
    const emailOnly = createRowSource('c1', { sensitive: 'EMAIL' }, 'sensitive');
    emailOnly.start();
    await settle(emailOnly);
    expect(requested[0]?.searchParams.get('sensitive')).toBe('EMAIL');
    emailOnly.stop();
  });
});

describe('AuthBadges', () => {
  it('marks the types the platform verified and explains them', () => {
    const html = renderToStaticMarkup(createElement(AuthBadges, { types: ['BEARER', 'COGNITO', 'IAM'] }));
    expect(html).toContain('<span class="badge badge-auth">BEARER</span>');
    expect(html).toContain(
      'class="badge badge-auth badge-platform" title="Cognito user pool, verified by the platform">COGNITO',
    );
    expect(html).toContain('title="IAM (SigV4), verified by the platform">IAM');
    const none = renderToStaticMarkup(createElement(AuthBadges, { types: ['UNAUTHENTICATED'] }));
    expect(none).toContain('class="badge badge-noauth"');
  });
});
