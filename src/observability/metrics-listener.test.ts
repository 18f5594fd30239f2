import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';
import { parseListenAddress } from './listen-address.js';
import { listenForMetrics, type MetricsListener } from './metrics-listener.js';

describe('metrics listener', () => {
  let listener: MetricsListener | undefined;
  afterEach(async () => {
    await listener?.close();
    listener = undefined;
  });

  it('parses host:port, bracketed IPv6, and refuses anything else', () => {
    expect(parseListenAddress('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListenAddress('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseListenAddress('localhost:9464')).toEqual({ host: 'localhost', port: 9464 });
    for (const bad of ['9464', '127.0.0.1', '127.0.0.1:99999', '::1:9464', 'a b:1', '']) expect(parseListenAddress(bad)).toBeUndefined();
  });

  it('serves /metrics in the Prometheus text format and nothing else', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.observeEvent({ action: 'login.succeeded' });
    listener = await listenForMetrics(metrics.registry, '127.0.0.1:0');
    expect(listener.address.address).toBe('127.0.0.1');
    const base = `http://127.0.0.1:${listener.address.port}`;
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(await response.text()).toContain('tessera_logins_total{outcome="success"} 1');
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/api/token/`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});
