/**
 * Spans for the store's database queries, from Kysely's query log: one span per query,
 * `tessera.db.<operation>` (select, insert, update, delete, ...), back-dated to when the query
 * started and nested under whatever span was active when it ran (a token endpoint's). One hook
 * covers every store concern, on SQLite and PostgreSQL alike. The statement is Kysely's
 * parameterised SQL: the values (a password hash, a jti) are never in it.
 */
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { LogEvent } from 'kysely';
import { TRACER_NAME } from './tracing.js';

/**
 * Kysely's `log` option that turns each query into a span.
 *
 * @example
 * ```ts
 * const db = new Kysely<Database>({ dialect, log: querySpans('postgresql') });
 * ```
 */
export function querySpans(system: 'sqlite' | 'postgresql'): (event: LogEvent) => void {
  return (event) => {
    const endedAt = performance.timeOrigin + performance.now();
    const sql = event.query.sql.trimStart();
    const space = sql.search(/\s/);
    const operation = (space < 0 ? sql : sql.slice(0, space)).toLowerCase();
    const span = trace.getTracer(TRACER_NAME).startSpan(`tessera.db.${operation}`, {
      startTime: endedAt - event.queryDurationMillis,
      attributes: { 'db.system': system, 'db.operation': operation, 'db.statement': event.query.sql },
    });
    if (event.level === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: 'query failed' });
    span.end(endedAt);
  };
}
