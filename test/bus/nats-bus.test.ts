// NatsBus against nats-servers of this file's own: the shared conformance suite, then what only NATS does —
// outages, a restart that lost the store, the KV expiry of 2.9, reads across trimmed history.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { after, before, describe, test } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import { accepts, brokerBinaries, freePort, spawnFirst } from '../../bench/macro/private-brokers.ts';
import type { BusHandlers, BusHealth, BusOptions, NodeMember, PublishResult, SequencedEvent } from '../../src/bus/bus.ts';
import { NatsBus } from '../../src/bus/nats-bus.ts';
import { startTestBroker, type TestBroker } from '../helpers/private-broker.ts';
import { sleep, waitUntil } from '../helpers/wait-until.ts';
import { describeBusConformance, testTimings as timings } from './bus-conformance.ts';

const host = '127.0.0.1';

describeBusConformance('NatsBus', async () => {
  const broker = await startTestBroker('nats');
  return {
    makeBus: (options) => new NatsBus(broker.url, options),
    crash: (bus) => (bus as NatsBus).crash(),
    close: () => broker.dispose(),
  };
});

const silent = pino({ level: 'silent' });
let prefixes = 0;
const freshPrefix = () => `t${process.pid}_${++prefixes}`;

function busOptions(prefix: string, overrides: Partial<BusOptions> = {}): BusOptions {
  return { prefix, historySize: 50, timings, log: silent, dropLiveEvery: 0, ...overrides };
}

/** What a bus told its coordinator, recorded. */
function recorder() {
  const seen = {
    events: [] as SequencedEvent[],
    health: [] as BusHealth['state'][],
    nicksLost: [] as string[],
    reaped: [] as { node: string; members: NodeMember[] }[],
  };
  const handlers: BusHandlers = {
    event: (event) => seen.events.push(event),
    nodeMessage: () => undefined,
    health: (health) => seen.health.push(health.state),
    nickLost: (nickKey) => seen.nicksLost.push(nickKey),
    reap: async (node, members) => {
      seen.reaped.push({ node, members });
    },
  };
  return { seen, handlers };
}

const say = (text: string) => ({ kind: 'say' as const, nick: 'al', text, timeMs: Date.now(), node: 'n', connectionId: 1 });

/** Polls `probe` until it returns something other than undefined. */
async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

describe('NatsBus on a private nats-server', () => {
  let nats: TestBroker;
  const buses: NatsBus[] = [];
  const clients: NatsConnection[] = [];

  async function startBus(prefix: string, overrides: Partial<BusOptions> = {}) {
    const bus = new NatsBus(nats.url, busOptions(prefix, overrides));
    const { seen, handlers } = recorder();
    await bus.start(handlers);
    buses.push(bus);
    return { bus, seen };
  }

  /** A plain client on one of the prefix's buckets: a node that crashed, or a rival. */
  async function bucket(prefix: string, what: 'nicks' | 'nodes' | 'members'): Promise<KV> {
    const nc = await connect({ servers: nats.url });
    clients.push(nc);
    return new Kvm(nc).open(`roomcast_${prefix}_${what}`);
  }

  before(async () => {
    nats = await startTestBroker('nats');
  });

  after(async () => {
    await Promise.allSettled(buses.map((bus) => bus.close()));
    await Promise.allSettled(clients.map((nc) => nc.close()));
    await nats.dispose();
  });

  test('start names the URL when nothing listens there', async () => {
    const url = `nats://${host}:${await freePort()}`;
    const bus = new NatsBus(url, busOptions(freshPrefix()));
    await assert.rejects(bus.start(recorder().handlers), (error: Error) => error.message.includes(url));
  });

  test('start says so when the server has no JetStream', async () => {
    const port = await freePort();
    const { child } = await spawnFirst(brokerBinaries.nats, ['-a', host, '-p', String(port)], os.tmpdir());
    try {
      while (!(await accepts(port))) await sleep(20);
      const url = `nats://${host}:${port}`;
      const bus = new NatsBus(url, busOptions(freshPrefix()));
      await assert.rejects(
        bus.start(recorder().handlers),
        (error: Error) => error.message.includes(url) && /JetStream/.test(error.message),
      );
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  });

  test('start refuses a stream that republishes elsewhere', async () => {
    const prefix = freshPrefix();
    const nc = await connect({ servers: nats.url });
    clients.push(nc);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({
      name: `ROOMCAST_${prefix}`,
      subjects: [`roomcast.${prefix}.room.*`],
      republish: { src: `roomcast.${prefix}.room.>`, dest: `elsewhere.${prefix}.>` },
    });
    const bus = new NatsBus(nats.url, busOptions(prefix));
    await assert.rejects(bus.start(recorder().handlers), /republishes/);
  });

  test('a nick whose holder stopped renewing is free again once the bucket TTL passed (2.9: no per-key TTL)', async (t) => {
    const prefix = freshPrefix();
    const { bus } = await startBus(prefix);
    const nicks = await bucket(prefix, 'nicks');
    await nicks.create('ghost', JSON.stringify({ nick: 'ghost', node: 'crashed', connectionId: 1 }));
    const createdAt = Date.now();
    const holder = { nick: 'ghost', node: bus.nodeId, connectionId: 2 };
    await eventually(
      async () => ((await bus.claimNick('ghost', holder)).ok ? true : undefined),
      timings.nickTtlMs + 5_000,
      'the nick to expire',
    );
    const freeAfterMs = Date.now() - createdAt;
    t.diagnostic(`nick free ${freeAfterMs} ms after its last write (bucket TTL ${timings.nickTtlMs} ms)`);
    assert.ok(freeAfterMs >= timings.nickTtlMs - 50, `freed after ${freeAfterMs} ms, before the TTL`);
  });

  test('heartbeats keep a nick well past the TTL, and a release frees it at once', async () => {
    const prefix = freshPrefix();
    const { bus: a } = await startBus(prefix);
    const { bus: b } = await startBus(prefix);
    assert.deepEqual(await a.claimNick('al', { nick: 'Al', node: a.nodeId, connectionId: 1 }), { ok: true });
    await sleep(3 * timings.nickTtlMs);
    assert.deepEqual(await b.claimNick('al', { nick: 'AL', node: b.nodeId, connectionId: 2 }), {
      ok: false,
      heldBy: { nick: 'Al', node: a.nodeId, connectionId: 1 },
    });
    await a.releaseNick('al');
    assert.deepEqual(await b.claimNick('al', { nick: 'AL', node: b.nodeId, connectionId: 2 }), { ok: true });
  });

  test('a nick taken over while this node could not renew it is reported lost', async () => {
    const prefix = freshPrefix();
    const { bus, seen } = await startBus(prefix);
    await bus.claimNick('al', { nick: 'al', node: bus.nodeId, connectionId: 1 });
    const nicks = await bucket(prefix, 'nicks');
    await nicks.purge('al');
    await nicks.create('al', JSON.stringify({ nick: 'al', node: 'rival', connectionId: 9 }));
    await waitUntil(() => seen.nicksLost.includes('al'), 5_000, 'nickLost(al)');
    assert.equal((await bus.lookupNick('al'))?.node, 'rival');
  });

  test('one live node reaps a node whose liveness lapsed: its members, nicks and liveness go', async (t) => {
    const prefix = freshPrefix();
    const { bus: a, seen: seenA } = await startBus(prefix);
    const { bus: b, seen: seenB } = await startBus(prefix);
    const [nodes, members, nicks] = await Promise.all([bucket(prefix, 'nodes'), bucket(prefix, 'members'), bucket(prefix, 'nicks')]);
    const zed: NodeMember = { connectionId: 7, nick: 'Zed', rooms: ['lobby'], operator: false };
    const lastHeartbeatAt = Date.now();
    await nodes.put('crashed', JSON.stringify({ startedAt: lastHeartbeatAt }));
    await members.put('crashed.7', JSON.stringify(zed));
    const zedHolder = JSON.stringify({ nick: 'Zed', node: 'crashed', connectionId: 7 });
    let zedRevision = await nicks.create('zed', zedHolder);
    const allReaped = () => [...seenA.reaped, ...seenB.reaped];
    // The nick is kept fresh until the reap, so that only the reaper can have freed it.
    const refreshing = (async () => {
      while (allReaped().length === 0) {
        zedRevision = await nicks.update('zed', zedHolder, zedRevision);
        await sleep(timings.heartbeatMs);
      }
    })();
    await waitUntil(() => allReaped().length > 0, timings.nickTtlMs + 5_000, 'a reap');
    t.diagnostic(
      `reaped ${Date.now() - lastHeartbeatAt} ms after its last heartbeat (TTL ${timings.nickTtlMs} ms, heartbeat ${timings.heartbeatMs} ms)`,
    );
    assert.deepEqual(allReaped(), [{ node: 'crashed', members: [zed] }]);
    await eventually(
      async () => ((await members.get('crashed.7'))?.operation === 'DEL' ? true : undefined),
      5_000,
      'the member key deleted',
    );
    await refreshing;
    await eventually(async () => ((await a.lookupNick('zed')) === undefined ? true : undefined), timings.nickTtlMs / 2, 'the nick freed');
    await eventually(async () => ((await nodes.get('crashed'))?.operation !== 'PUT' ? true : undefined), 5_000, 'the liveness key gone');
    assert.deepEqual(await b.listMembers('lobby'), []);
    // Nobody reaps it twice.
    await sleep(3 * timings.heartbeatMs);
    assert.equal(allReaped().length, 1);
  });

  test('listings count the members of live nodes only', async () => {
    const prefix = freshPrefix();
    const { bus: a } = await startBus(prefix);
    const { bus: b } = await startBus(prefix);
    a.setMember({ connectionId: 1, nick: 'Al', rooms: ['lobby', 'tea'], operator: true });
    b.setMember({ connectionId: 1, nick: 'Bo', rooms: ['lobby'], operator: false });
    await eventually(async () => ((await a.listMembers('lobby')).length === 2 ? true : undefined), 5_000, 'both members listed');
    assert.deepEqual(Object.fromEntries(await b.listRooms()), { lobby: 2, tea: 1 });
    b.removeMember(1);
    await eventually(async () => ((await a.listMembers('lobby')).length === 1 ? true : undefined), 5_000, 'Bo gone');
  });

  test("reads give each event the room's previous one, though other rooms interleave and history is trimmed", async () => {
    const prefix = freshPrefix();
    const { bus } = await startBus(prefix, { historySize: 3 });
    const seqs: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const result = await bus.publish('lobby', say(String(i)), `l${i}`);
      await bus.publish('tea', say(`t${i}`), `t${i}`);
      assert.ok(result.ok);
      seqs.push(result.seq);
    }
    // lobby: 1, 3, 5, 7, 9; kept 5, 7, 9.
    const last = await bus.readLast('lobby', 2);
    assert.equal(last.position?.seq, seqs[4]);
    assert.deepEqual(
      last.events.map((event) => [event.text, event.seq, event.prevSeq]),
      [
        ['4', seqs[3], seqs[2]],
        ['5', seqs[4], seqs[3]],
      ],
    );
    // From a kept event on, the range knows its predecessor exactly.
    assert.deepEqual(
      (await bus.readRange('lobby', seqs[2]! + 1, seqs[4]!)).map((event) => [event.seq, event.prevSeq]),
      [
        [seqs[3], seqs[2]],
        [seqs[4], seqs[3]],
      ],
    );
    // Behind the trimmed part it cannot: the oldest kept event's predecessor is not a delivered one.
    const fromTrimmed = await bus.readRange('lobby', seqs[0]! + 1, seqs[4]!);
    assert.deepEqual(
      fromTrimmed.map((event) => event.seq),
      seqs.slice(2),
    );
    assert.notEqual(fromTrimmed[0]!.prevSeq, seqs[0]);
    assert.deepEqual(await bus.readLast('nowhere', 5), { position: undefined, events: [] });
    assert.deepEqual(await bus.readRange('tea', seqs[4]! + 2, seqs[4]! + 100), []);
  });

  test('a room with fewer events than the history size says its first had none before it', async () => {
    const prefix = freshPrefix();
    const { bus } = await startBus(prefix, { historySize: 3 });
    await bus.publish('tea', say('t'), 't');
    const first = await bus.publish('lobby', say('1'), 'l1');
    assert.ok(first.ok);
    assert.deepEqual(
      (await bus.readLast('lobby', 5)).events.map((event) => [event.seq, event.prevSeq]),
      [[first.seq, 0]],
    );
    assert.deepEqual(
      (await bus.readRange('lobby', 1, first.seq)).map((event) => [event.seq, event.prevSeq]),
      [[first.seq, 0]],
    );
  });

  test('dropLiveEvery drops that share of the live feed, and the reads fill the holes', async () => {
    const prefix = freshPrefix();
    const { bus, seen } = await startBus(prefix, { dropLiveEvery: 3 });
    await bus.subscribe('lobby');
    for (let i = 1; i <= 9; i++) await bus.publish('lobby', say(String(i)), `l${i}`);
    await waitUntil(() => seen.events.length === 6, 5_000, 'six of nine live events');
    assert.deepEqual(
      seen.events.map((event) => event.text),
      ['1', '2', '4', '5', '7', '8'],
    );
    const gap = seen.events[2]!;
    const filled = await bus.readRange('lobby', seen.events[1]!.seq + 1, gap.prevSeq);
    assert.deepEqual(
      filled.map((event) => [event.text, event.prevSeq]),
      [['3', seen.events[1]!.seq]],
    );
  });

  // These two restart the server: they come last.

  test('an outage: down once, publishes refused at once; back with the store kept: sequences go on, nothing twice', async () => {
    const prefix = freshPrefix();
    const { bus: a, seen: seenA } = await startBus(prefix);
    const { bus: b, seen: seenB } = await startBus(prefix);
    await a.subscribe('lobby');
    await b.subscribe('lobby');
    await a.claimNick('al', { nick: 'al', node: a.nodeId, connectionId: 1 });
    const before = [await a.publish('lobby', say('1'), 'k1'), await b.publish('lobby', say('2'), 'k2')];
    assert.ok(before.every((result) => result.ok));
    await waitUntil(() => seenA.events.length === 2 && seenB.events.length === 2, 5_000, 'both events on both nodes');

    await nats.kill();
    await waitUntil(() => seenA.health.includes('down') && seenB.health.includes('down'), 5_000, 'health down');
    const refusedAt = Date.now();
    assert.deepEqual(await a.publish('lobby', say('lost'), 'k3'), { ok: false, reason: 'unavailable' });
    assert.ok(Date.now() - refusedAt < 100, 'refused at once');
    assert.deepEqual(await b.claimNick('bo', { nick: 'bo', node: b.nodeId, connectionId: 2 }), { ok: false, unavailable: true });
    assert.equal(await b.sendToNode(a.nodeId, { type: 'kick', to: 1, by: 'op', reason: 'x' }), 'unavailable');

    await nats.start({ keepData: true });
    await waitUntil(() => seenA.health.at(-1) === 'up' && seenB.health.at(-1) === 'up', 10_000, 'health up');
    assert.deepEqual(seenA.health, ['down', 'up']);
    const afterOutage = await b.publish('lobby', say('3'), 'k4');
    assert.ok(afterOutage.ok && before[1]!.ok && afterOutage.seq > before[1]!.seq && afterOutage.epoch === before[1]!.epoch);
    // A retry of a key stored before the outage is recognised.
    assert.deepEqual(await a.publish('lobby', say('1'), 'k1'), { ...before[0], duplicate: true });
    await waitUntil(() => seenA.events.length === 3 && seenB.events.length === 3, 5_000, 'the new event on both nodes');
    for (const seen of [seenA, seenB]) {
      assert.deepEqual(
        seen.events.map((event) => event.text),
        ['1', '2', '3'],
      );
    }
    assert.equal((await b.lookupNick('al'))?.node, a.nodeId);
  });

  test('a publish in flight when the server froze is unknown; its retry with the same key appends it once', async () => {
    const prefix = freshPrefix();
    const { bus, seen } = await startBus(prefix);
    process.kill(nats.pid!, 'SIGSTOP');
    // A stop takes effect when the kernel next schedules the target: wait until it shows as stopped.
    await waitUntil(() => /^\d+ \(.*\) T/.test(readFileSync(`/proc/${nats.pid}/stat`, 'utf8')), 5_000, 'nats-server to stop');
    let result: PublishResult;
    try {
      result = await bus.publish('lobby', say('frozen'), 'k-frozen');
    } finally {
      process.kill(nats.pid!, 'SIGCONT');
    }
    assert.deepEqual(result, { ok: false, reason: 'unknown' });
    // The freeze may have cost the connection (unanswered pings): then wait for the bus to be back.
    await waitUntil(() => !seen.health.includes('down') || seen.health.at(-1) === 'up', 15_000, 'the bus back');
    const retried = await eventually(
      async () => {
        const again = await bus.publish('lobby', say('frozen'), 'k-frozen');
        return again.ok ? again : undefined;
      },
      10_000,
      'the retry to go through',
    );
    assert.ok(retried.ok);
    const { events } = await bus.readLast('lobby', 10);
    assert.deepEqual(
      events.map((event) => event.text),
      ['frozen'],
    );
  });

  test('a restart that lost the store: a new epoch, rooms start over, nicks are claimed again', async () => {
    const prefix = freshPrefix();
    const { bus: a, seen: seenA } = await startBus(prefix);
    await a.subscribe('lobby');
    await a.claimNick('al', { nick: 'al', node: a.nodeId, connectionId: 1 });
    a.setMember({ connectionId: 1, nick: 'al', rooms: ['lobby'], operator: false });
    const first = await a.publish('lobby', say('1'), 'k1');
    assert.ok(first.ok);

    await nats.kill();
    await nats.start({ keepData: false });
    await waitUntil(() => seenA.health.at(-1) === 'up', 10_000, 'health up');
    const again = await a.publish('lobby', say('again'), 'k1');
    assert.ok(again.ok);
    assert.notEqual(again.epoch, first.epoch);
    assert.equal(again.duplicate, false);
    await waitUntil(() => seenA.events.length === 2, 5_000, 'the new event');
    assert.deepEqual(
      seenA.events.map((event) => [event.epoch, event.seq, event.prevSeq]),
      [
        [first.epoch, first.seq, 0],
        [again.epoch, again.seq, 0],
      ],
    );
    assert.equal((await a.lookupNick('al'))?.node, a.nodeId);
    const { bus: b } = await startBus(prefix);
    await eventually(async () => ((await b.listMembers('lobby')).includes('al') ? true : undefined), 5_000, 'al listed again');
  });
});
