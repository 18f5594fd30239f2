/**
 * Process helpers for the bench: free ports, readiness polling, resident memory of a process
 * group, and stopping a process group we started (and only that one).
 */
import { createServer, request as httpRequest } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * One HTTP request on a fresh connection; resolves to `{ status, body }`, or `undefined` when
 * nothing answers (connection refused, reset).
 */
export function probe(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve) => {
    const req = httpRequest(url, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve(undefined));
    });
    req.on('error', () => resolve(undefined));
    req.end(body);
  });
}

/**
 * Polls `url` every `intervalMs` until `accept(response)` holds; resolves to the milliseconds
 * waited. Rejects after `timeoutMs`, or as soon as `isDead()` says the server has exited.
 */
export async function waitFor(
  url,
  { accept = (r) => r !== undefined, timeoutMs = 20_000, intervalMs = 20, isDead = () => false, init } = {},
) {
  const started = performance.now();
  for (;;) {
    const response = await probe(url, init);
    if (accept(response)) return performance.now() - started;
    if (isDead()) throw new Error(`the server exited before ${url} answered`);
    if (performance.now() - started > timeoutMs) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/** The pids of every live process in process group `pgid` (from /proc). */
export function groupPids(pgid) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command: state ppid pgrp ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(entry));
    } catch {
      // The process exited while we looked.
    }
  }
  return pids;
}

/** Resident set size of one process in bytes (0 once it is gone). */
export function rssBytes(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resident memory of a whole process group (gunicorn's master and workers count together). */
export function groupRssBytes(pgid) {
  return groupPids(pgid).reduce((sum, pid) => sum + rssBytes(pid), 0);
}

/**
 * Samples `groupRssBytes(pgid)` every `intervalMs` until `stop()` is called; `stop()` resolves to
 * the peak seen.
 */
export function sampleRss(pgid, intervalMs = 50) {
  let peak = groupRssBytes(pgid);
  const timer = setInterval(() => {
    peak = Math.max(peak, groupRssBytes(pgid));
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, groupRssBytes(pgid));
    },
  };
}

/**
 * Stops the process group led by `pgid` (a server this bench started in its own group):
 * SIGTERM, then SIGKILL for whatever is left after `graceMs`. Resolves once the group is empty.
 */
export async function stopGroup(pgid, graceMs = 5_000) {
  const signal = (name) => {
    try {
      process.kill(-pgid, name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const deadline = performance.now() + graceMs;
  while (groupPids(pgid).length > 0 && performance.now() < deadline) await sleep(25);
  if (groupPids(pgid).length > 0) signal('SIGKILL');
  while (groupPids(pgid).length > 0) await sleep(25);
}
