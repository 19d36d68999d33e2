import { mapEvent } from '@tapline/extension';
import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../src/demo/progress-bar.js';
import { demoTraffic, REST_V1_HOST, REST_V2_HOST } from '../src/demo/traffic.js';

describe('tapline demo traffic', () => {
  it('covers every operation in the first round, then varies; reproducible', () => {
    const traffic = demoTraffic(60, 'da2-key');
    const firstLabels = traffic.slice(0, 11).map((r) => r.label);
    expect(new Set(firstLabels).size).toBe(11);
    expect(firstLabels).toEqual(
      expect.arrayContaining(['query getUser', 'mutation createOrder', 'GET /users/{id} (REST v1)']),
    );
    expect(
      new Set(traffic.map((r) => JSON.stringify(r.kind === 'graphql' ? r.body.variables : r.label))).size,
    ).toBeGreaterThan(15);
    expect(demoTraffic(60, 'da2-key').map((r) => r.label)).toEqual(traffic.map((r) => r.label));
    expect(demoTraffic(3, 'k')).toHaveLength(3);
  });

  it('REST requests are API Gateway v1 and function URL v2 events the extension maps to the right request', () => {
    const rest = demoTraffic(11, 'k').filter((r) => r.kind === 'rest');
    const shapes = rest.map(
      (r) => (r.kind === 'rest' ? mapEvent(JSON.stringify(r.event), 'rest-api') : undefined)!,
    );
    expect(shapes.map((s) => `${s.method} ${s.path}`)).toEqual([
      expect.stringMatching(/^GET \/users\/usr_\d+$/),
      expect.stringMatching(/^GET \/orders\?status=[A-Z]+&limit=\d$/),
      'POST /orders',
      expect.stringMatching(/^GET \/products\/SKU-[A-Z]+\?currency=EUR$/),
      'POST /orders',
    ]);
    expect(shapes.slice(0, 3).every((s) => s.headers.host === REST_V1_HOST)).toBe(true);
    expect(shapes.slice(3).every((s) => s.headers.host === REST_V2_HOST)).toBe(true);
    expect(JSON.parse(shapes[2]!.body).cardNumber).toBeDefined();
  });

  it('GraphQL requests carry the API key and realistic variables', () => {
    const create = demoTraffic(2, 'da2-abc')[1]!;
    expect(create.kind).toBe('graphql');
    if (create.kind !== 'graphql') return;
    expect(create.headers['x-api-key']).toBe('da2-abc');
    const input = (create.body.variables as { input: Record<string, unknown> }).input;
    expect(input.customerEmail).toMatch(/@example\./);
    expect(String(input.cardNumber).replace(/\D/g, '').length).toBeGreaterThanOrEqual(15);
  });

  it('the progress bar prints every 10 % when not on a terminal', () => {
    const written: string[] = [];
    const stream = { isTTY: false, write: (t: string) => written.push(t) } as unknown as NodeJS.WriteStream;
    const bar = new ProgressBar(20, stream);
    for (let i = 1; i <= 20; i += 1) bar.update(i);
    expect(written).toHaveLength(10);
    expect(written.at(-1)).toBe('sent 20/20 requests (100%)\n');
  });
});
