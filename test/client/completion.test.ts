import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandNames, complete, type CompletionContext } from '../../src/client/completion.ts';

const context: CompletionContext = {
  roomNicks: ['ann', 'Bella', 'ben', 'cy'],
  allNicks: ['ann', 'Bella', 'ben', 'cy', 'dora'],
  rooms: ['lobby', 'dev', 'devops'],
  ownNick: 'ann',
};

test('commands complete at the start of a line, the server’s and the client’s own', () => {
  assert.deepEqual(complete('/jo', context), [['/join '], '/jo']);
  assert.deepEqual(complete('/q', context), [['/query', '/quit'], '/q']);
  assert.deepEqual(complete('/R', context), [['/r', '/rooms'], '/R']);
  assert.ok(commandNames.includes('/history') && commandNames.includes('/stats') && commandNames.includes('/query'));
});

test('nicks of the current room complete in text; a nick that starts the line gets a colon', () => {
  assert.deepEqual(complete('c', context), [['cy: '], 'c']);
  assert.deepEqual(complete('hi c', context), [['cy '], 'c']);
  assert.deepEqual(complete('hi b', context), [['Bella', 'ben'], 'b'], 'several are listed, case ignored');
  assert.deepEqual(complete('hi a', context), [[], 'a'], 'not your own nick');
  assert.deepEqual(complete('hi d', context), [[], 'd'], 'dora is not in this room');
  assert.deepEqual(complete('hi ', context), [[], ''], 'nothing typed, nothing offered');
});

test('after /msg, /query and /kick any known nick completes; after /join, /switch and /part a room', () => {
  assert.deepEqual(complete('/msg d', context), [['dora '], 'd']);
  assert.deepEqual(complete('/QUERY do', context), [['dora '], 'do']);
  assert.deepEqual(complete('/switch dev', context), [['dev', 'devops'], 'dev']);
  assert.deepEqual(complete('/part l', context), [['lobby '], 'l']);
  assert.deepEqual(complete('/msg dora d', context), [[], 'd'], 'the message text completes room nicks, and dora is not here');
});
