// A Connection driven without threads: a real socket pair on loopback, and the coordinator's side of its port
// played by the test, so what crosses to the coordinator and what reaches the client can both be read.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import type { Remote } from 'comlink';
import { pino } from 'pino';
import { BatchedPort } from '../src/batched-port.ts';
import { defaultConfig } from '../src/config.ts';
import type { SupervisorControl } from '../src/control-api.ts';
import type { WorkerOp } from '../src/thread-messages.ts';
import { BacklogWatch } from '../workers/connection/backlog-watch.ts';
import { ConnectionEventLog } from '../workers/connection/connection-event-log.ts';
import { LocalRooms } from '../workers/connection/local-rooms.ts';
import { Connection, type ConnectionContext, zeroConnectionCounters } from '../workers/connection/connection.ts';
import { createLineDialect } from '../workers/connection/dialects/line-dialect.ts';
import { WriteBatcher } from '../workers/connection/write-batcher.ts';
import { LineClient } from './helpers/line-client.ts';

test('an op from the coordinator that the session cannot handle costs that connection, not the worker', async (t) => {
  const listener = net.createServer().listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const accepted = once(listener, 'connection') as Promise<[net.Socket]>;
  const client = await LineClient.connect((listener.address() as net.AddressInfo).port);
  const [socket] = await accepted;
  const channel = new MessageChannel();
  t.after(() => {
    client.close();
    listener.close();
    channel.port1.close();
  });
  const fromSession: WorkerOp[] = [];
  channel.port2.on('message', (batch: WorkerOp[]) => fromSession.push(...batch));
  const counters = zeroConnectionCounters();
  const context: ConnectionContext = {
    config: defaultConfig,
    log: pino({ level: 'silent' }),
    events: new ConnectionEventLog(pino({ level: 'silent' })),
    coordinator: new BatchedPort<WorkerOp>(channel.port1),
    // Never called here: /stats is not sent.
    supervisor: {} as Remote<SupervisorControl>,
    localRooms: new LocalRooms<Connection>(),
    batcher: new WriteBatcher(),
    backlogWatch: new BacklogWatch(),
    counters,
    onClosed() {},
  };
  const session = new Connection(7, socket, context, createLineDialect);
  session.start();
  client.send('tester');
  const nextOp = async (type: WorkerOp['type']) => {
    while (!fromSession.some((op) => op.type === type)) await once(channel.port2, 'message');
    return fromSession.find((op) => op.type === type)!;
  };
  await nextOp('hello');
  session.handleCoordinatorOp({ type: 'hello-result', connectionId: 7, nick: 'tester', accepted: true, heldBy: undefined });
  await client.waitFor((line) => line.startsWith('-- Hello tester.'));

  // A malformed op (no history array) makes the handler throw; it must not escape to the worker's loop.
  const malformed = { type: 'joined', connectionId: 7, room: 'lobby', history: null } as unknown as Parameters<
    Connection['handleCoordinatorOp']
  >[0];
  assert.doesNotThrow(() => session.handleCoordinatorOp(malformed));
  assert.equal(counters.internalErrors, 1);
  assert.deepEqual(await nextOp('leave'), { type: 'leave', connectionId: 7, reason: 'server error' });
  session.handleCoordinatorOp({ type: 'left', connectionId: 7 });
  assert.match(await client.waitFor((line) => line.startsWith('!!')), /^!! INTERNAL_ERROR /);
  await client.waitForClose();
});
