#!/usr/bin/env node
/**
 * `bcrypt` (native, libuv thread pool) against `bcryptjs` (pure JavaScript) for verifying
 * Django's bcrypt hashes (cost 12, Django's default): the figure behind docs/decisions.md D13.
 *
 *   npm install --no-save bcryptjs@3 && node bench/bcrypt-libraries.mjs
 *
 * Prints, per library, the median time of one compare, the wall time of 4 concurrent compares,
 * and the worst event-loop delay while they run (what every other request waits).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import bcrypt from 'bcrypt';

const { default: bcryptjs } = await import('bcryptjs').catch(() => {
  throw new Error('bcryptjs is not installed: npm install --no-save bcryptjs@3');
});
const PASSWORD = 'Optimizing-compilers-2006';
const HASH = await bcrypt.hash(PASSWORD, 12);

async function measure(name, compare) {
  await compare(PASSWORD, HASH);
  const times = [];
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    if (!(await compare(PASSWORD, HASH))) throw new Error(`${name}: mismatch`);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const start = performance.now();
  await Promise.all([1, 2, 3, 4].map(() => compare(PASSWORD, HASH)));
  const concurrent = performance.now() - start;
  delay.disable();
  console.log(
    `${name}: one compare ${times[3].toFixed(0)} ms (median of 7); 4 concurrent ${concurrent.toFixed(0)} ms; ` +
      `event-loop delay max ${(delay.max / 1e6).toFixed(0)} ms`,
  );
}

await measure('bcrypt (native)', (plain, hash) => bcrypt.compare(plain, hash));
await measure('bcryptjs (pure JS)', (plain, hash) => bcryptjs.compare(plain, hash));
