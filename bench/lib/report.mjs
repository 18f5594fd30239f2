/**
 * Turns measurements into the bench's tables (aligned text for the terminal, markdown for
 * docs/benchmarks.md) and checks them against the targets of issue 4.
 */
import { ALL_SERVERS, SERVER_LABELS } from './servers.mjs';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * One server's figures for one workload over its rounds: median req/s and median p99, and the
 * failures summed (any failure marks the cell with "!").
 */
export function summarise(results) {
  if (!results || results.length === 0) return undefined;
  return {
    rps: median(results.map((r) => r.rps)),
    p99Ms: median(results.map((r) => r.p99Ms)),
    failures: results.reduce((sum, r) => sum + r.non2xx + r.socketErrors, 0),
    rounds: results.length,
    extra: results.map((r) => r.extra).filter(Boolean),
  };
}

const formatRps = (value) => (value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1));
const formatMs = (value) => (value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(value >= 10 ? 1 : 2)} ms`);
const formatRatio = (value) => (value === undefined ? '–' : `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}x`);
const formatMb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;

function ratio(summaries, server) {
  const tessera = summaries.tessera;
  const other = summaries[server];
  return tessera && other && other.rps > 0 ? tessera.rps / other.rps : undefined;
}

/**
 * The main table: one row per workload, req/s and p99 per server, then Tessera's ratios.
 * @param {{id: string, title: string}[]} workloads
 * @param {Record<string, Record<string, object>>} summaries  workload id -> server -> summary
 */
export function throughputTable(workloads, summaries, servers = ALL_SERVERS) {
  const header = ['Workload'];
  for (const server of servers) header.push(`${SERVER_LABELS[server]} req/s`, 'p99');
  const ratioColumns = [['reference', 'T/ref'], ['fastify', 'T/peer'], ['bare', 'T/bare']].filter(([server]) => servers.includes(server) && servers.includes('tessera'));
  header.push(...ratioColumns.map(([, label]) => label));
  const rows = [];
  for (const workload of workloads) {
    const byServer = summaries[workload.id];
    if (!byServer) continue;
    const row = [workload.title];
    for (const server of servers) {
      const s = byServer[server];
      const mark = s?.failures ? '!' : '';
      row.push(s ? `${formatRps(s.rps)}${mark}` : '–', s ? formatMs(s.p99Ms) : '–');
    }
    row.push(...ratioColumns.map(([server]) => formatRatio(ratio(byServer, server))));
    rows.push(row);
  }
  return { header, rows, align: header.map((_, i) => (i === 0 ? 'left' : 'right')) };
}

/** Memory and start-up, one row per server; `startup` maps a server to its start-up times. */
export function resourceTable(memory, startup = {}, servers = ALL_SERVERS) {
  const header = ['Server', 'RSS idle', 'RSS peak, 256 connections', 'req/s at 256 connections', 'spawn → first 200'];
  const rows = [];
  for (const server of servers) {
    const m = memory[server];
    const times = startup[server];
    const started = times?.length ? `${Math.round(median(times))} ms median, ${Math.round(Math.max(...times))} ms worst of ${times.length}` : '–';
    if (!m && started === '–') continue;
    rows.push([
      SERVER_LABELS[server],
      m ? formatMb(m.idleBytes) : '–',
      m ? formatMb(m.peakBytes) : '–',
      m ? `${formatRps(m.load.rps)}${m.load.non2xx + m.load.socketErrors ? '!' : ''}` : '–',
      started,
    ]);
  }
  return { header, rows, align: header.map((_, i) => (i === 0 ? 'left' : 'right')) };
}

/**
 * The targets of issue 4, each with the measured figure and PASS / FAIL (or n/a when the run
 * did not measure it).
 */
export function targetTable(summaries, memory, startupMs) {
  const rows = [];
  const ratioTarget = (workloadId, title, server, minimum) => {
    const value = summaries[workloadId] ? ratio(summaries[workloadId], server) : undefined;
    const label = { reference: 'the reference', fastify: 'the Fastify + @fastify/jwt peer', bare: 'bare node:http' }[server];
    const wanted = server === 'bare' ? `≥ ${Math.round(minimum * 100)}% of ${label}` : `≥ ${minimum}x ${label}`;
    rows.push([`${title}: ${wanted}`, formatRatio(value), verdict(value, (v) => v >= minimum)]);
  };
  for (const [id, title] of [['protected', 'GET /protected/'], ['verify', 'POST /api/token/verify/']]) {
    ratioTarget(id, title, 'reference', 15);
    ratioTarget(id, title, 'fastify', 1);
    ratioTarget(id, title, 'bare', 0.8);
  }
  ratioTarget('rotation', 'Refresh with rotation + blacklist (SQLite)', 'reference', 10);
  ratioTarget('login', 'Login (argon2id, OWASP)', 'reference', 3);
  const mixed = summaries.mixed?.tessera?.p99Ms;
  rows.push(['GET /protected/ p99 while logins saturate the CPU: < 50 ms', mixed === undefined ? '–' : formatMs(mixed), verdict(mixed, (v) => v < 50)]);
  const peak = memory.tessera?.peakBytes;
  rows.push(['RSS with 256 open connections: < 150 MB', peak === undefined ? '–' : formatMb(peak), verdict(peak, (v) => v < 150 * 1048576)]);
  const worst = startupMs?.length ? Math.max(...startupMs) : undefined;
  rows.push(['`tessera serve` to first 200: < 1 s (worst run)', worst === undefined ? '–' : `${Math.round(worst)} ms`, verdict(worst, (v) => v < 1000)]);
  return { header: ['Target', 'Measured', 'Result'], rows, align: ['left', 'right', 'left'] };
}

function verdict(value, passes) {
  if (value === undefined) return 'n/a';
  return passes(value) ? 'PASS' : 'FAIL';
}

/** A table as aligned plain text. */
export function renderText({ header, rows, align }) {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((cell, i) => (align[i] === 'left' ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A table as GitHub markdown. */
export function renderMarkdown({ header, rows, align }) {
  const escape = (cell) => cell.replaceAll('|', '\\|');
  return [
    `| ${header.map(escape).join(' | ')} |`,
    `| ${align.map((a) => (a === 'left' ? ':---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

/** Lines noting every cell marked "!" and the mixed workload's login rate. */
export function notes(workloads, summaries) {
  const lines = [];
  for (const workload of workloads) {
    for (const [server, s] of Object.entries(summaries[workload.id] ?? {})) {
      if (s.failures) lines.push(`! ${workload.title}, ${SERVER_LABELS[server]}: ${s.failures} non-2xx responses or socket errors over ${s.rounds} round(s); req/s counts successes only.`);
      if (workload.id === 'mixed' && s.extra.length) {
        const logins = median(s.extra.map((e) => e.loginRps));
        lines.push(`${workload.title}, ${SERVER_LABELS[server]}: ${formatRps(logins)} logins/s alongside (${s.extra[0].protectedConnections} connections on /protected/).`);
      }
    }
  }
  return lines;
}
