/**
 * Issue 12 §4: failed logins with distinct 900 KB usernames leave nothing behind. The server
 * runs in this process (over real HTTP on port 0, clients on 127.0.0.x) so that the test can
 * force a full garbage collection and compare the heap before and after; before issue 12 each
 * username stayed in the throttle's keys (120 × 900 KB ≈ 108 MB kept).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/server/create-server.js';
import { createTessera, type Tessera } from '../../src/app/tessera.js';
import type { FastifyInstance } from 'fastify';
import { MemoryRateLimiter } from '../../src/throttling/memory-rate-limiter.js';
import { TEST_SECRET } from '../support/cli-server.js';
import { clientAddress, loginFrom } from '../support/from-address.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function retainedBytes(): number {
  for (let i = 0; i < 3; i++) gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external + usage.arrayBuffers;
}

let tessera: Tessera;
let app: FastifyInstance;
let baseUrl: string;
const limiter = new MemoryRateLimiter();

beforeAll(async () => {
  tessera = await createTessera({
    env: {},
    configFile: false,
    limiter,
    settings: { SECRET_KEY: TEST_SECRET, DATABASE_URL: 'sqlite::memory:' },
  });
  app = createServer(tessera, { logLevel: 'silent' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app?.close();
  await tessera?.close();
});

describe('bounded memory (issue 12 §4)', () => {
  it('120 failed logins with distinct 900 KB usernames: the heap returns to where it was', async () => {
    // Warm up (dummy hash, code paths), then measure.
    await loginFrom(baseUrl, clientAddress(1), 'warm-up', 'wrong');
    const before = retainedBytes();
    const keysBefore = limiter.size;
    for (let batch = 0; batch < 12; batch++) {
      const replies = await Promise.all(
        Array.from({ length: 10 }, (_, i) => {
          const username = `${String(batch * 10 + i).padStart(4, '0')}${'u'.repeat(900 * 1024)}`;
          return loginFrom(baseUrl, clientAddress(2 + i), username, 'wrong');
        }),
      );
      for (const reply of replies) expect(reply.status).toBe(401);
    }
    const after = retainedBytes();
    // Each attempt leaves fixed-size keys (a few per attempt), never the username.
    expect(limiter.size - keysBefore).toBeLessThanOrEqual(120 * 3);
    expect(after - before).toBeLessThan(20 * 1024 * 1024);
  }, 180_000);
});
