/**
 * One connection to Redis that may come and go. Redis is optional and never the source of
 * truth (the database is), so a failed command is not an error for the caller: `run` answers
 * `undefined` and the caller falls back (per-process counters, TTL-bound caches). The outage is
 * logged once, and so is the recovery; node-redis reconnects by itself.
 */
import { createClient } from 'redis';
import type { Logger } from '../../model/logger.js';

function newClient(url: string) {
  return createClient({
    url,
    // Commands fail at once while disconnected instead of queueing behind a dead socket.
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000) },
  });
}

export type RedisClient = ReturnType<typeof newClient>;

export class RedisLink {
  readonly client: RedisClient;
  readonly #log: Logger;
  #healthy = true;

  private constructor(client: RedisClient, log: Logger) {
    this.client = client;
    this.#log = log;
    client.on('error', () => this.#markDown());
    client.on('ready', () => this.#markUp());
  }

  /**
   * Connects to `url`. Start-up does not wait for Redis to be reachable: an instance must serve
   * (from the database) even when Redis is down.
   */
  static open(url: string, log: Logger): RedisLink {
    const client = newClient(url);
    const link = new RedisLink(client, log);
    client.connect().catch(() => link.#markDown());
    return link;
  }

  /** Runs a command; `undefined` when Redis is unreachable or the command failed. */
  async run<T>(command: (client: RedisClient) => Promise<T>): Promise<T | undefined> {
    if (!this.client.isReady) {
      this.#markDown();
      return undefined;
    }
    try {
      return await command(this.client);
    } catch {
      this.#markDown();
      return undefined;
    }
  }

  /** Whether Redis answers a PING now (readiness); never throws. */
  async ping(): Promise<boolean> {
    return (await this.run((client) => client.ping())) === 'PONG';
  }

  get healthy(): boolean {
    return this.#healthy && this.client.isReady;
  }

  async close(): Promise<void> {
    this.client.removeAllListeners('error');
    this.client.on('error', () => undefined);
    if (this.client.isOpen) await this.client.close().catch(() => undefined);
  }

  #markDown(): void {
    if (!this.#healthy) return;
    this.#healthy = false;
    this.#log.warn('Redis is unreachable: answering from the database and per-process counters until it returns.');
  }

  #markUp(): void {
    if (this.#healthy) return;
    this.#healthy = true;
    this.#log.info('Redis is reachable again.');
  }
}
