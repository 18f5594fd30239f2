/**
 * What Tessera logs through. Messages never carry secrets, passwords or tokens. The bundled
 * server passes its pino logger (`observability/log.ts`); the default writes JSON lines to stderr.
 */
export interface Logger {
  /** `fields` are merged into the line (`{"msg":"audit","audit":{...}}`): identifiers and codes only. */
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, error?: unknown): void;
}

function line(level: string, message: string, fields?: Readonly<Record<string, unknown>>, error?: unknown): string {
  // pino's shape (observability/log.ts): level by name, time, pid, fields, msg; so one parser reads both.
  const entry: Record<string, unknown> = { level, time: Date.now(), pid: process.pid, ...fields, msg: message };
  if (error instanceof Error) entry.err = { type: error.name, message: error.message, stack: error.stack };
  return `${JSON.stringify(entry)}\n`;
}

export const stderrLogger: Logger = {
  info: (message, fields) => void process.stderr.write(line('info', message, fields)),
  warn: (message, fields) => void process.stderr.write(line('warn', message, fields)),
  error: (message, error) => void process.stderr.write(line('error', message, undefined, error)),
};
