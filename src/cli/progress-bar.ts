/** A one-line progress bar for long CLI commands, drawn only on a terminal. */

/** What a progress bar is told: which phase, how far, out of how many. */
export type ProgressCallback = (phase: string, done: number, total: number) => void;

/** The part of a stream the bar needs. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * A progress callback drawing `phase [#####.....] done/total` over itself on `stream`, at most
 * every `intervalMs` (and always at the end of a phase), or `undefined` when `stream` is not a
 * terminal: logs and pipes get only the final summary.
 *
 * @example
 * ```ts
 * const onProgress = progressBar(process.stderr);
 * onProgress?.('users', 120, 500);   // "users   [#######.......................] 120/500"
 * ```
 */
export function progressBar(stream: ProgressStream, intervalMs = 50, clock: () => number = Date.now): ProgressCallback | undefined {
  if (stream.isTTY !== true) return undefined;
  let last = Number.NEGATIVE_INFINITY;
  return (phase, done, total) => {
    const now = clock();
    if (done !== total && now - last < intervalMs) return;
    last = now;
    const width = 30;
    const filled = total === 0 ? width : Math.min(width, Math.round((done / total) * width));
    stream.write(`\r${phase.padEnd(7)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
    if (done === total) stream.write('\n');
  };
}
