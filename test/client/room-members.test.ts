import assert from 'node:assert/strict';
import { test } from 'node:test';
import { maxKnownNicksPerRoom, maxKnownRooms, RoomMembers } from '../../src/client/room-members.ts';
import { parseServerLine } from '../../src/client/server-line.ts';
import { chatLine, joinedNotice, leftNotice, quitNotice, renamedNotice } from '../../src/protocol/server-lines.ts';

function seen(members: RoomMembers, ...lines: string[]): RoomMembers {
  for (const line of lines) members.observe(parseServerLine(line.replace(/\n$/, '')));
  return members;
}

test('join, part, quit and rename notices and the lines seen keep the members', () => {
  const members = seen(
    new RoomMembers(),
    joinedNotice('lobby', 'ben'),
    chatLine('lobby', 'cy', 'hi'),
    '[lobby] * dora waves',
    joinedNotice('dev', 'eve'),
  );
  assert.deepEqual(members.of('lobby'), ['ben', 'cy', 'dora']);
  seen(members, leftNotice('lobby', 'ben'), quitNotice('lobby', 'cy', 'off (for now)'), renamedNotice('lobby', 'dora', 'Dory'));
  assert.deepEqual(members.of('lobby'), ['Dory']);
  seen(members, quitNotice('lobby', 'DORY', ''));
  assert.deepEqual(members.of('lobby'), [], 'nicks are one to the server whatever their case');
  assert.deepEqual(members.of('dev'), ['eve']);
  assert.deepEqual(members.of('nowhere'), []);
});

test('replayed lines count too: the history a joiner gets names recent members', () => {
  const members = seen(
    new RoomMembers(),
    `-- 2026-12-01 10:00:00Z ${joinedNotice('dev', 'ben')}`,
    `-- 2026-12-01 10:01:00Z ${chatLine('dev', 'cy', 'hi')}`,
    `-- 2026-12-01 10:02:00Z ${quitNotice('dev', 'cy', '')}`,
  );
  assert.deepEqual(members.of('dev'), ['ben']);
});

test('a /who answer replaces what was guessed, unless it was cut short', () => {
  const members = seen(new RoomMembers(), joinedNotice('dev', 'gone'));
  seen(members, '-- dev (3): ann, ben, cy');
  assert.deepEqual(members.of('dev'), ['ann', 'ben', 'cy']);
  seen(members, '-- dev (300): dora, eve, and 298 more');
  assert.deepEqual(members.of('dev'), ['ann', 'ben', 'cy', 'dora', 'eve']);
  seen(members, '-- nobody is in qa', '-- rooms: dev (3), lobby (1)');
  assert.deepEqual(members.all(), ['ann', 'ben', 'cy', 'dora', 'eve'], 'other answers are not member lists');
});

test('what a room or a server can make the client remember is bounded', () => {
  const members = new RoomMembers();
  for (let i = 0; i < maxKnownNicksPerRoom + 10; i++) seen(members, joinedNotice('big', `n${i}`));
  assert.equal(members.of('big').length, maxKnownNicksPerRoom);
  for (let i = 0; i < maxKnownRooms + 10; i++) seen(members, joinedNotice(`r${i}`, 'ann'));
  assert.equal(members.of(`r${maxKnownRooms + 5}`).length, 0);
  members.forget();
  assert.deepEqual(members.all(), []);
});
