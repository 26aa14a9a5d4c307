import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderHistory, renderLine, renderLines } from '../src/protocol/room-event-lines.ts';
import type { RoomEvent, RoomEventKind } from '../src/thread-messages.ts';

const at = Date.UTC(2026, 11, 1, 10, 42, 7);
const event = (kind: RoomEventKind, text = '', seq = 7): RoomEvent => ({ room: 'lobby', seq, kind, nick: 'alice', text, timeMs: at });

test('each kind of room event is the line the line protocol has always sent; the sequence number is not shown', () => {
  assert.equal(renderLine(event('say', 'hi there')), '[lobby] <alice> hi there\n');
  assert.equal(renderLine(event('me', 'waves')), '[lobby] * alice waves\n');
  assert.equal(renderLine(event('join')), '[lobby] -- alice joined\n');
  assert.equal(renderLine(event('part')), '[lobby] -- alice left\n');
  assert.equal(renderLine(event('quit')), '[lobby] -- alice quit\n');
  assert.equal(renderLine(event('quit', 'bye')), '[lobby] -- alice quit (bye)\n');
  assert.equal(renderLine(event('rename', 'alicia')), '[lobby] -- alice is now known as alicia\n');
  assert.equal(renderLine(event('say', 'x', 1)), renderLine(event('say', 'x', 99)));
});

test('a run is its lines in order; history is a header and each line marked with its time', () => {
  assert.equal(renderLines([event('join'), event('say', 'hi')]), '[lobby] -- alice joined\n[lobby] <alice> hi\n');
  assert.equal(renderHistory('lobby', []), '-- no earlier messages of lobby.\n');
  assert.equal(
    renderHistory('lobby', [event('say', 'hi')]),
    '-- the last message of lobby (earlier, times in UTC):\n-- 2026-12-01 10:42:07Z [lobby] <alice> hi\n',
  );
});
