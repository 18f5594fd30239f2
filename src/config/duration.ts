/**
 * Durations in settings: a number of seconds (`300`), or a string of seconds (`"300"`) or of
 * units (`"5m"`, `"1h30m"`, `"1d"`, `"90s"`), as operators write them in environment variables.
 * simplejwt takes `timedelta`s; this is the closest thing a config file or env var can hold.
 */
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const DURATION_PATTERN = /^(?:(\d+(?:\.\d+)?)(w|d|h|m|s))+$/;
const PART_PATTERN = /(\d+(?:\.\d+)?)(w|d|h|m|s)/g;

/**
 * Parses a duration into seconds, or returns `undefined` when the value is not a duration.
 *
 * @example
 * ```ts
 * parseDurationSeconds('5m'); // 300
 * parseDurationSeconds(86400); // 86400
 * ```
 */
export function parseDurationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  if (!DURATION_PATTERN.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART_PATTERN)) total += Number(amount) * (UNIT_SECONDS[unit ?? 's'] ?? 1);
  return total;
}
