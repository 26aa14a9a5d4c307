import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseServerLine } from '../../src/client/server-line.ts';
import { rejoinCommands, SessionState } from '../../src/client/session-state.ts';
import { errorLine } from '../../src/protocol/errors.ts';
import { helloLine, infoLine, joinedNotice, quitNotice } from '../../src/protocol/server-lines.ts';

function feed(state: SessionState, ...lines: string[]) {
  return lines.map((line) => state.observe(parseServerLine(line.replace(/\n$/, ''))));
}
const hello = (nick: string) => helloLine(nick, 'lobby');
const greeting = '-- Welcome to roomcast. Choose a nickname (1-24 characters: letters, digits, _ and -; starts with a letter or _):';

test('a known nick is claimed on connect; the hello puts the session in the lobby', () => {
  const state = new SessionState('ann');
  assert.equal(state.connected(), 'ann');
  assert.equal(state.phase, 'claiming');
  assert.deepEqual(feed(state, hello('ann')), [{ kind: 'welcomed', rejoin: [] }]);
  assert.deepEqual([state.phase, state.rooms, state.currentRoom], ['chatting', ['lobby'], 'lobby']);
});

test('a taken nick sends the session back to naming, and the next typed nick goes out', () => {
  const state = new SessionState('ann');
  state.connected();
  assert.deepEqual(feed(state, errorLine('NICK_TAKEN', 'ann')), [{ kind: 'nick-refused' }]);
  assert.equal(state.phase, 'naming');
  assert.equal(state.nick, undefined);
  assert.equal(state.chooseNick('ann2'), true);
  assert.equal(state.phase, 'claiming');
  feed(state, hello('ann2'));
  assert.equal(state.nick, 'ann2');
});

test('without a nick the session waits in naming; a nick typed while offline is kept for the connect', () => {
  const state = new SessionState(undefined);
  assert.equal(state.chooseNick('ann'), false);
  assert.equal(state.connected(), 'ann');
  const fresh = new SessionState(undefined);
  assert.equal(fresh.connected(), undefined);
  assert.equal(fresh.phase, 'naming');
});

test('a NICK_TAKEN answer to /nick while chatting is only shown', () => {
  const state = new SessionState('ann');
  state.connected();
  feed(state, hello('ann'));
  assert.deepEqual(feed(state, errorLine('NICK_TAKEN', 'ben')), [{ kind: 'none' }]);
  assert.deepEqual([state.phase, state.nick], ['chatting', 'ann']);
});

test('joins, switches, parts and renames follow the server, not the typing', () => {
  const state = new SessionState('ann');
  state.connected();
  feed(
    state,
    hello('ann'),
    joinedNotice('dev', 'ann'),
    joinedNotice('ops', 'ben'), // someone else's join is not ours
    joinedNotice('ops', 'ann'),
    infoLine('Your current room is dev.'),
  );
  assert.deepEqual([state.rooms, state.currentRoom], [['lobby', 'dev', 'ops'], 'dev']);
  feed(state, infoLine('You left dev. Your current room is ops.'));
  assert.deepEqual([state.rooms, state.currentRoom], [['lobby', 'ops'], 'ops']);
  feed(state, infoLine('You are now known as anna.'), joinedNotice('qa', 'anna'));
  assert.deepEqual([state.nick, state.rooms, state.currentRoom], ['anna', ['lobby', 'ops', 'qa'], 'qa']);
  feed(
    state,
    infoLine('You left lobby. Your current room is qa.'),
    infoLine('You left ops. Your current room is qa.'),
    infoLine('You left qa. You are in no room now.'),
  );
  assert.deepEqual([state.rooms, state.currentRoom], [[], undefined]);
});

test('rejoin commands rebuild rooms, their order and the current room from a fresh lobby session', () => {
  assert.deepEqual(rejoinCommands({ rooms: ['lobby'], currentRoom: 'lobby' }), []);
  assert.deepEqual(rejoinCommands({ rooms: ['lobby', 'dev', 'ops'], currentRoom: 'ops' }), ['/join dev', '/join ops']);
  assert.deepEqual(rejoinCommands({ rooms: ['lobby', 'dev', 'ops'], currentRoom: 'dev' }), ['/join dev', '/join ops', '/switch dev']);
  assert.deepEqual(rejoinCommands({ rooms: ['dev', 'lobby'], currentRoom: 'lobby' }), ['/part lobby', '/join dev', '/join lobby']);
  assert.deepEqual(rejoinCommands({ rooms: [], currentRoom: undefined }), ['/part lobby']);
});

test('after a lost connection the next hello asks to re-join, and a re-join cut short is retried in full', () => {
  const state = new SessionState('ann');
  state.connected();
  feed(state, hello('ann'), joinedNotice('dev', 'ann'), infoLine('Your current room is lobby.'));
  state.disconnected();
  assert.equal(state.phase, 'offline');
  assert.deepEqual([state.rooms, state.currentRoom], [['lobby', 'dev'], 'lobby'], 'rooms survive the outage');

  state.connected();
  assert.deepEqual(feed(state, hello('ann')), [{ kind: 'welcomed', rejoin: ['/join dev', '/switch lobby'] }]);
  feed(state, joinedNotice('dev', 'ann'));
  state.disconnected(); // before the /switch was answered
  assert.deepEqual([state.rooms, state.currentRoom], [['lobby', 'dev'], 'lobby']);

  state.connected();
  assert.deepEqual(feed(state, hello('ann')), [{ kind: 'welcomed', rejoin: ['/join dev', '/switch lobby'] }]);
  feed(state, joinedNotice('dev', 'ann'), infoLine('Your current room is lobby.'));
  feed(state, infoLine('You left dev. Your current room is lobby.'));
  state.disconnected();
  assert.deepEqual(state.rooms, ['lobby'], 'a completed re-join is forgotten; later parts count');
});

test('a join notice that arrives after the answer to a later /switch does not steal the current room', () => {
  const state = new SessionState('ann');
  state.connected();
  feed(state, hello('ann'));
  for (const line of ['/join dev', '/join ops', '/switch dev']) state.sent(line);
  feed(state, infoLine('Your current room is dev.'), joinedNotice('dev', 'ann'), joinedNotice('ops', 'ann'));
  assert.deepEqual([state.rooms, state.currentRoom], [['lobby', 'dev', 'ops'], 'dev']);

  // The other way round: the /join came after the /switch, so its notice makes its room current.
  state.sent('/switch lobby');
  state.sent('/join #QA2');
  feed(state, infoLine('Your current room is lobby.'), joinedNotice('qa2', 'ann'));
  assert.equal(state.currentRoom, 'qa2');
});

test('the nickname question is not asked when the nick is already on its way; after a refusal it is', () => {
  const state = new SessionState('ann');
  state.connected();
  assert.deepEqual(feed(state, greeting), [{ kind: 'unasked' }]);
  assert.deepEqual(feed(state, errorLine('NICK_TAKEN', 'ann'), greeting), [{ kind: 'nick-refused' }, { kind: 'none' }]);
  const asked = new SessionState(undefined);
  asked.connected();
  assert.deepEqual(feed(asked, greeting), [{ kind: 'none' }], 'without a nick the question is the prompt');
  // On a reconnect the nick is claimed at once, so the question is not asked again either.
  feed(state, hello('ann2'));
  state.disconnected();
  state.connected();
  assert.deepEqual(feed(state, greeting, hello('ann2')), [{ kind: 'unasked' }, { kind: 'welcomed', rejoin: [] }]);
});

test('members are learnt from lines seen and forgotten with the room or the session', () => {
  const state = new SessionState('ann');
  state.connected();
  feed(state, hello('ann'), joinedNotice('lobby', 'ben'), joinedNotice('dev', 'ann'), '[dev] <cy> hi');
  assert.deepEqual(state.members.of('lobby'), ['ben']);
  assert.deepEqual(state.members.of('dev'), ['ann', 'cy']);
  feed(state, infoLine('You left dev. Your current room is lobby.'));
  assert.deepEqual(state.members.of('dev'), []);
  feed(state, quitNotice('lobby', 'ben', 'bye'));
  assert.deepEqual(state.members.of('lobby'), []);
  feed(state, joinedNotice('lobby', 'dora'));
  state.disconnected();
  assert.deepEqual(state.members.all(), [], 'stale after an outage');
});
