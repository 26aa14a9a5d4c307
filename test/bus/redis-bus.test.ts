import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { freePort } from '../../bench/macro/private-brokers.ts';
import type { BusHandlers, BusHealth, BusRoomEvent, NodeMember, SequencedEvent } from '../../src/bus/bus.ts';
import { RedisBus } from '../../src/bus/redis-bus.ts';
import { startTestBroker, type TestBroker } from '../helpers/private-broker.ts';
import { waitUntil, within } from '../helpers/wait-until.ts';
import { describeBusConformance, silentLog, testTimings } from './bus-conformance.ts';

describeBusConformance('RedisBus', async () => {
  const broker = await startTestBroker('redis');
  return {
    makeBus: (options) => new RedisBus(broker.url, options),
    crash: async (bus) => (bus as RedisBus).crash(),
    close: () => broker.dispose(),
  };
});

interface Node {
  bus: RedisBus;
  prefix: string;
  events: SequencedEvent[];
  health: BusHealth[];
  lost: string[];
  reaped: { node: string; atMs: number }[];
  upAtMs: number;
}

describe('RedisBus outages', () => {
  let broker: TestBroker;
  let raw: Redis;
  const started: RedisBus[] = [];
  before(async () => {
    broker = await startTestBroker('redis');
    // The test's own view of Redis, to play what a reaper or another service would do; never reconnects on its own.
    raw = new Redis(broker.url, { lazyConnect: true, retryStrategy: () => null });
    raw.on('error', () => {});
  });
  after(async () => {
    await Promise.allSettled(started.map((bus) => bus.close()));
    raw.disconnect();
    await broker.dispose();
  });

  async function nodes(count: number): Promise<Node[]> {
    const prefix = `t${randomUUID().slice(0, 8)}`;
    const made: Node[] = [];
    for (let i = 0; i < count; i++) {
      const bus = new RedisBus(broker.url, { prefix, historySize: 50, timings: testTimings, log: silentLog, dropLiveEvery: 0 });
      const node: Node = { bus, prefix, events: [], health: [], lost: [], reaped: [], upAtMs: 0 };
      const handlers: BusHandlers = {
        event: (event) => node.events.push(event),
        nodeMessage: () => {},
        health: (health) => {
          node.health.push(health);
          if (health.state === 'up') node.upAtMs = Date.now();
        },
        nickLost: (nickKey) => node.lost.push(nickKey),
        reap: async (deadNode) => {
          node.reaped.push({ node: deadNode, atMs: Date.now() });
        },
      };
      await within(bus.start(handlers), 10_000, 'a RedisBus to start');
      started.push(bus);
      made.push(node);
    }
    return made;
  }

  async function rawCommand<T>(run: (redis: Redis) => Promise<T>): Promise<T> {
    if (raw.status !== 'ready') {
      raw.disconnect();
      raw = new Redis(broker.url, { lazyConnect: true, retryStrategy: () => null });
      raw.on('error', () => {});
      await raw.connect();
    }
    return run(raw);
  }

  const line = (bus: RedisBus, text: string): BusRoomEvent => ({
    kind: 'say',
    nick: 'alice',
    text,
    timeMs: Date.now(),
    node: bus.nodeId,
    connectionId: 1,
  });
  const states = (node: Node) => node.health.map((health) => health.state);
  const alice: NodeMember = { connectionId: 1, nick: 'alice', rooms: ['lobby'], operator: false };

  test('start rejects within about 5 s, naming the URL, when nothing answers there', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const bus = new RedisBus(url, { prefix: 'unreachable', historySize: 10, timings: testTimings, log: silentLog, dropLiveEvery: 0 });
    const startedAt = Date.now();
    const handlers: BusHandlers = { event() {}, nodeMessage() {}, health() {}, nickLost() {}, reap: async () => {} };
    await assert.rejects(bus.start(handlers), (error: Error) => error.message.includes(url) && /ECONNREFUSED/.test(error.message));
    const tookMs = Date.now() - startedAt;
    assert.ok(tookMs >= 4_500 && tookMs < 7_000, `rejected after ${tookMs} ms`);
    await bus.close();
  });

  test('Redis stopped and restarted with its data: down once, publishes refused at once, then up with nothing appended twice', async () => {
    const [a, b] = await nodes(2);
    await b!.bus.subscribe('lobby');
    assert.deepEqual(await a!.bus.claimNick('alice', { nick: 'alice', node: a!.bus.nodeId, connectionId: 1 }), { ok: true });
    a!.bus.setMember(alice);
    const before: number[] = [];
    for (let i = 1; i <= 3; i++) {
      const result = await a!.bus.publish('lobby', line(a!.bus, `before ${i}`), `key-${i}`);
      assert.ok(result.ok);
      before.push(result.seq);
    }
    assert.deepEqual(before, [1, 2, 3]);
    await waitUntil(() => b!.events.length === 3, 5_000, 'b to see the 3 events');
    const epoch = b!.events[0]!.epoch;

    await broker.stop();
    await waitUntil(() => states(a!).includes('down') && states(b!).includes('down'), 5_000, 'both nodes to report down');
    const refusedAt = performance.now();
    assert.deepEqual(await a!.bus.publish('lobby', line(a!.bus, 'during'), 'key-during'), { ok: false, reason: 'unavailable' });
    const refusalMs = performance.now() - refusedAt;
    assert.ok(refusalMs < 50, `refused after ${refusalMs} ms`);
    assert.deepEqual(await b!.bus.claimNick('bob', { nick: 'bob', node: b!.bus.nodeId, connectionId: 2 }), {
      ok: false,
      unavailable: true,
    });
    assert.equal(await b!.bus.sendToNode(a!.bus.nodeId, { type: 'kick', to: 1, by: 'bob', reason: 'x' }), 'unavailable');

    await broker.start({ keepData: true });
    await waitUntil(() => states(a!).includes('up') && states(b!).includes('up'), 10_000, 'both nodes to report up');
    assert.deepEqual(states(a!), ['down', 'up']);
    assert.deepEqual(states(b!), ['down', 'up']);
    assert.deepEqual(await a!.bus.publish('lobby', line(a!.bus, 'before 3'), 'key-3'), { ok: true, seq: 3, epoch, duplicate: true });
    assert.deepEqual(await a!.bus.publish('lobby', line(a!.bus, 'after'), 'key-4'), { ok: true, seq: 4, epoch, duplicate: false });
    await waitUntil(() => b!.events.length === 4, 5_000, 'b to see the event after the outage live');
    assert.deepEqual(
      (await b!.bus.readRange('lobby', 1, Number.MAX_SAFE_INTEGER)).map((event) => [event.seq, event.text]),
      [
        [1, 'before 1'],
        [2, 'before 2'],
        [3, 'before 3'],
        [4, 'after'],
      ],
    );
    assert.equal((await b!.bus.lookupNick('alice'))?.node, a!.bus.nodeId);
    assert.deepEqual(await b!.bus.listMembers('lobby'), ['alice']);
  });

  test('after an outage longer than the nick TTL, nodes give each other a TTL to return before reaping', async () => {
    const three = await nodes(3);
    three.forEach((node, i) => void node.bus.setMember({ ...alice, connectionId: i, nick: `user${i}` }));
    // A node that really died, whose reap lock (held by a reaper that died too) lapses during the outage.
    const { prefix } = three[0]!;
    const ghost: NodeMember = { connectionId: 5, nick: 'ghost', rooms: ['lobby'], operator: false };
    await rawCommand((redis) =>
      redis
        .multi()
        .zadd(`${prefix}:nodes`, 1, 'ghost')
        .hset(`${prefix}:node:{ghost}`, '5', JSON.stringify(ghost))
        .set(`${prefix}:reap:{ghost}`, 'gone', 'PX', testTimings.nickTtlMs)
        .exec(),
    );
    await broker.stop();
    const stoppedAt = Date.now();
    // Every live node's liveness in the kept data lapses meanwhile, and so does the ghost's reap lock.
    await waitUntil(() => Date.now() > stoppedAt + 2 * testTimings.nickTtlMs, 5_000, 'the liveness of every node to lapse');
    await broker.start({ keepData: true });
    await waitUntil(() => three.some((node) => node.reaped.length > 0), 10_000, 'the ghost to be reaped');
    const reaps = three.flatMap((node) => node.reaped.map((reap) => ({ ...reap, reaperUpAtMs: node.upAtMs })));
    assert.deepEqual(
      reaps.map((reap) => reap.node),
      ['ghost'],
    );
    const waitedMs = reaps[0]!.atMs - reaps[0]!.reaperUpAtMs;
    assert.ok(waitedMs >= testTimings.nickTtlMs, `reaped ${waitedMs} ms after its reaper was back`);
    assert.deepEqual((await three[0]!.bus.listMembers('lobby')).sort(), ['user0', 'user1', 'user2']);
  });

  test('Redis restarted without its data: a new epoch on the next publish; nicks, presence and subscriptions re-asserted', async () => {
    const [a, b] = await nodes(2);
    await b!.bus.subscribe('lobby');
    await a!.bus.claimNick('alice', { nick: 'alice', node: a!.bus.nodeId, connectionId: 1 });
    a!.bus.setMember(alice);
    const first = await a!.bus.publish('lobby', line(a!.bus, 'first'), randomUUID());
    assert.ok(first.ok);

    await broker.kill();
    await waitUntil(() => states(a!).includes('down') && states(b!).includes('down'), 5_000, 'both nodes to report down');
    await broker.start({ keepData: false });
    await waitUntil(() => states(a!).includes('up') && states(b!).includes('up'), 10_000, 'both nodes to report up');

    const next = await a!.bus.publish('lobby', line(a!.bus, 'next'), randomUUID());
    assert.ok(next.ok);
    assert.equal(next.seq, 1);
    assert.notEqual(next.epoch, first.epoch);
    await waitUntil(() => b!.events.some((event) => event.text === 'next'), 5_000, 'b to see the new epoch’s event live');
    assert.equal((await b!.bus.lookupNick('alice'))?.node, a!.bus.nodeId, 'alice re-claimed');
    assert.deepEqual(await b!.bus.listMembers('lobby'), ['alice']);
    assert.deepEqual(a!.lost, []);
  });

  test('a publish in flight when Redis goes away is `unknown`; its retry with the same key appends it once', async () => {
    const [a] = await nodes(1);
    await rawCommand((redis) => redis.call('client', 'pause', '10000', 'ALL'));
    const inFlight = a!.bus.publish('lobby', line(a!.bus, 'in flight'), 'key-in-flight');
    // ioredis writes auto-pipelined commands on the next turn of the event loop: let it, then kill.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    await broker.kill();
    assert.deepEqual(await inFlight, { ok: false, reason: 'unknown' });
    await broker.start({ keepData: true });
    await waitUntil(() => states(a!).includes('up'), 10_000, 'a to report up');
    const retried = await a!.bus.publish('lobby', line(a!.bus, 'in flight'), 'key-in-flight');
    assert.ok(retried.ok && !retried.duplicate);
    const again = await a!.bus.publish('lobby', line(a!.bus, 'in flight'), 'key-in-flight');
    assert.ok(again.ok && again.duplicate && again.seq === retried.seq);
    assert.deepEqual(
      (await a!.bus.readLast('lobby', 10)).events.map((event) => event.text),
      ['in flight'],
    );
  });

  test('Redis that stops answering without closing (paused) is an outage after 3 s, over once it answers', async () => {
    const [a] = await nodes(1);
    const pausedAt = Date.now();
    await rawCommand((redis) => redis.call('client', 'pause', '4500', 'ALL'));
    await waitUntil(() => states(a!).includes('down'), 10_000, 'a to report down');
    const downMs = Date.now() - pausedAt;
    assert.ok(downMs >= 2_900 && downMs < 4_500, `down after ${downMs} ms`);
    assert.equal((await a!.bus.publish('lobby', line(a!.bus, 'refused'), randomUUID())).ok, false);
    await waitUntil(() => states(a!).includes('up'), 10_000, 'a to report up');
    assert.deepEqual(states(a!), ['down', 'up']);
    assert.ok((await a!.bus.publish('lobby', line(a!.bus, 'after'), randomUUID())).ok);
  });

  test('a nick someone else took is lost; one that vanished is re-claimed, and a node hash a reaper deleted is rewritten', async () => {
    const [a, b] = await nodes(2);
    const prefix = a!.prefix;
    await a!.bus.claimNick('alice', { nick: 'alice', node: a!.bus.nodeId, connectionId: 1 });
    await a!.bus.claimNick('carol', { nick: 'carol', node: a!.bus.nodeId, connectionId: 3 });
    a!.bus.setMember(alice);
    await waitUntil(() => listedOn(b!.bus).includes('alice'), 5_000, 'alice to be listed on b');

    await rawCommand((redis) => redis.set(`${prefix}:nick:{carol}`, `${b!.bus.nodeId}|9|carol`));
    await waitUntil(() => a!.lost.includes('carol'), 5_000, 'a to lose carol');

    // What a reaper does to a node it thought dead: its nicks and its member hash go.
    await rawCommand((redis) => redis.del(`${prefix}:nick:{alice}`, `${prefix}:node:{${a!.bus.nodeId}}`));
    await waitUntil(
      () => listedOn(b!.bus).includes('alice') && nickHolderOn(b!.bus) === a!.bus.nodeId,
      5_000,
      'alice re-claimed and listed again',
    );
    assert.deepEqual(a!.lost, ['carol']);
  });

  test('close releases the node’s nicks and presence at once', async () => {
    const [a, b] = await nodes(2);
    await a!.bus.claimNick('alice', { nick: 'alice', node: a!.bus.nodeId, connectionId: 1 });
    a!.bus.setMember(alice);
    await waitUntil(() => listedOn(b!.bus).includes('alice'), 5_000, 'alice to be listed on b');
    await a!.bus.close();
    assert.equal(await b!.bus.lookupNick('alice'), undefined);
    await waitUntil(() => listedOn(b!.bus).length === 0, 5_000, 'the listing cache to drop alice');
  });

  // Listings and lookups are asynchronous; these poll them through a cache refreshed in the background.
  const lastListed = new Map<RedisBus, string[]>();
  function listedOn(bus: RedisBus): string[] {
    void bus.listMembers('lobby').then(
      (nicks) => lastListed.set(bus, nicks),
      () => {},
    );
    return lastListed.get(bus) ?? [];
  }
  const lastHolder = new Map<RedisBus, string | undefined>();
  function nickHolderOn(bus: RedisBus): string | undefined {
    void bus.lookupNick('alice').then(
      (holder) => lastHolder.set(bus, holder?.node),
      () => {},
    );
    return lastHolder.get(bus);
  }
});
