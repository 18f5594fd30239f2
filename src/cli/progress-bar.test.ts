import { describe, expect, it } from 'vitest';
import { progressBar } from './progress-bar.js';

function recorder(isTTY: boolean): { stream: { isTTY: boolean; write(text: string): void }; text: () => string } {
  const chunks: string[] = [];
  return { stream: { isTTY, write: (text: string) => chunks.push(text) }, text: () => chunks.join('') };
}

describe('progressBar', () => {
  it('draws nothing when the stream is not a terminal', () => {
    expect(progressBar(recorder(false).stream)).toBeUndefined();
  });

  it('redraws one line over itself and ends each phase with a newline', () => {
    const { stream, text } = recorder(true);
    let now = 0;
    const onProgress = progressBar(stream, 50, () => now);
    onProgress?.('users', 1, 4);
    now = 10;
    onProgress?.('users', 2, 4); // within the interval: skipped
    now = 100;
    onProgress?.('users', 3, 4);
    now = 110;
    onProgress?.('users', 4, 4); // the end of a phase is always drawn
    expect(text()).toBe(
      `\rusers   [########${'.'.repeat(22)}] 1/4` +
        `\rusers   [#######################${'.'.repeat(7)}] 3/4` +
        `\rusers   [${'#'.repeat(30)}] 4/4\n`,
    );
  });
});
