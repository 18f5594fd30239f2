/**
 * Throttle rates in DRF's notation: `"100/hour"`, `"5/minute"`, `"10/second"`, `"1000/day"`
 * (only the period's first letter counts, as in DRF's `parse_rate`), or `null` for no limit.
 */
export interface Rate {
  /** Events allowed in one window. */
  readonly limit: number;
  readonly windowSeconds: number;
}

const PERIOD_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Parses a DRF rate, or returns `undefined` when the text is not one. */
export function parseRate(text: string): Rate | undefined {
  const match = /^\s*(\d+)\s*\/\s*([smhd])[a-z]*\s*$/i.exec(text);
  if (match === null) return undefined;
  const limit = Number(match[1]);
  const windowSeconds = PERIOD_SECONDS[(match[2] ?? '').toLowerCase()];
  return limit > 0 && windowSeconds !== undefined ? { limit, windowSeconds } : undefined;
}

/** DRF's `Throttled` detail: "Request was throttled. Expected available in 3 seconds." */
export function throttledMessage(waitSeconds: number): string {
  return `Request was throttled. Expected available in ${waitSeconds} second${waitSeconds === 1 ? '' : 's'}.`;
}
