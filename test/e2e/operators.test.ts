// Operator commands need the start-up password; without one configured nobody can become an operator.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ workers: 2, operatorPassword: 'correct horse' });
});
after(() => server.close());

const nextError = (client: LineClient) => client.waitFor((line) => line.startsWith('!!'), 5000, client.lines.length);

test('/stats and /kick are refused until /oper with the right password', async () => {
  const admin = await LineClient.joined(server.port, 'admin');
  const bob = await LineClient.joined(server.port, 'bob');

  let error = nextError(admin);
  admin.send('/stats');
  assert.match(await error, /^!! NOT_OPERATOR /);
  error = nextError(admin);
  admin.send('/kick bob');
  assert.match(await error, /^!! NOT_OPERATOR /);
  error = nextError(admin);
  admin.send('/oper wrong horse');
  assert.match(await error, /^!! OPER_FAILED /);

  admin.send('/oper correct horse');
  await admin.waitFor((line) => line === '-- You are now an operator.');
  admin.send('/stats');
  assert.match(await admin.waitFor((line) => line.startsWith('-- connections ')), /^-- connections 2 /);
  await admin.waitFor((line) => /^-- worker \d+: connections 1,/.test(line) && /loop delay p99 [\d.]+ ms max [\d.]+ ms/.test(line));
  await admin.waitFor((line) => /^-- coordinator: ELU [\d.]+, loop delay p99 [\d.]+ ms max [\d.]+ ms/.test(line));

  admin.send('/kick bob spamming');
  assert.match(await bob.waitFor((line) => line.startsWith('!!')), /^!! KICKED You were kicked by admin: spamming\. Closing\.$/);
  await bob.waitForClose();
  await admin.waitFor((line) => line === '[lobby] -- bob quit (kicked by admin: spamming)');
  error = nextError(admin);
  admin.send('/kick nobody');
  assert.match(await error, /^!! NO_SUCH_NICK /);
  admin.close();
});

test('an operator cannot kick itself or another operator', async () => {
  const first = await LineClient.joined(server.port, 'first_op');
  const second = await LineClient.joined(server.port, 'second_op');
  for (const op of [first, second]) {
    op.send('/oper correct horse');
    await op.waitFor((line) => line === '-- You are now an operator.');
  }
  let error = nextError(first);
  first.send('/kick first_op');
  assert.match(await error, /^!! KICK_SELF /);
  error = nextError(first);
  first.send('/kick SECOND_OP bye');
  assert.match(await error, /^!! KICK_OPERATOR second_op is an operator/);
  second.send('still here');
  await first.waitFor((line) => line === '[lobby] <second_op> still here');
  first.close();
  second.close();
});

test('without an operator password nobody can become an operator', async () => {
  const open = await startTestServer({ workers: 1 });
  try {
    const hopeful = await LineClient.joined(open.port, 'hopeful');
    hopeful.send('/oper ');
    hopeful.send('/oper anything');
    assert.match(await hopeful.waitFor((line) => line.startsWith('!! OPER_DISABLED')), /no operator password/);
    // Not "see /oper" on a server where /oper cannot work.
    for (const command of ['/stats', '/kick hopeful']) {
      const error = nextError(hopeful);
      hopeful.send(command);
      assert.match(await error, /^!! OPER_DISABLED /, command);
    }
    hopeful.close();
  } finally {
    await open.close();
  }
});
