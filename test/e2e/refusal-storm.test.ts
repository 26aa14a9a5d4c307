// A storm of refused connections: each refused socket is closed as soon as its one line is flushed, so
// the storm does not pile up open descriptors in the server (which could starve real clients of them)
// nor flood its log, and a normal client still gets in.
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { ChatPeer } from '../helpers/chat-peer.ts';
import { parseLogOutput } from '../../harness/log-records.ts';
import { spawnServer, type ServerProcess } from '../../harness/server-process.ts';
import { everythingUntilClose } from '../helpers/until-closed.ts';

const refused = 3000;
const concurrency = 100;
/** The acceptor lets at most 64 refused sockets wait for their line at once (src/acceptor/acceptor.ts). */
const allowedRiseInFds = 64 + concurrency;

let server: ServerProcess;
before(async () => {
  server = await spawnServer(['--workers', '1', '--max-connections-per-ip', '1']);
});
after(() => server.stop());

/** As src/acceptor/acceptor.ts samples them. */
const refusalsLoggedPerSecond = 5;

const openFds = async (pid: number) => (await readdir(`/proc/${pid}/fd`)).length;

test(`${refused} refused connections do not pile up descriptors, and a normal client still gets in`, async (t) => {
  // 127.0.0.1 uses up its one allowed connection; everything else from it is refused.
  const holder = await ChatPeer.join(server.port, 'holder');
  const baseline = await openFds(server.pid);

  let peak = baseline;
  let storming = true;
  const sampling = (async () => {
    while (storming) {
      peak = Math.max(peak, await openFds(server.pid));
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  const stormStartedAt = performance.now();
  let next = 0;
  let withLine = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < refused) if (/^!! TOO_MANY_CONNECTIONS /.test(await everythingUntilClose(server.port))) withLine++;
    }),
  );
  storming = false;
  const stormWindows = Math.ceil((performance.now() - stormStartedAt) / 1000) + 1;
  await sampling;
  t.diagnostic(`fds: baseline ${baseline}, peak ${peak}; ${withLine} of ${refused} refusals carried their line`);
  assert.ok(peak - baseline <= allowedRiseInFds, `open fds rose by ${peak - baseline}, more than ${allowedRiseInFds}`);
  assert.ok(withLine > 0, 'refusals carry their line');
  // Refusals are logged whole only a few a second (the rest are counted), so a storm cannot flood the log.
  const loggedWhole = parseLogOutput(server.output()).filter((record) => record.msg === 'connection refused').length;
  assert.ok(loggedWhole >= 1 && loggedWhole <= refusalsLoggedPerSecond * stormWindows, `${loggedWhole} refusals logged whole`);

  // Linux routes all of 127/8 to lo: another source address is another client as far as the cap goes.
  const newcomer = await ChatPeer.join(server.port, 'newcomer', '127.0.0.2');
  holder.sendNext();
  await newcomer.until(() => newcomer.received.includes('holder#0'), 5000, "holder's line");
  for (const peer of [holder, newcomer]) peer.close();
});
