import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSqliteTimestamp, timestampFromDb } from './schema.js';

describe('SQLite datetime text', () => {
  it("writes Django's UTC format with a fixed-width fraction", () => {
    expect(formatSqliteTimestamp(new Date('2026-11-24T09:33:18Z'))).toBe('2026-11-24 09:33:18.000000');
    expect(formatSqliteTimestamp(new Date('2026-11-23T09:33:18.882Z'))).toBe('2026-11-23 09:33:18.882000');
  });

  it('reads what Django writes, and ISO 8601 with offsets', () => {
    expect(timestampFromDb('2026-11-24 09:33:18')).toEqual(new Date('2026-11-24T09:33:18Z'));
    expect(timestampFromDb('2026-11-23 09:33:18.882252')).toEqual(new Date('2026-11-23T09:33:18.882Z'));
    expect(timestampFromDb('2026-11-23T09:33:18.5Z')).toEqual(new Date('2026-11-23T09:33:18.500Z'));
    expect(timestampFromDb('2026-11-23 11:33:18+02:00')).toEqual(new Date('2026-11-23T09:33:18Z'));
    expect(timestampFromDb('2026-11-23 04:03:18-0530')).toEqual(new Date('2026-11-23T09:33:18Z'));
    const date = new Date();
    expect(timestampFromDb(date)).toBe(date);
  });

  it('refuses text that is not a datetime, and dates it cannot store', () => {
    for (const text of ['', 'yesterday', '2026-13-01 00:00:00', '2026-11-24', '1700000000']) {
      expect(() => timestampFromDb(text)).toThrow(RangeError);
    }
    expect(() => formatSqliteTimestamp(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => formatSqliteTimestamp(new Date('+010000-01-01T00:00:00Z'))).toThrow(RangeError);
  });

  it('round-trips, and sorts as text exactly as the dates sort', () => {
    const dates = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true });
    fc.assert(
      fc.property(dates, dates, (a, b) => {
        const [ta, tb] = [formatSqliteTimestamp(a), formatSqliteTimestamp(b)];
        expect(timestampFromDb(ta)).toEqual(a);
        const textOrder = ta < tb ? -1 : ta > tb ? 1 : 0;
        expect(textOrder).toBe(Math.sign(a.getTime() - b.getTime()));
      }),
    );
  });
});
