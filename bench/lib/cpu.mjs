/**
 * CPU placement and CPU accounting for the bench.
 *
 * Placement: on a 2-core machine the servers run pinned to one core and wrk to the other
 * (`taskset -c`), so the load generator never steals the server's core and every server gets
 * the same single core. Accounting: the CPU time a server's whole process group spent during a
 * measured interval, from /proc/PID/stat (utime + stime, every thread of every process, in clock
 * ticks), so "CPU µs per request" is measured, not inferred from throughput.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { groupPids } from './processes.mjs';

/** Clock ticks per second for /proc/PID/stat times (`getconf CLK_TCK`, 100 on Linux). */
export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * @typedef {object} Placement
 * @property {string|undefined} server  cpu list for the servers (taskset -c), undefined = unpinned
 * @property {string|undefined} load    cpu list for wrk
 */

/**
 * The default placement: servers on CPU 0, wrk on CPU 1, when the machine has two CPUs or more
 * and `taskset` exists; unpinned otherwise (or when `pin` is false).
 * @returns {Placement}
 */
export function placement({ pin = true, serverCpus = '0', loadCpus = '1' } = {}) {
  if (!pin) return { server: undefined, load: undefined };
  if (spawnSync('taskset', ['--version'], { stdio: 'ignore' }).error)
    throw new Error('taskset is missing (util-linux); pass --no-pin to measure unpinned');
  if (availableParallelism() < 2) throw new Error('pinning needs 2 CPUs; pass --no-pin');
  return { server: serverCpus, load: loadCpus };
}

/** `[command, args]` prefixed with `taskset -c CPUS` when `cpus` is set. */
export function pinned(cpus, command, args) {
  return cpus === undefined ? [command, args] : ['taskset', ['-c', cpus, command, ...args]];
}

/** utime + stime of one process, in clock ticks (0 once it is gone). */
function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the parenthesised command: state(0) ppid pgrp session tty tpgid flags minflt
    // cminflt majflt cmajflt utime(11) stime(12).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by every live process of process group `pgid`. */
export function groupCpuSeconds(pgid) {
  return groupPids(pgid).reduce((sum, pid) => sum + processTicks(pid), 0) / CLOCK_TICKS;
}
