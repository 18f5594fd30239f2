/**
 * What Tessera logs through. Messages never carry secrets, passwords or tokens. The bundled
 * server passes its pino logger; the default writes JSON lines to stderr.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

function line(level: string, message: string, error?: unknown): string {
  const entry: Record<string, unknown> = { level, time: Date.now(), msg: message };
  if (error instanceof Error) entry.err = { type: error.name, message: error.message, stack: error.stack };
  return `${JSON.stringify(entry)}\n`;
}

export const stderrLogger: Logger = {
  info: (message) => void process.stderr.write(line('info', message)),
  warn: (message) => void process.stderr.write(line('warn', message)),
  error: (message, error) => void process.stderr.write(line('error', message, error)),
};
