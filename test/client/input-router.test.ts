import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientCommandHelp, InputRouter } from '../../src/client/input-router.ts';
import { parseServerLine } from '../../src/client/server-line.ts';

test('plain lines and commands pass through unchanged', () => {
  const router = new InputRouter();
  for (const line of ['hello', '//slash', '/join dev', '/msg ben hi', '/me waves', '/who'])
    assert.deepEqual(router.route(line), { send: line });
  assert.deepEqual(router.route('/help'), { send: '/help', status: clientCommandHelp });
});

test('/r answers whoever sent the last private message', () => {
  const router = new InputRouter();
  assert.deepEqual(router.route('/r hi'), { status: 'nobody has sent you a private message yet' });
  router.observe(parseServerLine('[pm] <ben> psst'));
  router.observe(parseServerLine('[pm -> cy] <ann> my own echo does not count'));
  router.observe(parseServerLine('[lobby] <cy> neither does room chat'));
  assert.deepEqual(router.route('/r yes?'), { send: '/msg ben yes?' });
  assert.deepEqual(router.route('/R  two  spaces'), { send: '/msg ben two  spaces' });
  assert.deepEqual(router.route('/r'), { status: 'usage: /r text (answers ben)' });
  router.observe(parseServerLine('[pm] <dora> me too'));
  assert.deepEqual(router.route('/r ok'), { send: '/msg dora ok' });
  assert.deepEqual(router.route('/reply x'), { send: '/reply x' }, 'only /r itself; the server answers the rest');
});

test('/query makes plain lines private until /query alone, /switch or /join', () => {
  const router = new InputRouter();
  assert.deepEqual(router.route('/query ben'), { status: 'plain lines now go to ben as private messages; /query alone ends that' });
  assert.equal(router.query, 'ben');
  assert.deepEqual(router.route('are you there?'), { send: '/msg ben are you there?' });
  assert.deepEqual(router.route('//etc/hosts'), { send: '/msg ben /etc/hosts' });
  assert.deepEqual(router.route('/me waves'), { send: '/me waves' }, 'commands still do what they say');
  const ended = 'private talk with ben ended; plain lines go to your current room again';
  assert.deepEqual(router.route('/query'), { status: ended });
  assert.deepEqual(router.route('back in the room'), { send: 'back in the room' });

  router.route('/query ben');
  assert.deepEqual(router.route('/switch dev'), { send: '/switch dev', status: ended });
  router.route('/query ben');
  assert.deepEqual(router.route('/join ops'), { send: '/join ops', status: ended });
  assert.equal(router.query, undefined);
  assert.deepEqual(router.route('/switch lobby'), { send: '/switch lobby' });
});

test('/query checks its nick and explains itself', () => {
  const router = new InputRouter();
  assert.deepEqual(router.route('/query not a nick'), { status: 'not a nickname: not a nick' });
  assert.equal(router.query, undefined);
  assert.match(router.route('/query').status ?? '', /^usage: \/query NICK/);
});
