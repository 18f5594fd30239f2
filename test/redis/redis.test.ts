/**
 * Redis as Tessera uses it: shared throttle counters, user-cache invalidation across instances,
 * and correct answers through an outage. Each test runs its own redis-server on a free port, so
 * it can be stopped and started again (a real outage, not a mock).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/model/logger.js';
import { openStore } from '../../src/stores/open-store.js';
import { InvalidationBus } from '../../src/stores/redis/invalidation-bus.js';
import { RedisLink } from '../../src/stores/redis/redis-link.js';
import { RedisRateLimiter } from '../../src/stores/redis/redis-rate-limiter.js';
import { withUserCache } from '../../src/stores/user-cache.js';
import { MemoryRateLimiter } from '../../src/throttling/memory-rate-limiter.js';
import type { WindowRule } from '../../src/throttling/rate-limiter.js';
import { describeLimiterConformance } from '../support/limiter-conformance.js';
import { freePort } from '../support/cli-server.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function redisServer(port: number): Promise<ChildProcess> {
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  cleanups.push(async () => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((done) => server.once('exit', done));
      server.kill('SIGKILL');
      await exited;
    }
  });
  await waitFor(async () => {
    const link = RedisLink.open(`redis://127.0.0.1:${port}`, silent());
    try {
      return (await until(() => link.healthy, 500)) && (await link.run((client) => client.ping())) === 'PONG';
    } finally {
      await link.close();
    }
  });
  return server;
}

function silent(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => void lines.push(`info ${m}`),
    warn: (m) => void lines.push(`warn ${m}`),
    error: (m) => void lines.push(`error ${m}`),
  };
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((wake) => setTimeout(wake, 20));
  }
  return condition();
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((wake) => setTimeout(wake, 50));
  }
  throw new Error('condition not met in time');
}

function link(port: number, log: Logger = silent()): RedisLink {
  const opened = RedisLink.open(`redis://127.0.0.1:${port}`, log);
  cleanups.push(() => opened.close());
  return opened;
}

const rule = (key: string): WindowRule => ({ kind: 'window', key, rate: { limit: 3, windowSeconds: 60 } });

/** The machine's Redis (127.0.0.1:6379) for the contract; each outage test runs its own server. */
describeLimiterConformance('RedisRateLimiter', async () => {
  const shared = RedisLink.open('redis://127.0.0.1:6379', silent());
  cleanups.push(() => shared.close());
  await until(() => shared.healthy, 5000);
  if (!shared.healthy) throw new Error('Redis at 127.0.0.1:6379 is not reachable');
  return new RedisRateLimiter(shared, new MemoryRateLimiter());
});

describe('RedisRateLimiter', () => {
  it('shares counters between instances', async () => {
    const port = await freePort();
    await redisServer(port);
    const [a, b] = [link(port), link(port)];
    await until(() => a.healthy && b.healthy, 5000);
    const first = new RedisRateLimiter(a, new MemoryRateLimiter());
    const second = new RedisRateLimiter(b, new MemoryRateLimiter());
    const shared = rule(`shared-${port}`);
    expect((await first.reserve([shared], 1000)).granted).toBe(true);
    expect((await second.reserve([shared], 2000)).granted).toBe(true);
    expect((await first.reserve([shared], 3000)).granted).toBe(true);
    // Three attempts, one of them on the other instance: both instances refuse now.
    expect(await second.reserve([shared], 4000)).toEqual({ granted: false, retryAfter: 57 });
    expect((await first.reserve([shared], 61_001)).granted).toBe(true);
  });

  it('keeps throttling through an outage, logs it once, and recovers', async () => {
    const port = await freePort();
    const server = await redisServer(port);
    const log = silent();
    const shared = link(port, log);
    await until(() => shared.healthy, 5000);
    const limiter = new RedisRateLimiter(shared, new MemoryRateLimiter());
    const key = rule(`outage-${port}`);

    server.kill('SIGKILL');
    await until(() => !shared.healthy, 5000);
    for (const at of [1, 2, 3]) expect((await limiter.reserve([key], at)).granted).toBe(true);
    expect(await limiter.reserve([key], 10)).toEqual({ granted: false, retryAfter: 60 });
    expect(log.lines.filter((line) => line.startsWith('warn'))).toHaveLength(1);

    await redisServer(port);
    await until(() => shared.healthy, 10_000);
    expect(shared.healthy).toBe(true);
    expect(log.lines.some((line) => line === 'info Redis is reachable again.')).toBe(true);
    await limiter.reserve([rule(`after-${port}`)], 100);
    expect(await shared.run((client) => client.zCard(`tessera:throttle:after-${port}`))).toBe(1);
  });

  it('answers from memory when Redis was never reachable', async () => {
    const port = await freePort();
    const limiter = new RedisRateLimiter(link(port), new MemoryRateLimiter());
    for (const at of [1, 2, 3]) await limiter.reserve([rule('k')], at);
    expect(await limiter.reserve([rule('k')], 10)).toEqual({ granted: false, retryAfter: 60 });
  });
});

describe('InvalidationBus', () => {
  it("drops a user from every instance's cache as soon as one instance changes it", async () => {
    const port = await freePort();
    await redisServer(port);
    const file = join(mkdtempSync(join(tmpdir(), 'tessera-bus-')), 'db.sqlite3');
    const open = async () => {
      const store = withUserCache(await openStore(`sqlite:${file}`), { ttlSeconds: 3600 });
      await store.migrate();
      const redis = link(port);
      await until(() => redis.healthy, 5000);
      const bus = InvalidationBus.connect(redis, store);
      cleanups.push(async () => {
        await bus.close();
        await store.close();
      });
      return store;
    };
    const [one, two] = [await open(), await open()];
    const id = (await one.createUser({ username: 'eve', password: 'x' })).id;
    expect((await two.findCachedUser('id', id))?.isActive).toBe(true);
    await new Promise((wake) => setTimeout(wake, 200)); // let both subscriptions settle

    await one.updateUser(id, { isActive: false });
    await waitFor(async () => (await two.findCachedUser('id', id))?.isActive === false, 5000);
  });
});
