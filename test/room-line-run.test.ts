import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RoomEvent } from '../src/thread-messages.ts';
import { LocalRooms } from '../workers/connection/local-rooms.ts';
import { type RoomEventEncoder, type RoomEventFilter, RoomLineRun } from '../workers/connection/room-line-run.ts';

/** An encoder that counts its calls and shows each event as `<tag>:<text>`. */
function countingEncoder(tag: string): RoomEventEncoder & { calls: number } {
  return {
    calls: 0,
    encode(events) {
      this.calls++;
      return Buffer.from(events.map((event) => `${tag}:${event.text};`).join(''));
    },
  };
}

class Member {
  readonly roomEncoder: RoomEventEncoder;
  readonly roomEventFilter: RoomEventFilter | undefined;
  readonly written: { bytes: Buffer; lines: number }[] = [];
  readonly output = { write: (bytes: Buffer, lines: number) => this.written.push({ bytes, lines }) };
  constructor(encoder: RoomEventEncoder, filter?: RoomEventFilter) {
    this.roomEncoder = encoder;
    this.roomEventFilter = filter;
  }
}

const say = (room: string, seq: number, text: string): RoomEvent => ({ room, seq, kind: 'say', nick: 'alice', text, timeMs: 0 });

test('a run is encoded once per dialect among the room’s members, and members of a dialect share its Buffer', () => {
  const line = countingEncoder('line');
  const other = countingEncoder('other');
  const rooms = new LocalRooms<Member>();
  // Interleaved, so the encoders alternate as the members are visited.
  const members = [new Member(line), new Member(other), new Member(line), new Member(other), new Member(line)];
  for (const member of members) rooms.add('lobby', member);
  const run = new RoomLineRun(rooms);
  assert.equal(run.add(say('lobby', 1, 'a')), true, 'the first event starts a run');
  assert.equal(run.add(say('lobby', 2, 'b')), false);
  run.close();
  assert.equal(line.calls, 1);
  assert.equal(other.calls, 1);
  for (const member of members) {
    assert.equal(member.written.length, 1);
    assert.equal(member.written[0]!.lines, 2);
    assert.equal(member.written[0]!.bytes.toString(), member.roomEncoder === line ? 'line:a;line:b;' : 'other:a;other:b;');
    assert.equal(member.written[0]!.bytes, (members.find((m) => m.roomEncoder === member.roomEncoder) ?? member).written[0]!.bytes);
  }
});

test('a run ends at another room; a room without local members costs no encoding', () => {
  const line = countingEncoder('line');
  const rooms = new LocalRooms<Member>();
  const member = new Member(line);
  rooms.add('dev', member);
  const run = new RoomLineRun(rooms);
  run.add(say('lobby', 1, 'x'));
  assert.equal(run.add(say('dev', 1, 'a')), true);
  run.add(say('dev', 2, 'b'));
  assert.equal(run.add(say('lobby', 2, 'y')), true);
  run.close();
  run.close();
  assert.equal(line.calls, 1);
  assert.deepEqual(
    member.written.map(({ bytes, lines }) => [bytes.toString(), lines]),
    [['line:a;line:b;', 2]],
  );
});

test('a member with a filter gets its own encoding of what it keeps; the others still share one Buffer', () => {
  const irc = { ...countingEncoder('irc'), filtered: true };
  const rooms = new LocalRooms<Member>();
  const notOwn: RoomEventFilter = (events) =>
    events.some((event) => event.text === 'own') ? events.filter((event) => event.text !== 'own') : undefined;
  const sender = new Member(irc, notOwn);
  const others = [new Member(irc, () => undefined), new Member(irc, () => undefined)];
  const silent = new Member(irc, () => []);
  for (const member of [...others, sender, silent]) rooms.add('dev', member);
  const run = new RoomLineRun(rooms);
  run.add(say('dev', 1, 'a'));
  run.add(say('dev', 2, 'own'));
  run.close();
  assert.equal(sender.written[0]!.bytes.toString(), 'irc:a;');
  assert.equal(sender.written[0]!.lines, 1);
  assert.equal(others[0]!.written[0]!.bytes, others[1]!.written[0]!.bytes, 'shared');
  assert.equal(others[0]!.written[0]!.bytes.toString(), 'irc:a;irc:own;');
  assert.deepEqual(silent.written, [], 'nothing kept: nothing written');
  assert.equal(irc.calls, 2, 'once shared, once for the member that filtered');
});

test('an encoder that does not filter never asks its members’ filters', () => {
  const line = countingEncoder('line');
  const rooms = new LocalRooms<Member>();
  const member = new Member(line, () => assert.fail('asked'));
  rooms.add('dev', member);
  const run = new RoomLineRun(rooms);
  run.add(say('dev', 1, 'a'));
  run.close();
  assert.equal(member.written[0]!.bytes.toString(), 'line:a;');
});

test('encodings per run count the dialects among its members, never more', () => {
  const line = countingEncoder('line');
  const other = countingEncoder('other');
  const rooms = new LocalRooms<Member>();
  for (const member of [new Member(line), new Member(line), new Member(line)]) rooms.add('lobby', member);
  for (const member of [new Member(line), new Member(other), new Member(line), new Member(other)]) rooms.add('dev', member);
  const run = new RoomLineRun(rooms);
  run.add(say('lobby', 1, 'a'));
  run.add(say('lobby', 2, 'b'));
  run.close();
  assert.deepEqual(run.counters, { roomRuns: 1, roomRunEncodings: 1 }, 'members of one dialect: one encoding');
  run.add(say('dev', 1, 'c'));
  run.close();
  assert.deepEqual(run.counters, { roomRuns: 2, roomRunEncodings: 3 }, 'members of two dialects, interleaved: two encodings');
  run.add(say('nowhere', 1, 'd'));
  run.close();
  assert.deepEqual(run.counters, { roomRuns: 2, roomRunEncodings: 3 }, 'a room without local members is no run handed out');
  assert.equal(line.calls + other.calls, run.counters.roomRunEncodings);
});
