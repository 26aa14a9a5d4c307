import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { promptFor, styleServerLine, styleStatus } from '../../src/client/presentation.ts';
import { parseServerLine } from '../../src/client/server-line.ts';

const show = (raw: string, own: string | undefined, colour: boolean) => styleServerLine(raw, parseServerLine(raw), own, colour);

test('the prompt shows what the next line will do', () => {
  assert.equal(promptFor({ phase: 'naming', nick: undefined, currentRoom: undefined }), 'nickname> ');
  assert.equal(promptFor({ phase: 'chatting', nick: 'ann', currentRoom: 'lobby' }), '[lobby]> ');
  assert.equal(promptFor({ phase: 'chatting', nick: 'ann', currentRoom: undefined }), '[no room]> ');
  assert.equal(promptFor({ phase: 'offline', nick: 'ann', currentRoom: 'dev' }), '(offline) [dev]> ');
});

test('without colour every line is printed exactly as received', () => {
  for (const raw of ['[lobby] <ann> hi', '!! NICK_TAKEN The nickname "ann" is already in use.', '[pm] <ben> psst', '-- Bye.']) {
    assert.equal(show(raw, 'ann', false), raw);
  }
  assert.equal(styleStatus('lost the connection', false), '** lost the connection');
});

test('with colour, errors, private messages and the own nick are marked and the text is unchanged', () => {
  const cases = ['!! USAGE Usage: /nick NEW', '[pm] <ben> psst', '[pm -> ben] <ann> hi', '[lobby] <ann> hi ann', '[lobby] * ann waves'];
  for (const raw of cases) {
    const styled = show(raw, 'ann', true);
    assert.notEqual(styled, raw, raw);
    assert.equal(stripVTControlCharacters(styled), raw);
  }
  assert.equal(show('[lobby] <ben> hi ann', 'ann', true), '[lobby] <ben> hi ann', 'other people stay plain');
  const own = show('[lobby] <ann> hi ann', 'ann', true);
  assert.ok(own.endsWith('> hi ann'), 'only the nick is highlighted, not the mention in the text');
});

test('control characters from the server never reach the terminal', () => {
  assert.equal(show('[lobby] <eve> \u001b[2Jgotcha', 'ann', false), '[lobby] <eve> \uFFFD[2Jgotcha');
});
