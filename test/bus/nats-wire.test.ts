import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BusRoomEvent } from '../../src/bus/bus.ts';
import { decodeBusEvent, encodeBusEvent } from '../../src/bus/nats-wire.ts';

test('a room event round-trips through its wire form, field names left out', () => {
  const event: BusRoomEvent = {
    kind: 'me',
    nick: 'Al',
    text: 'waves "hi" | ünïcode',
    timeMs: 1_796_140_000_000,
    node: 'n1',
    connectionId: 42,
  };
  const wire = encodeBusEvent(event);
  assert.ok(!wire.includes('nick'));
  assert.deepEqual(decodeBusEvent(wire), event);
});
