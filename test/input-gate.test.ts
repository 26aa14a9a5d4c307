// InputGate over real streams: reading pauses while either reason holds, resumes when neither does,
// starts new sockets paused during a pause, and never resumes anything once shutdown has stopped reading.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { InputGate, type PauseReason } from '../workers/connection/input-gate.ts';

function gateOver(streams: PassThrough[]) {
  const changes: [boolean, PauseReason][] = [];
  const gate = new InputGate(
    () => streams,
    (paused, reason) => changes.push([paused, reason]),
  );
  for (const stream of streams) stream.resume();
  return { gate, changes };
}

describe('InputGate', () => {
  test('paused while either reason holds; time and pauses counted', () => {
    const streams = [new PassThrough(), new PassThrough()];
    const { gate, changes } = gateOver(streams);
    gate.set('backlog', true, 1000);
    assert.ok(streams.every((stream) => stream.isPaused()));
    gate.set('overload', true, 1100);
    gate.set('backlog', false, 1200);
    assert.ok(
      streams.every((stream) => stream.isPaused()),
      'the overload still holds',
    );
    gate.set('overload', false, 1500);
    assert.ok(streams.every((stream) => !stream.isPaused()));
    assert.deepEqual(changes, [
      [true, 'backlog'],
      [false, 'overload'],
    ]);
    assert.deepEqual(gate.stats(2000), { backpressureMs: 500, backpressurePauses: 1 });
  });

  test('a socket adopted during a pause starts paused and resumes with the others', () => {
    const streams = [new PassThrough()];
    const { gate } = gateOver(streams);
    gate.set('overload', true, 0);
    const late = new PassThrough();
    late.resume();
    gate.adopt(late);
    streams.push(late);
    assert.ok(late.isPaused());
    gate.set('overload', false, 10);
    assert.ok(!late.isPaused());
  });

  test('after shutdown nothing resumes a socket', () => {
    const streams = [new PassThrough(), new PassThrough()];
    const { gate } = gateOver(streams);
    gate.set('backlog', true, 0);
    gate.shut();
    for (const stream of streams) stream.pause(); // what shutdown does to every session
    gate.set('backlog', false, 10);
    assert.ok(
      streams.every((stream) => stream.isPaused()),
      'shutdown paused them for good',
    );
    const late = new PassThrough();
    late.resume();
    gate.adopt(late);
    assert.ok(late.isPaused());
  });
});
