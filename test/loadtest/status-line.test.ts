import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeStatusLine } from '../../bench/loadtest/status-line.ts';

/** What a terminal shows after a stream of progress bar output: the last frame of each finished line. */
function fakeTerminal(isTTY: boolean) {
  const written: string[] = [];
  const stream = { isTTY, columns: 200, write: (text: string) => written.push(text) > 0 };
  const screenLines = (): string[] =>
    written
      .join('')
      .replace(/\u001b\[\?\d+[hl]|\u001b[78]|\u001b\[0K/g, '')
      .split(/\r?\n/)
      .map((line) => line.split('\u001b[1G').at(-1) ?? '')
      .filter((line) => line.trim() !== '');
  return { stream: stream as unknown as NodeJS.WriteStream, screenLines };
}

test('on a terminal each phase ends showing its true final figures, never past its total', () => {
  const { stream, screenLines } = fakeTerminal(true);
  const status = makeStatusLine(true, stream);
  status.phase('connect', 50);
  status.update(0, '0 ready, 0 failed, 50 pending');
  status.finish(50, '50 ready, 0 failed, 0 pending in 0.90 s');
  status.phase('run', 3);
  status.update(7, 'past the end');
  status.finish(3, 'sent 1,200');
  status.phase('drain', 5);
  status.finish(0.4, 's, delivered 90,000');
  const lines = screenLines();
  assert.equal(lines.length, 3, lines.join('\n'));
  assert.match(lines[0], /^connect\s+\|█+\| 50\/50 50 ready, 0 failed, 0 pending in 0\.90 s$/);
  assert.match(lines[1], /^run\s+\|█+\| 3\/3 sent 1,200$/);
  assert.match(lines[2], /^drain\s+\|.*\| 0\.4\/5 s, delivered 90,000$/);
});

test('elsewhere one plain line per finished phase; quiet says nothing', () => {
  const log = fakeTerminal(false);
  const status = makeStatusLine(true, log.stream);
  status.phase('connect', 10);
  status.update(3, 'ignored off a terminal');
  status.finish(10, '10 ready');
  assert.deepEqual(log.screenLines(), ['connect  10/10 10 ready']);
  const quiet = fakeTerminal(true);
  const silent = makeStatusLine(false, quiet.stream);
  silent.phase('connect', 10);
  silent.finish(10, '10 ready');
  assert.deepEqual(quiet.screenLines(), []);
});
