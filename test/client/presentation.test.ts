import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stripVTControlCharacters, styleText } from 'node:util';
import { clockTime, promptFor, styleServerLine, styleStatus } from '../../src/client/presentation.ts';
import { parseServerLine } from '../../src/client/server-line.ts';
import { nickColour } from '../../src/client/nick-colour.ts';
import { historyHeaderLine, historyLine, chatLine } from '../../src/protocol/server-lines.ts';

// Local time is India's (UTC+05:30, no daylight saving), so a shown time that is not the UTC one proves
// the conversion. Node applies a TZ set at run time to every Date made after it.
process.env.TZ = 'Asia/Kolkata';
const receivedAtMs = Date.UTC(2026, 11, 1, 10, 42, 7); // 16:12 in Kolkata
const show = (raw: string, own: string | undefined, colour: boolean, at = receivedAtMs) =>
  styleServerLine(raw, parseServerLine(raw), own, colour, at);
const withoutLf = (line: string) => line.replace(/\n$/, '');

test('the prompt shows where the next plain line will go', () => {
  assert.equal(promptFor({ phase: 'naming', nick: undefined, currentRoom: undefined }, undefined), 'nickname> ');
  assert.equal(promptFor({ phase: 'chatting', nick: 'ann', currentRoom: 'lobby' }, undefined), '[lobby]> ');
  assert.equal(promptFor({ phase: 'chatting', nick: 'ann', currentRoom: undefined }, undefined), '[no room]> ');
  assert.equal(promptFor({ phase: 'offline', nick: 'ann', currentRoom: 'dev' }, undefined), '(offline) [dev]> ');
  assert.equal(promptFor({ phase: 'chatting', nick: 'ann', currentRoom: 'dev' }, 'ben'), '[pm -> ben]> ');
});

test('without colour every line is printed as received, after the local receive time', () => {
  for (const raw of ['[lobby] <ann> hi', '!! NICK_TAKEN The nickname "ann" is already in use.', '[pm] <ben> psst', '-- Bye.']) {
    assert.equal(show(raw, 'ann', false), `16:12 ${raw}`);
  }
  assert.equal(styleStatus('lost the connection', false, receivedAtMs), '16:12 ** lost the connection');
  assert.equal(clockTime(Date.UTC(2026, 11, 1, 18, 30)), '00:00', 'hours and minutes are padded');
});

test('a replayed line shows its own time, in local time, marked as history; the date only when another day', () => {
  const replay = (sentAtMs: number) => withoutLf(historyLine(sentAtMs, chatLine('lobby', 'ben', 'earlier words')));
  assert.equal(show(replay(Date.UTC(2026, 11, 1, 9, 0, 59)), 'ann', false), '14:30 (history) [lobby] <ben> earlier words');
  // 18:40Z on Nov 30 is 00:10 on Dec 1 in Kolkata: the same local day as the receive time.
  assert.equal(show(replay(Date.UTC(2026, 10, 30, 18, 40)), 'ann', false), '00:10 (history) [lobby] <ben> earlier words');
  assert.equal(show(replay(Date.UTC(2026, 10, 30, 18, 20)), 'ann', false), '2026-11-30 23:50 (history) [lobby] <ben> earlier words');
  // The header no longer says UTC, since the times below it are local.
  assert.equal(
    show(withoutLf(historyHeaderLine('lobby', 3)), 'ann', false),
    '16:12 -- the last 3 messages of lobby (earlier, local times):',
  );
  assert.equal(show(withoutLf(historyHeaderLine('lobby', 1)), 'ann', false), '16:12 -- the last message of lobby (earlier, local times):');
  assert.equal(show(withoutLf(historyHeaderLine('lobby', 0)), 'ann', false), '16:12 -- no earlier messages of lobby.');
});

test('with colour, errors, private messages, nicks and mentions are marked and the text is unchanged', () => {
  const cases = ['!! USAGE Usage: /nick NEW', '[pm] <ben> psst', '[pm -> ben] <ann> hi', '[lobby] <ann> hi ann', '[lobby] * ann waves'];
  for (const raw of cases) {
    const styled = show(raw, 'ann', true);
    assert.notEqual(styled, `16:12 ${raw}`, raw);
    assert.equal(stripVTControlCharacters(styled), `16:12 ${raw}`);
  }
  const own = show('[lobby] <ann> hi ann', 'ann', true);
  assert.ok(own.endsWith('> hi ann'), 'in your own line only your nick is marked, not the mention in the text');
});

test('a mention of your nick in someone else’s line is marked, as a whole word in any case', () => {
  const marked = (text: string) => styleText(['bold', 'inverse'], text, { validateStream: false });
  const styled = show('[lobby] <ben> ANN: annual report for ann-marie, ann.', 'ann', true);
  assert.ok(styled.endsWith(`> ${marked('ANN')}: annual report for ann-marie, ${marked('ann')}.`), styled);
  assert.ok(!show('[lobby] <ben> hello there', 'ann', true).includes(marked('ann')));
});

test('other nicks are shown in their own colour, your own nick bold cyan', () => {
  const ben = show('[lobby] <ben> hi', 'ann', true);
  assert.ok(ben.includes(`<${styleText(nickColour('ben'), 'ben', { validateStream: false })}>`), ben);
  assert.ok(show('[lobby] * ben waves', 'ann', true).includes(styleText(nickColour('ben'), 'ben', { validateStream: false })));
  assert.ok(show('[lobby] <ann> hi', 'ann', true).includes(styleText(['bold', 'cyan'], 'ann', { validateStream: false })));
});

test('control characters from the server never reach the terminal', () => {
  assert.equal(show('[lobby] <eve> \u001b[2Jgotcha', 'ann', false), '16:12 [lobby] <eve> \uFFFD[2Jgotcha');
  assert.equal(stripVTControlCharacters(show('[lobby] <eve> \u001b[2Jgotcha', 'ann', true)), '16:12 [lobby] <eve> \uFFFD[2Jgotcha');
  assert.equal(show('-- 2026-12-01 09:00:00Z [lobby] <eve> \u001b[2J', 'ann', false), '14:30 (history) [lobby] <eve> \uFFFD[2J');
});
