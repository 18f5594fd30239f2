/**
 * `host:port` addresses for listeners other than the API's (METRICS_ADDR), IPv6 in brackets.
 */

/** `host:port` split (`127.0.0.1:9464`, `[::1]:9464`, `localhost:9464`), or `undefined` when it is not one. */
export function parseListenAddress(value: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(value.trim());
  if (match === null) return undefined;
  const port = Number(match[3]);
  if (port > 65_535) return undefined;
  return { host: match[1] ?? match[2] ?? '', port };
}
