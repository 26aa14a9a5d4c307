import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorLine } from '../src/protocol/errors.ts';
import { isValidNick, maxNickLength, maxRoomNameLength, normalizeRoomName, reservedRoomNames } from '../src/protocol/names.ts';

// The sentences quote the limits names.ts enforces, so they cannot drift apart.
test('NICK_INVALID quotes the longest nick isValidNick accepts', () => {
  assert.ok(isValidNick('a'.repeat(maxNickLength)) && !isValidNick('a'.repeat(maxNickLength + 1)));
  assert.match(errorLine('NICK_INVALID', '2bob'), new RegExp(`use 1-${maxNickLength} letters`));
});

test('ROOM_INVALID quotes the longest room name and the reserved names normalizeRoomName refuses', () => {
  assert.ok(normalizeRoomName('r'.repeat(maxRoomNameLength)) && !normalizeRoomName('r'.repeat(maxRoomNameLength + 1)));
  const line = errorLine('ROOM_INVALID', 'b@d');
  assert.match(line, new RegExp(`use 1-${maxRoomNameLength} letters`));
  for (const name of reservedRoomNames) {
    assert.equal(normalizeRoomName(name), undefined);
    assert.ok(line.includes(`"${name}"`), line);
  }
});
