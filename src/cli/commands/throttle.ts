/**
 * `tessera throttle clear USERNAME` and `tessera throttle clear --address IP`: an
 * administrator's unlock of the login throttles (issue 12 §2). The counters live where the
 * servers keep them: in Redis when REDIS_URL is set (this command clears them for every
 * instance); without Redis each server counts in its own memory, which no other process can
 * reach, so the command says so and points to the admin console.
 */
import { Command } from 'commander';
import { loadSettings } from '../../config/load-settings.js';
import { stderrLogger } from '../../model/logger.js';
import type { RedisLink } from '../../stores/redis/redis-link.js';
import { clearAccountLocks, clearAddressLocks } from '../../throttling/login-throttle.js';
import { MemoryRateLimiter } from '../../throttling/memory-rate-limiter.js';

async function untilReady(link: RedisLink, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!link.client.isReady && Date.now() < deadline) await new Promise((wake) => setTimeout(wake, 20));
  return link.client.isReady;
}

export function throttleCommand(): Command {
  const throttle = new Command('throttle').description('Login throttles (Redis-backed servers)');
  throttle
    .command('clear')
    .description("Clears an account's login locks (all addresses), or an address's")
    .argument('[username]', 'the account whose locks to clear')
    .option('--address <ip>', "clear this client address's failed-login count instead")
    .action(async (username: string | undefined, options: { address?: string }) => {
      if ((username === undefined) === (options.address === undefined)) throw new Error('name a username or --address, not both');
      const { settings } = loadSettings();
      if (settings.REDIS_URL === null) {
        throw new Error(
          'without REDIS_URL each server keeps its throttle counters in its own memory: clear a lock in the admin console (the user\'s page, "Clear login locks"), or restart the server',
        );
      }
      // Loaded here, not at the top: every `tessera` command (serve included) would load redis.
      const [{ RedisLink }, { RedisRateLimiter }] = await Promise.all([
        import('../../stores/redis/redis-link.js'),
        import('../../stores/redis/redis-rate-limiter.js'),
      ]);
      const link = RedisLink.open(settings.REDIS_URL, stderrLogger);
      try {
        if (!(await untilReady(link, 5000))) throw new Error('Redis (REDIS_URL) is not reachable');
        const limiter = new RedisRateLimiter(link, new MemoryRateLimiter());
        const context = { limiter };
        const cleared =
          username === undefined ? await clearAddressLocks(context, options.address ?? '') : await clearAccountLocks(context, username);
        process.stdout.write(`Cleared ${cleared} throttle counter${cleared === 1 ? '' : 's'}.\n`);
      } finally {
        await link.close();
      }
    });
  return throttle;
}
