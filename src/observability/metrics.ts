/**
 * Prometheus metrics (prom-client): counters of authentication events, request latency per
 * route, password hashing time, and the process's default metrics, in a registry of their own
 * (never prom-client's global one, so two Tessera instances in one process do not collide).
 *
 * Labels are bounded, closed sets: an outcome, a reason code, a route pattern, a method, a
 * status. Never a user, a token, an address or a raw URL (docs/operations.md lists them all).
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { LeanCounter, LeanHistogram } from './lean-metrics.js';
import type { AuthEvent } from '../model/auth-events.js';

/** What the event stream and the HTTP layer report into. */
export interface TesseraMetrics {
  /** The registry to scrape (`await registry.metrics()`); the bundled server serves it on METRICS_ADDR. */
  readonly registry: Registry;
  /** Moves the counter an event belongs to (events without one change nothing). */
  observeEvent(event: AuthEvent): void;
  observePasswordHash(operation: 'hash' | 'verify', seconds: number): void;
  /**
   * One answered request. `route` is the matched route's pattern (`/api/token/refresh/`), or a
   * fixed word for what matched none (`unmatched`): never the URL the client sent.
   */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** An audit row could not be stored (the database is down): worth an alert. */
  auditWriteFailed(): void;
}

/** Methods that get their own label value; anything else counts as `OTHER`. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Request latency buckets, in seconds: a cached protected request is ~0.1 ms, a login ~30 ms. */
const REQUEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** argon2id at OWASP's parameters takes tens of milliseconds; queueing for a slot adds more. */
const HASH_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Creates the registry and its metrics.
 *
 * @example
 * ```ts
 * const metrics = createMetrics();
 * metrics.observeEvent({ action: 'login.failed', username: 'alice' });
 * console.log(await metrics.registry.metrics()); // tessera_logins_total{outcome="failure"} 1 ...
 * ```
 */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): TesseraMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const counter = (name: string, help: string, label: string) =>
    new LeanCounter({ name, help, labelNames: [label] as const, registers: [registry] });

  const logins = counter('tessera_logins_total', 'Login attempts by outcome: success, failure, inactive, throttled.', 'outcome');
  const refreshes = counter(
    'tessera_refreshes_total',
    'Refresh attempts by outcome: issued (no rotation), rotated, grace_replay, reuse_detected, invalid.',
    'outcome',
  );
  const authentications = counter(
    'tessera_authentications_total',
    'Requests carrying credentials to a protected route, by outcome: ok, or the refusal reason.',
    'outcome',
  );
  const registrations = counter('tessera_registrations_total', 'Registration attempts by outcome: created, invalid, throttled.', 'outcome');
  const blacklisted = counter(
    'tessera_blacklisted_tokens_total',
    'Refresh or sliding tokens blacklisted, by cause: logout, logout_all, rotation, reuse_detected.',
    'cause',
  );
  const keyEvents = counter('tessera_key_events_total', 'Signing key lifecycle events: generated, activated, retired.', 'event');
  const auditFailures = new Counter({
    name: 'tessera_audit_write_failures_total',
    help: 'Audit events that could not be stored in the database.',
    registers: [registry],
  });
  const requestDuration = new LeanHistogram<'method' | 'route' | 'status'>({
    name: 'tessera_http_request_duration_seconds',
    help: 'Time to answer a request, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: REQUEST_BUCKETS,
    registers: [registry],
  });
  const hashDuration = new Histogram({
    name: 'tessera_password_hash_duration_seconds',
    help: 'Time to hash or verify a password (argon2id, or a Django PBKDF2 hash), waiting for a hashing slot included.',
    labelNames: ['operation'],
    buckets: HASH_BUCKETS,
    registers: [registry],
  });

  return {
    registry,
    observeEvent(event) {
      const detail = typeof event.detail === 'object' ? event.detail : {};
      switch (event.action) {
        case 'login.succeeded':
          logins.add('success');
          return;
        case 'login.failed':
          logins.add(detail.reason === 'inactive' ? 'inactive' : 'failure');
          return;
        case 'login.throttled':
          logins.add('throttled');
          return;
        case 'refresh.issued':
          refreshes.add('issued');
          return;
        case 'refresh.rotated':
          refreshes.add('rotated');
          if (detail.blacklisted === true) blacklisted.add('rotation');
          return;
        case 'refresh.grace_replay':
          refreshes.add('grace_replay');
          return;
        case 'refresh.reuse_detected':
          refreshes.add('reuse_detected');
          blacklisted.add('reuse_detected', numberOr(detail.revoked_tokens, 0));
          return;
        case 'refresh.refused':
          refreshes.add('invalid');
          return;
        case 'request.authenticated':
          authentications.add('ok');
          return;
        case 'request.refused':
          authentications.add(typeof detail.reason === 'string' ? detail.reason : 'unknown');
          return;
        case 'registration.created':
          registrations.add('created');
          return;
        case 'registration.refused':
          registrations.add(detail.reason === 'throttled' ? 'throttled' : 'invalid');
          return;
        case 'logout':
          blacklisted.add('logout');
          return;
        case 'logout_all':
          blacklisted.add('logout_all', numberOr(detail.revoked_tokens, 0));
          return;
        case 'key.generated':
          keyEvents.add('generated');
          return;
        case 'key.activated':
          keyEvents.add('activated');
          return;
        case 'key.retired':
          keyEvents.add('retired');
          return;
        default:
          return;
      }
    },
    observePasswordHash(operation, seconds) {
      hashDuration.observe({ operation }, seconds);
    },
    observeRequest(method, route, status, seconds) {
      const methodLabel = KNOWN_METHODS.has(method) ? method : 'OTHER';
      requestDuration.record(`${methodLabel} ${status} ${route}`, () => ({ method: methodLabel, route, status: String(status) }), seconds);
    },
    auditWriteFailed() {
      auditFailures.inc();
    },
  };
}

function numberOr(value: string | number | boolean | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}
