/**
 * What the client tests share: a recording `fetch` (the real one, with every request and its
 * status written down), a TCP relay that can be cut to make real network errors, and a way to
 * collect a client's auth changes.
 */
import { createServer, type Server, type Socket, connect } from 'node:net';
import type { AuthChange, TesseraClient } from '../../src/client/index.js';

export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly status: number | 'network-error';
  readonly authorization: string | null;
}

/** The global fetch, recording each call (for counting refreshes and retries). */
export function recordingFetch(): { fetch: typeof fetch; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const recording = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const entry = { method: request.method, path: new URL(request.url).pathname, authorization: request.headers.get('authorization') };
    try {
      const response = await fetch(request);
      calls.push({ ...entry, status: response.status });
      return response;
    } catch (error) {
      calls.push({ ...entry, status: 'network-error' });
      throw error;
    }
  };
  return { fetch: recording, calls };
}

export function callsTo(calls: readonly RecordedCall[], path: string): RecordedCall[] {
  return calls.filter((call) => call.path === path);
}

/** Every auth change of `client`, in order. */
export function changesOf(client: TesseraClient): AuthChange[] {
  const changes: AuthChange[] = [];
  client.onAuthChange((change) => changes.push(change));
  return changes;
}

/** A loopback TCP relay to `target` that can refuse connections (a real network failure). */
export interface Relay {
  readonly baseUrl: string;
  /** Drops open connections and resets new ones until `restore()`. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startRelay(targetBaseUrl: string): Promise<Relay> {
  const target = new URL(targetBaseUrl);
  const sockets = new Set<Socket>();
  let open = true;
  const server: Server = createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    cut: () => {
      open = false;
      for (const socket of sockets) socket.destroy();
    },
    restore: () => {
      open = true;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((closed) => server.close(() => closed()));
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((wake) => setTimeout(wake, ms));
