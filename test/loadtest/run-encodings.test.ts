// The mixed scenario's counter, read from a server's stats records: encodings per room run when the
// workers report roomRuns and roomRunEncodings, null (not counted) while they do not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runEncodings } from '../../bench/macro/run-encodings.ts';

const record = (workers: object[]): string => `${JSON.stringify({ level: 30, msg: 'stats', stats: { workers } })}\n`;

test('the last stats record, summed over workers', () => {
  const output =
    record([{ roomRuns: 1, roomRunEncodings: 1 }]) +
    '{"level":30,"msg":"something else"}\n' +
    record([
      { roomRuns: 100, roomRunEncodings: 250 },
      { roomRuns: 60, roomRunEncodings: 150 },
    ]);
  assert.deepEqual(runEncodings(output, 3), { roomRuns: 160, roomRunEncodings: 400, encodingsPerRun: 2.5, dialectsPresent: 3 });
});

test('not counted without the counters, without stats records, or with no runs yet', () => {
  assert.equal(runEncodings(record([{ deliveriesOut: 5 }]), 3), null);
  assert.equal(runEncodings('{"level":30,"msg":"roomcast listening on 127.0.0.1:1 (line protocol)"}\n', 3), null);
  assert.equal(runEncodings(record([{ roomRuns: 0, roomRunEncodings: 0 }]), 3)?.encodingsPerRun, 0);
});
