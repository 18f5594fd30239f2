/**
 * Development log format: pino's JSON lines rewritten for people, one line each:
 * `22:51:03.120 INFO  listening port=8000 request_id=4f1c…`. A small formatter rather than
 * pino-pretty, which would add a dozen packages to every production install for a development
 * nicety (docs/decisions.md). Anything that is not a JSON object passes through unchanged.
 */
import type { DestinationStream } from 'pino';

const LEVEL_NAMES: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Keys shown in the line's head, or not worth repeating on every line. */
const HEAD_KEYS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'err']);

/** Formats one pino JSON line; returns it unchanged when it is not one. */
export function formatLine(line: string): string {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return line;
  const record = entry as Record<string, unknown>;
  const level =
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a log line's level may be anything; it prints as it is
    typeof record.level === 'number' ? (LEVEL_NAMES[record.level] ?? String(record.level)) : String(record.level ?? '').toUpperCase();
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 23) : '';
  const fields = Object.entries(record)
    .filter(([key]) => !HEAD_KEYS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const head = `${time} ${level.padEnd(5)} ${typeof record.msg === 'string' ? record.msg : ''}`;
  const error = errorText(record.err);
  return `${[head, ...fields].join(' ')}${error}\n`;
}

/** An error's stack (or message) on the lines under its log line. */
function errorText(value: unknown): string {
  if (typeof value !== 'object' || value === null) return '';
  const error = value as { stack?: unknown; message?: unknown };
  const text = typeof error.stack === 'string' ? error.stack : typeof error.message === 'string' ? error.message : '';
  return text === '' ? '' : `\n  ${text.replaceAll('\n', '\n  ')}`;
}

/** A pino destination that formats each line and writes it to `out`. */
export function prettyLines(out: NodeJS.WritableStream): DestinationStream {
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line !== '') out.write(formatLine(line));
    },
  };
}
