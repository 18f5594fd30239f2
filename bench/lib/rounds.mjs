/**
 * How one workload is measured: every server that takes part is started (pinned) and prepared
 * first, each gets its own warm-up, then come the rounds. In a round the servers are measured
 * back to back (forward order on odd rounds, reverse on even ones), so that each ratio is taken
 * between two figures a few seconds apart, under the same machine weather; the ratios are
 * computed per round and their median kept (see report.mjs). On this VM, single figures swing
 * by ±30% with the host while ratios within a round hold much better.
 */

/**
 * @typedef {Record<string, import('./wrk.mjs').WrkResult>} Round  server kind -> its result
 */

/**
 * @param {import('./workloads.mjs').Workload} workload
 * @param {string[]} kinds  servers taking part
 * @param {object} options
 * @param {number} options.rounds
 * @param {number} options.seconds   per measured run
 * @param {number} options.warmup    seconds of warm-up per server (0: none)
 * @param {number} options.connections
 * @param {string|undefined} options.loadCpus  CPUs wrk is pinned to
 * @param {(kind: string, options: {rotate: boolean}) => Promise<object>} options.start
 * @param {(server: object) => Promise<void>} options.stop
 * @param {(message: string) => void} options.log
 * @param {(message: string) => void} options.problem  a failure to list under "Not measured"
 * @returns {Promise<Round[]>}
 */
export async function measureWorkload(workload, kinds, { rounds, seconds, warmup, connections, loadCpus, start, stop, log, problem }) {
  const ready = new Map();
  const runs = rounds + (warmup > 0 ? 1 : 0);
  try {
    for (const kind of kinds) {
      let server;
      try {
        server = await start(kind, { rotate: workload.rotate });
        const plan = await workload.prepare(server, { connections, cpus: loadCpus, runs });
        ready.set(kind, { server, plan });
      } catch (error) {
        if (server) await stop(server);
        log(`[${workload.id}] ${kind}: FAILED ${error.message}`);
        problem(`${workload.title}, ${kind}: ${error.message.split('\n')[0]}`);
      }
    }
    if (warmup > 0) {
      for (const [kind, { plan }] of ready) {
        try {
          await plan.run(warmup, { warmup: true });
        } catch (error) {
          ready.delete(kind);
          problem(`${workload.title}, ${kind} (warm-up): ${error.message.split('\n')[0]}`);
        }
      }
    }
    const results = [];
    for (let round = 1; round <= rounds; round++) {
      const taking = [...ready.keys()];
      const order = round % 2 === 1 ? taking : taking.reverse();
      const measured = {};
      for (const kind of order) {
        const where = `[${workload.id} ${round}/${rounds}] ${kind}`;
        try {
          measured[kind] = await ready.get(kind).plan.run(seconds);
          log(`${where}: ${formatResult(measured[kind])}`);
        } catch (error) {
          log(`${where}: FAILED ${error.message}`);
          problem(`${workload.title}, ${kind} (round ${round}): ${error.message.split('\n')[0]}`);
        }
      }
      results.push(measured);
    }
    return results;
  } finally {
    for (const { server, plan } of ready.values()) {
      plan.cleanup?.();
      await stop(server);
    }
  }
}

/** One wrk result on one line, for the progress log. */
export function formatResult(r) {
  const failures = r.non2xx + r.socketErrors ? `, ${r.non2xx} non-2xx, ${r.socketErrors} socket errors` : '';
  const cpu = r.cpuUsPerRequest === undefined ? '' : `, ${r.cpuUsPerRequest.toFixed(1)} µs CPU/request`;
  return `${Math.round(r.rps).toLocaleString('en-US')} req/s, p99 ${r.p99Ms.toFixed(2)} ms${cpu}${failures}`;
}
