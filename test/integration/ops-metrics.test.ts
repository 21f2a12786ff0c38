import { afterEach, describe, expect, it } from 'vitest';
import { buildWorld } from '../helpers/factories';
import { startTestServer, type TestServer } from '../helpers/server';
import { stockClient, typeParagraph, waitFor, type StockClient } from '../helpers/yclient';

/** The value of the sample `name` (no labels) in a Prometheus text exposition, or null. */
function sample(text: string, name: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? null : Number(line.slice(name.length + 1));
}

const token = 'metrics-token-0123456789abcdef';
let server: TestServer | null = null;
const clients: StockClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.stop();
  server = null;
});

describe('OPS: GET /metrics', () => {
  it('OPS6: without METRICS_TOKEN and METRICS_PORT, /metrics is not served (404)', async () => {
    server = await startTestServer();
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', params: {} } });
    expect(server.metricsPort).toBeNull();
  });

  it('OPS7: with METRICS_TOKEN, /metrics refuses a missing or wrong bearer token with 401 (a malformed header with 400) and a code', async () => {
    server = await startTestServer({ METRICS_TOKEN: token });
    const attempts: [Record<string, string>, number][] = [
      [{}, 401],
      [{ authorization: `Bearer ${token}x` }, 401],
      [{ authorization: `Bearer ${token.slice(0, -1)}` }, 401],
      [{ authorization: `Basic ${token}` }, 400],
    ];
    for (const [headers, status] of attempts) {
      const res = await fetch(`${server.url}/metrics`, { headers });
      expect(res.status).toBe(status);
      const body = await res.text();
      expect(body).not.toContain('twinpad_');
      expect(JSON.parse(body)).toEqual({ error: { code: 'unauthenticated', params: {} } });
    }
  });

  it('OPS8: with the right token, /metrics is Prometheus text: rooms and sockets, commit latency and batch size, fan-out latency, rejected frames, event-loop lag', async () => {
    server = await startTestServer({ METRICS_TOKEN: token });
    const world = await buildWorld(server);
    const client = stockClient(server.url, world.sectionIds[0]!, world.coordinator);
    clients.push(client);
    await waitFor(() => client.provider.synced, 10_000, 'sync');
    typeParagraph(client, 'Counted by Prometheus');

    const scrape = async () => {
      const res = await fetch(`${server!.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      return res.text();
    };
    let text = '';
    await waitFor(async () => (sample((text = await scrape()), 'twinpad_commit_batch_size_count') ?? 0) >= 1, 10_000, 'a committed batch');
    expect(sample(text, 'twinpad_rooms')).toBe(1);
    expect(sample(text, 'twinpad_sockets')).toBe(1);
    // Every committed batch records its latency and its size once: the two counts are equal.
    expect(sample(text, 'twinpad_commit_latency_seconds_count')).toBe(sample(text, 'twinpad_commit_batch_size_count'));
    expect(text).toContain('# TYPE twinpad_commit_latency_seconds histogram');
    expect(text).toContain('# TYPE twinpad_commit_batch_size histogram');
    expect(text).toContain('# TYPE twinpad_fanout_latency_seconds histogram');
    expect(text).toContain('# TYPE twinpad_rejected_frames_total counter');
    expect(sample(text, 'twinpad_nodejs_eventloop_lag_seconds')).toEqual(expect.any(Number));
    expect(Number.isFinite(sample(text, 'twinpad_nodejs_eventloop_lag_seconds'))).toBe(true);

    client.destroy();
    clients.length = 0;
    await waitFor(async () => sample(await scrape(), 'twinpad_sockets') === 0, 10_000, 'the socket gauge back to 0');
  });

  it('OPS9: with METRICS_PORT, /metrics answers on the internal listener only; the public port says 404', async () => {
    server = await startTestServer({ METRICS_PORT: '0', METRICS_TOKEN: token });
    expect(server.metricsPort).toEqual(expect.any(Number));
    expect(server.metricsPort).not.toBe(server.port);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    const internal = `http://127.0.0.1:${server.metricsPort}`;
    expect((await fetch(`${internal}/metrics`)).status).toBe(401);
    const res = await fetch(`${internal}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('twinpad_nodejs_eventloop_lag_seconds');
    expect((await fetch(`${internal}/api/me`)).status).toBe(404);
  });

  it('OPS10: with METRICS_PORT and no token, the internal listener serves /metrics without one', async () => {
    server = await startTestServer({ METRICS_PORT: '0' });
    const res = await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# TYPE twinpad_rejected_frames_total counter');
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
  });
});
