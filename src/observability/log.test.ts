import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createPinoLogger, tesseraLoggerOf, wantsPretty } from './log.js';
import { formatLine } from './pretty-lines.js';

function capture(): { stream: PassThrough; lines: () => Record<string, unknown>[]; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const text = () => chunks.join('');
  return {
    stream,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('structured logs', () => {
  it('writes JSON lines with the level by name and the fields given', () => {
    const out = capture();
    const log = createPinoLogger({ level: 'info', format: 'json', destination: out.stream });
    log.info({ request_id: 'r-1' }, 'listening');
    log.debug('not at this level');
    const [line, ...rest] = out.lines();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ level: 'info', request_id: 'r-1', msg: 'listening' });
    expect(typeof line?.time).toBe('number');
  });

  it('redacts credentials wherever a logged object holds them', () => {
    const out = capture();
    const log = tesseraLoggerOf(createPinoLogger({ level: 'info', format: 'json', destination: out.stream }));
    log.info('oops', {
      password: 'hunter2-password',
      body: { refresh: 'eyJhbGciOiJIUzI1NiJ9.e30.sig', token: 'tok-123' },
      req: { headers: { authorization: 'Bearer eyJabc', cookie: 'tessera_admin=s3cret', 'set-cookie': 'x=y' } },
      username: 'alice',
    });
    const text = out.text();
    for (const secret of ['hunter2-password', 'eyJhbGciOiJIUzI1NiJ9', 'tok-123', 'Bearer eyJabc', 's3cret', 'x=y'])
      expect(text).not.toContain(secret);
    expect(out.lines()[0]).toMatchObject({ username: 'alice', password: '[redacted]', msg: 'oops' });
  });

  it('is human-readable in development on a terminal, JSON otherwise', () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true });
    expect(wantsPretty('auto', tty, false)).toBe(true);
    expect(wantsPretty('auto', tty, true)).toBe(false);
    expect(wantsPretty('auto', new PassThrough(), false)).toBe(false);
    expect(wantsPretty('pretty', new PassThrough(), true)).toBe(true);
    expect(wantsPretty('json', tty, false)).toBe(false);

    const out = capture();
    createPinoLogger({ level: 'info', format: 'pretty', destination: out.stream }).warn({ port: 8000 }, 'listening');
    expect(out.text()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN  listening port=8000\n$/);
  });

  it('formats errors with their stack and passes through lines that are not JSON', () => {
    const error = new Error('boom');
    const line = formatLine(
      JSON.stringify({ level: 50, time: 0, msg: 'failed', err: { type: 'Error', message: 'boom', stack: error.stack } }),
    );
    expect(line).toMatch(/^00:00:00\.000 ERROR failed\n {2}Error: boom\n/);
    expect(formatLine('plain text')).toBe('plain text');
  });
});
