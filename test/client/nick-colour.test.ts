import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nickColour, nickPalette } from '../../src/client/nick-colour.ts';

test('a nick always gets the same colour; nicks that are one to the server share it', () => {
  assert.equal(nickColour('ben'), nickColour('ben'));
  assert.equal(nickColour('Ben'), nickColour('ben'));
  assert.equal(nickColour('a1ice'), nickColour('alice'), 'look-alikes are one nick to the server');
});

test('nicks spread over the palette, which leaves out the colours that mean something else', () => {
  const nicks = ['ann', 'ben', 'cy', 'dora', 'eve', 'fred', 'gus', 'hal', 'ivy', 'jo', 'kim', 'lou'];
  const colours = new Set(nicks.map(nickColour));
  assert.ok(colours.size >= 4, `twelve nicks got only ${colours.size} colours`);
  for (const colour of nickPalette) assert.ok(!['red', 'magenta', 'cyan'].includes(String(colour)), `${colour} is reserved`);
});
