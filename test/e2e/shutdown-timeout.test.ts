// A graceful shutdown that overruns --shutdown-timeout-ms ends the process anyway, with status 1 and a
// record saying so: a supervisor (systemd, a container runtime) must see that it did not stop cleanly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineClient } from '../helpers/line-client.ts';
import { spawnServer } from '../../harness/server-process.ts';

test('a shutdown that takes longer than --shutdown-timeout-ms exits 1 and says so', async () => {
  const server = await spawnServer(['--workers', '1', '--shutdown-timeout-ms', '100']);
  // A client that reads nothing: its connection cannot finish closing within 100 ms.
  const client = await LineClient.joined(server.port, 'lingering');
  client.socket.pause();

  assert.equal(await server.stop(), 1, 'exit status');
  assert.match(server.output(), /shutdown took longer than 100 ms; exiting with status 1/);
  client.close();
});
