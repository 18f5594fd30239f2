/**
 * What an app embedding Tessera sees: with an OpenTelemetry SDK registered (the SDK's
 * in-memory exporter; Tessera itself depends on `@opentelemetry/api` only), spans around the
 * token endpoints, the password work and the store's queries, nested; and every audit event
 * through its `onAuditEvent` hook, with no secret in any of them.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTessera, type Tessera } from '../../src/app/tessera.js';
import type { AuditRecord } from '../../src/model/auth-events.js';
import { hashPassword } from '../../src/passwords/hasher.js';
import { createServer } from '../../src/server/create-server.js';
import { TEST_SECRET } from '../support/cli-server.js';

const PASSWORD = 'una-clave-larga-42';

describe('traces and the onAuditEvent hook, as an embedding app sees them', () => {
  const exporter = new InMemorySpanExporter();
  const hooked: AuditRecord[] = [];
  let tessera: Tessera;
  let app: FastifyInstance;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    tessera = await createTessera({
      env: {},
      configFile: false,
      settings: { SECRET_KEY: TEST_SECRET, DATABASE_URL: 'sqlite::memory:', ROTATE_REFRESH_TOKENS: true },
      hooks: { onAuditEvent: (event) => void hooked.push(event) },
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    await tessera.store.createUser({ username: 'ines', password: await hashPassword(PASSWORD) });
    app = createServer(tessera, { logLevel: 'silent' });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await tessera?.close();
    trace.disable();
    context.disable();
  });

  const byName = (spans: ReadableSpan[], name: string) => spans.filter((span) => span.name === name);
  const isUnder = (child: ReadableSpan, parent: ReadableSpan | undefined, spans: ReadableSpan[]): boolean => {
    let at: ReadableSpan | undefined = child;
    while (at !== undefined) {
      if (at.parentSpanContext?.spanId === parent?.spanContext().spanId) return true;
      at = spans.find((span) => span.spanContext().spanId === at?.parentSpanContext?.spanId);
    }
    return false;
  };

  it('traces a login: the endpoint span holds the password verification and the store queries', async () => {
    exporter.reset();
    const answer = await app.inject({ method: 'POST', url: '/api/token/', payload: { username: 'ines', password: PASSWORD } });
    expect(answer.statusCode).toBe(200);
    const spans = exporter.getFinishedSpans();
    const [obtain] = byName(spans, 'tessera.token.obtain');
    expect(obtain).toBeDefined();
    const [verify] = byName(spans, 'tessera.password.verify');
    expect(verify && isUnder(verify, obtain, spans)).toBe(true);
    const queries = spans.filter((span) => span.name.startsWith('tessera.db.'));
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.every((span) => isUnder(span, obtain, spans))).toBe(true);
    expect(JSON.stringify(spans.map((span) => span.attributes))).not.toContain(PASSWORD);
  });

  it('marks a refused refresh with its reason, never the token', async () => {
    exporter.reset();
    const forged = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.c2lnbmF0dXJlLW5vdC12YWxpZA';
    expect((await app.inject({ method: 'POST', url: '/api/token/refresh/', payload: { refresh: forged } })).statusCode).toBe(401);
    const [refresh] = byName(exporter.getFinishedSpans(), 'tessera.token.refresh');
    expect(refresh?.status.message).toBe('bad_signature');
    expect(JSON.stringify(refresh?.attributes)).not.toContain(forged);
  });

  it('hands each audit event to the hook, with no password or token in it', async () => {
    hooked.length = 0;
    const login = await app.inject({ method: 'POST', url: '/api/token/', payload: { username: 'ines', password: PASSWORD } });
    const { refresh, access } = login.json<{ refresh: string; access: string }>();
    await app.inject({ method: 'POST', url: '/api/token/', payload: { username: 'ines', password: 'wrong-password-1' } });
    await app.inject({ method: 'POST', url: '/api/token/blacklist/', payload: { refresh } });
    await app.inject({ method: 'POST', url: '/api/token/logout-all/', headers: { authorization: `Bearer ${access}` } });
    // Logging out everywhere cut `access` off (issue 15): the change needs a new sign-in.
    const again = (await app.inject({ method: 'POST', url: '/api/token/', payload: { username: 'ines', password: PASSWORD } })).json<{
      access: string;
    }>();
    const NEW_PASSWORD = 'otra-clave-larga-77';
    const changed = await app.inject({
      method: 'POST',
      url: '/accounts/password/change/',
      headers: { authorization: `Bearer ${again.access}` },
      payload: { old_password: PASSWORD, new_password1: NEW_PASSWORD, new_password2: NEW_PASSWORD },
    });
    expect(changed.statusCode).toBe(200);
    expect(hooked.map((event) => event.action)).toEqual([
      'login.succeeded',
      'login.failed',
      'logout',
      'logout_all',
      'login.succeeded',
      'password.changed',
    ]);
    expect(hooked[5]).toMatchObject({ user: { username: 'ines' }, origin: { ip: '127.0.0.1' } });
    expect(hooked[0]).toMatchObject({ user: { username: 'ines' }, origin: { ip: '127.0.0.1' } });
    expect(hooked[0]?.at).toBeInstanceOf(Date);
    expect(hooked[2]?.subject).toMatch(/^[0-9a-f]{32}$/);
    const serialised = JSON.stringify(hooked);
    for (const secret of [PASSWORD, 'wrong-password-1', NEW_PASSWORD, refresh, access, again.access, changed.body, TEST_SECRET])
      expect(serialised).not.toContain(secret);
  });
});
