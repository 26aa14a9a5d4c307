import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BusRoomEvent } from '../../src/bus/bus.ts';
import {
  decodeEvent,
  decodeLiveMessage,
  decodeNickHolder,
  encodeEvent,
  encodeNickHolder,
  seqOfStreamId,
  streamId,
} from '../../src/bus/redis-wire.ts';

const event: BusRoomEvent = {
  kind: 'say',
  nick: 'alice',
  text: 'two words | a bar, "quotes" and ünïcode',
  timeMs: 1_765_000_000_123,
  node: 'a1b2c3',
  connectionId: 42,
};

test('a live message carries seq, epoch and the event, whatever the text holds', () => {
  const message = `17 e9f0 ${encodeEvent(event)}`;
  assert.deepEqual(decodeLiveMessage('lobby', message), { ...event, room: 'lobby', epoch: 'e9f0', seq: 17, prevSeq: 16 });
});

test('a stream entry decodes with the previous sequence one below its own', () => {
  assert.equal(streamId(9), '9-0');
  assert.equal(seqOfStreamId('9-0'), 9);
  assert.deepEqual(decodeEvent('dev', 'e1', 1, encodeEvent(event)), { ...event, room: 'dev', epoch: 'e1', seq: 1, prevSeq: 0 });
});

test('a nick holder round-trips through its key value', () => {
  const holder = { nick: 'Alice_-9', node: 'a1b2c3', connectionId: 7 };
  assert.equal(encodeNickHolder(holder), 'a1b2c3|7|Alice_-9');
  assert.deepEqual(decodeNickHolder(encodeNickHolder(holder)), holder);
});
