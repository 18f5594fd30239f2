import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenError } from '../errors.js';
import { inSpan } from './tracing.js';

describe('inSpan without an SDK', () => {
  it('runs the work and returns its value (the API is a no-op)', async () => {
    expect(await inSpan('tessera.test', {}, async (span) => (span.isRecording() ? 'recording' : 'noop'))).toBe('noop');
  });
});

describe('inSpan with an SDK registered by the app', () => {
  const exporter = new InMemorySpanExporter();
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  });
  afterAll(() => {
    trace.disable();
    context.disable();
  });

  it('nests spans started inside the work under it, with its attributes', async () => {
    exporter.reset();
    await inSpan('tessera.token.refresh', { 'tessera.rotate': true }, async () => {
      await inSpan('tessera.store.rotate', {}, async () => undefined);
    });
    const spans = exporter.getFinishedSpans();
    const outer = spans.find((span) => span.name === 'tessera.token.refresh');
    const inner = spans.find((span) => span.name === 'tessera.store.rotate');
    expect(outer?.attributes['tessera.rotate']).toBe(true);
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
    expect(outer?.instrumentationScope.name).toBe('tessera');
  });

  it('marks a failed span with the error reason, never the message', async () => {
    exporter.reset();
    const error = new TokenError('bad_signature');
    await expect(inSpan('tessera.token.verify', {}, async () => Promise.reject(error))).rejects.toBe(error);
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: 2, message: 'bad_signature' });
    expect(span?.attributes['error.type']).toBe('TokenError:bad_signature');
    expect(JSON.stringify(span?.attributes)).not.toContain('invalid or expired');
  });
});
