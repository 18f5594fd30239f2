/**
 * Spans through `@opentelemetry/api` only. Tessera installs no SDK: without one every call here
 * is the API's no-op (a few property reads); an app that registers an OpenTelemetry SDK sees
 * Tessera's spans under its own request spans, with no configuration on Tessera's side.
 *
 * Attributes are public identifiers and outcomes only: never a token, a password or a header.
 */
import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

/** The instrumentation scope's name, as an SDK's exporters show it. */
export const TRACER_NAME = 'tessera';

/**
 * Runs `work` inside a span named `name` (made the active span, so spans started inside nest
 * under it). A thrown error marks the span as failed, with the error's type and (for TokenError
 * and the like) its stable reason, never its message, which might quote input.
 *
 * @example
 * ```ts
 * const claims = await inSpan('tessera.token.refresh', { 'tessera.rotate': true }, () => refreshPair(context, raw));
 * ```
 */
export function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  // getTracer is called each time on purpose: an SDK registered after Tessera loaded still gets the spans.
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Records why a span failed: the error's class and its `reason`/`code` when it has one. */
function markFailed(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  const type = error instanceof Error ? error.name : typeof error;
  const reason = errorReason(error);
  span.setAttribute('error.type', reason === undefined ? type : `${type}:${reason}`);
  span.setStatus({ code: SpanStatusCode.ERROR, message: reason ?? type });
}

function errorReason(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { reason?: unknown; code?: unknown };
  if (typeof record.reason === 'string') return record.reason;
  return typeof record.code === 'string' ? record.code : undefined;
}
