import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

/** The value of one sample line in Prometheus text, or undefined when the series is absent. */
async function sample(metrics: ReturnType<typeof createMetrics>, series: string): Promise<number | undefined> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics', () => {
  it('counts login outcomes, telling inactive accounts apart from bad credentials', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.observeEvent({ action: 'login.succeeded', user: { id: 1, username: 'alice' } });
    metrics.observeEvent({ action: 'login.failed', username: 'alice', detail: { reason: 'bad_credentials' } });
    metrics.observeEvent({ action: 'login.failed', username: 'bob', detail: { reason: 'inactive' } });
    metrics.observeEvent({ action: 'login.failed', username: 'carol', detail: { reason: 'bad_credentials' } });
    metrics.observeEvent({ action: 'login.throttled', username: 'alice' });
    expect(await sample(metrics, 'tessera_logins_total{outcome="success"}')).toBe(1);
    expect(await sample(metrics, 'tessera_logins_total{outcome="failure"}')).toBe(2);
    expect(await sample(metrics, 'tessera_logins_total{outcome="inactive"}')).toBe(1);
    expect(await sample(metrics, 'tessera_logins_total{outcome="throttled"}')).toBe(1);
  });

  it('counts refresh outcomes and the tokens each cause blacklisted', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.observeEvent({ action: 'refresh.rotated', detail: { blacklisted: true } });
    metrics.observeEvent({ action: 'refresh.rotated', detail: { blacklisted: false } });
    metrics.observeEvent({ action: 'refresh.grace_replay' });
    metrics.observeEvent({ action: 'refresh.reuse_detected', detail: { revoked_tokens: 3 } });
    metrics.observeEvent({ action: 'refresh.refused', detail: { reason: 'expired' } });
    metrics.observeEvent({ action: 'logout_all', detail: { revoked_tokens: 2 } });
    expect(await sample(metrics, 'tessera_refreshes_total{outcome="rotated"}')).toBe(2);
    expect(await sample(metrics, 'tessera_refreshes_total{outcome="grace_replay"}')).toBe(1);
    expect(await sample(metrics, 'tessera_refreshes_total{outcome="reuse_detected"}')).toBe(1);
    expect(await sample(metrics, 'tessera_refreshes_total{outcome="invalid"}')).toBe(1);
    expect(await sample(metrics, 'tessera_blacklisted_tokens_total{cause="rotation"}')).toBe(1);
    expect(await sample(metrics, 'tessera_blacklisted_tokens_total{cause="reuse_detected"}')).toBe(3);
    expect(await sample(metrics, 'tessera_blacklisted_tokens_total{cause="logout_all"}')).toBe(2);
  });

  it('labels authentication refusals by reason and requests by route pattern, never by user or URL', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.observeEvent({ action: 'request.authenticated', user: { id: 9, username: 'zed' } });
    metrics.observeEvent({ action: 'request.refused', detail: { reason: 'expired' } });
    metrics.observeRequest('GET', '/protected/', 200, 0.0002);
    metrics.observeRequest('GET', '/protected/', 200, 0.0004);
    metrics.observeRequest('BREW', 'unmatched', 404, 0.0001);
    expect(await sample(metrics, 'tessera_authentications_total{outcome="ok"}')).toBe(1);
    expect(await sample(metrics, 'tessera_authentications_total{outcome="expired"}')).toBe(1);
    expect(await sample(metrics, 'tessera_http_request_duration_seconds_count{method="GET",route="/protected/",status="200"}')).toBe(2);
    expect(await sample(metrics, 'tessera_http_request_duration_seconds_count{method="OTHER",route="unmatched",status="404"}')).toBe(1);
    const text = await metrics.registry.metrics();
    expect(text).not.toContain('zed');
    expect(text).not.toMatch(/user|username|ip=/);
  });

  it('times password hashing and counts key events and registrations', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.observePasswordHash('verify', 0.03);
    metrics.observeEvent({ action: 'key.generated', subject: 'k1' });
    metrics.observeEvent({ action: 'key.activated', subject: 'k1' });
    metrics.observeEvent({ action: 'registration.created', user: { id: 3, username: 'new' } });
    metrics.observeEvent({ action: 'registration.refused', detail: { reason: 'throttled' } });
    expect(await sample(metrics, 'tessera_password_hash_duration_seconds_count{operation="verify"}')).toBe(1);
    expect(await sample(metrics, 'tessera_password_hash_duration_seconds_bucket{le="0.05",operation="verify"}')).toBe(1);
    expect(await sample(metrics, 'tessera_key_events_total{event="generated"}')).toBe(1);
    expect(await sample(metrics, 'tessera_key_events_total{event="activated"}')).toBe(1);
    expect(await sample(metrics, 'tessera_registrations_total{outcome="created"}')).toBe(1);
    expect(await sample(metrics, 'tessera_registrations_total{outcome="throttled"}')).toBe(1);
  });

  it("includes the process's default metrics, in a registry of each instance's own", async () => {
    const one = createMetrics();
    const two = createMetrics();
    one.observeEvent({ action: 'login.succeeded' });
    expect(await one.registry.metrics()).toMatch(/^process_cpu_user_seconds_total /m);
    expect(await sample(two, 'tessera_logins_total{outcome="success"}')).toBeUndefined();
  });
});
