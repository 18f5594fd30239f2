#!/usr/bin/env node
/**
 * Sign and verify throughput per JWS algorithm on this machine, through Tessera's own code paths
 * (`signJws`, and `verifyJws` over a server keyring, parsing included), one core. The figures
 * in docs/decisions.md D6 and docs/keys.md come from here:
 *
 *   npm run build && node test/keys/measure-algorithms.mjs [--seconds 2]
 *
 * A typical access token's claims are signed; each figure is calls per CPU-second, best of three
 * runs, so a busy machine slows the run down but does not skew the figures much.
 */
import { generateKeyPairSync } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Keyring } from '../../dist/keys/keyring.js';
import { LiveKeys } from '../../dist/keys/live-keys.js';
import { AsymmetricKey } from '../../dist/tokens/asymmetric-key.js';
import { signJws, verifyJws } from '../../dist/tokens/jws.js';
import { HmacKey } from '../../dist/tokens/signing-key.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '1' } } });
const seconds = Number(values.seconds);

const claims = { token_type: 'access', exp: 4102444800, iat: 1700000000, jti: '0123456789abcdef0123456789abcdef', user_id: 1 };

/**
 * Calls per CPU-second of `run` (this process's user + system time, so other load on the machine
 * does not count against it), best of three runs of about `seconds` each.
 */
function rate(run) {
  let best = 0;
  for (let round = 0; round < 3; round++) {
    let calls = 0;
    const end = performance.now() + seconds * 1000;
    const cpuBefore = process.cpuUsage();
    while (performance.now() < end) {
      for (let i = 0; i < 50; i++) run();
      calls += 50;
    }
    const cpu = process.cpuUsage(cpuBefore);
    best = Math.max(best, calls / ((cpu.user + cpu.system) / 1e6));
  }
  return best;
}

function pair(algorithm, rsaBits = 2048) {
  if (algorithm.startsWith('RS') || algorithm.startsWith('PS')) return generateKeyPairSync('rsa', { modulusLength: rsaBits });
  if (algorithm === 'EdDSA') return generateKeyPairSync('ed25519');
  return generateKeyPairSync('ec', { namedCurve: { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[algorithm] });
}

const rows = [];
function measure(label, key) {
  const keys = new LiveKeys(new Keyring({ signingKey: key, defaultKey: key }));
  const token = signJws(claims, key);
  if (!verifyJws(token, keys).ok) throw new Error(`${label}: own token refused`);
  const sign = rate(() => signJws(claims, key));
  const verify = rate(() => verifyJws(token, keys));
  rows.push({ label, sign, verify });
}

measure('HS256', HmacKey.fromSecret('s'.repeat(48), 'HS256'));
measure('HS512', HmacKey.fromSecret('s'.repeat(64), 'HS512'));
for (const algorithm of ['RS256', 'RS512', 'PS256', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']) {
  measure(algorithm.startsWith('RS') || algorithm.startsWith('PS') ? `${algorithm} (RSA 2048)` : algorithm, AsymmetricKey.fromKeyObjects(algorithm, pair(algorithm)));
}
measure('RS256 (RSA 3072)', AsymmetricKey.fromKeyObjects('RS256', pair('RS256', 3072)));

// The HS256 hot path: the bare key, against the same key behind the live keyring the server uses.
const hmac = HmacKey.fromSecret('s'.repeat(48), 'HS256');
const hsToken = signJws(claims, hmac);
const bare = rate(() => verifyJws(hsToken, hmac));
const live = rate(() => verifyJws(hsToken, new LiveKeys(new Keyring({ signingKey: hmac, defaultKey: hmac }))));
const shared = new LiveKeys(new Keyring({ signingKey: hmac, defaultKey: hmac }));
const liveShared = rate(() => verifyJws(hsToken, shared));

const format = (n) => Math.round(n).toLocaleString('en-US').padStart(9);
console.log(`Node ${process.version}, ${seconds} s x 3 per figure, calls per CPU-second\n`);
console.log('| algorithm | sign/s | verify/s | verify µs |');
console.log('| --- | ---: | ---: | ---: |');
for (const row of rows) console.log(`| ${row.label} | ${format(row.sign)} | ${format(row.verify)} | ${(1e6 / row.verify).toFixed(1)} |`);
console.log(`\nHS256 verifyJws: bare HmacKey ${format(bare)}/s, server LiveKeys ${format(liveShared)}/s (${((liveShared / bare) * 100).toFixed(1)}%), keyring built per call ${format(live)}/s`);
