// Whole-server stats while a connection worker dies: the answer comes, from the threads still alive,
// instead of waiting forever for the dead one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureLog } from '../helpers/log-capture.ts';
import { LineClient } from '../helpers/line-client.ts';
import { startTestServer } from '../helpers/test-server.ts';
import { within } from '../helpers/wait-until.ts';

test('stats asked while a worker is dying answer with the workers still alive', async (t) => {
  const server = await startTestServer({ workers: 2, testHooks: true }, captureLog().log);
  t.after(() => server.close());
  const clients = await Promise.all(['a', 'b', 'c', 'd'].map((nick) => LineClient.joined(server.port, nick)));

  // The worker throws right after answering the crash call, so it is still counted alive when stats go
  // out; it may even answer them before it throws. Either way the answer must come.
  await server.server.crashWorkerForTest(0);
  const stats = await within(server.server.stats(), 5000, 'the stats answer');
  const survivor = stats.workers.find((worker) => worker.workerId === 2);
  assert.equal(survivor?.connections, 2, 'the surviving worker answered');
  for (const client of clients) client.close();
});
