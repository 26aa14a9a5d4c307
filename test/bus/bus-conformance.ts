// What every Bus must do, whatever engine is under it: one suite, run against MemoryBus (the reference),
// RedisBus and NatsBus by their own test files. Each test makes its nodes on one engine through the
// environment, under a fresh prefix, so tests share nothing.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import type { Bus, BusHandlers, BusOptions, BusRoomEvent, NodeMember, NodeMessage, SequencedEvent } from '../../src/bus/bus.ts';
import { waitUntil, within } from '../helpers/wait-until.ts';

/** Short timings, so expiry and reaping are seen within a test. */
export const testTimings = { heartbeatMs: 200, nickTtlMs: 1_000 };

export interface BusTestEnvironment {
  /** A node's bus on the shared engine (not started); `prefix` names the test's own namespace. */
  makeBus(options: BusOptions): Bus;
  /** Ends a node as `kill -9` would: no more heartbeats, nothing released. */
  crash(bus: Bus): Promise<void>;
  close(): Promise<void>;
}

/** Everything a started bus reported, for the tests to wait on. */
export interface BusProbe {
  bus: Bus;
  events: SequencedEvent[];
  messages: NodeMessage[];
  lost: string[];
  reaped: { node: string; members: NodeMember[] }[];
}

export function describeBusConformance(name: string, makeEnvironment: () => Promise<BusTestEnvironment>): void {
  describe(`${name} conformance`, () => {
    let environment: BusTestEnvironment;
    const started: Bus[] = [];
    before(async () => {
      environment = await makeEnvironment();
    });
    after(async () => {
      await Promise.allSettled(started.map((bus) => bus.close()));
      await environment.close();
    });

    /** `count` started nodes on one fresh prefix. */
    async function nodes(count: number, overrides: Partial<BusOptions> = {}): Promise<BusProbe[]> {
      const prefix = `t${randomUUID().slice(0, 8)}`;
      const probes: BusProbe[] = [];
      for (let i = 0; i < count; i++) {
        const bus = environment.makeBus({ prefix, historySize: 50, timings: testTimings, log: silentLog, dropLiveEvery: 0, ...overrides });
        const probe: BusProbe = { bus, events: [], messages: [], lost: [], reaped: [] };
        const handlers: BusHandlers = {
          event: (event) => probe.events.push(event),
          nodeMessage: (message) => probe.messages.push(message),
          health: () => {},
          nickLost: (nickKey) => probe.lost.push(nickKey),
          reap: async (node, members) => {
            probe.reaped.push({ node, members });
          },
        };
        await within(bus.start(handlers), 10_000, `${name} node to start`);
        started.push(bus);
        probes.push(probe);
      }
      return probes;
    }

    const line = (bus: Bus, text: string, connectionId = 1): BusRoomEvent => ({
      kind: 'say',
      nick: 'alice',
      text,
      timeMs: Date.now(),
      node: bus.nodeId,
      connectionId,
    });

    const texts = (events: SequencedEvent[], room: string) => events.filter((event) => event.room === room).map((event) => event.text);

    test('numbers a room’s events in increasing order, each naming the one before it', async () => {
      const [a] = await nodes(1);
      const bus = a!.bus;
      const seqs: number[] = [];
      for (let i = 0; i < 5; i++) {
        const result = await bus.publish('dev', line(bus, `line ${i}`), randomUUID());
        assert.ok(result.ok);
        seqs.push(result.seq);
        await bus.publish('other', line(bus, `other ${i}`), randomUUID());
      }
      for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]! > seqs[i - 1]!, `seqs ${seqs} increase`);
      const { position, events } = await bus.readLast('dev', 10);
      assert.equal(position?.seq, seqs.at(-1));
      assert.deepEqual(
        events.map((event) => event.seq),
        seqs,
      );
      assert.deepEqual(
        events.map((event) => event.prevSeq),
        [0, ...seqs.slice(0, -1)],
      );
      assert.deepEqual(texts(events, 'dev'), ['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
    });

    test('two nodes publishing at once: every subscriber sees one order, each event once', async () => {
      const probes = await nodes(3);
      for (const probe of probes) await probe.bus.subscribe('race');
      const [a, b] = probes;
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < 100; i++) {
        sends.push(a!.bus.publish('race', line(a!.bus, `a${i}`), randomUUID()));
        sends.push(b!.bus.publish('race', line(b!.bus, `b${i}`), randomUUID()));
      }
      await Promise.all(sends);
      await waitUntil(() => probes.every((probe) => texts(probe.events, 'race').length === 200), 10_000, 'every node to see 200 events');
      const orders = probes.map((probe) => probe.events.filter((event) => event.room === 'race').map((event) => event.seq));
      assert.deepEqual(orders[1], orders[0]);
      assert.deepEqual(orders[2], orders[0]);
      const order = probes[0]!.events.filter((event) => event.room === 'race');
      for (let i = 1; i < order.length; i++) assert.equal(order[i]!.prevSeq, order[i - 1]!.seq, 'each event names the one before it');
      // Each publisher's lines keep the order it sent them in.
      const fromA = texts(order, 'race').filter((text) => text.startsWith('a'));
      assert.deepEqual(
        fromA,
        Array.from({ length: 100 }, (_, i) => `a${i}`),
      );
    });

    test('prefixes keep services apart; readRange returns exactly the range asked for', async () => {
      const [publisher] = await nodes(1);
      const [otherService] = await nodes(1);
      const bus = publisher!.bus;
      await publisher!.bus.subscribe('range');
      await otherService!.bus.subscribe('range');
      for (let i = 0; i < 12; i++) await bus.publish('range', line(bus, `r${i}`), randomUUID());
      await waitUntil(() => texts(publisher!.events, 'range').length === 12, 10_000, 'the publisher to see its 12 events');
      assert.equal(texts(otherService!.events, 'range').length, 0, 'another prefix sees nothing');
      assert.equal((await otherService!.bus.readLast('range', 5)).position, undefined);
      const all = publisher!.events.filter((event) => event.room === 'range');
      const range = await bus.readRange('range', all[2]!.seq, all[7]!.seq);
      assert.deepEqual(
        range.map((event) => event.seq),
        all.slice(2, 8).map((event) => event.seq),
      );
      assert.deepEqual(texts(await bus.readRange('range', all[11]!.seq + 1, Number.MAX_SAFE_INTEGER), 'range'), []);
      assert.deepEqual(texts(await bus.readRange('range', all[10]!.seq, Number.MAX_SAFE_INTEGER), 'range'), ['r10', 'r11']);
    });

    test('dropLiveEvery drops live events on that node only; the dropped ones are in readRange', async () => {
      const prefix = `t${randomUUID().slice(0, 8)}`;
      const make = (dropLiveEvery: number) =>
        environment.makeBus({ prefix, historySize: 50, timings: testTimings, log: silentLog, dropLiveEvery });
      const received: SequencedEvent[] = [];
      const quiet: BusHandlers = {
        event: (event) => received.push(event),
        nodeMessage: () => {},
        health: () => {},
        nickLost: () => {},
        reap: async () => {},
      };
      const lossy = make(3);
      const sender = make(0);
      await lossy.start(quiet);
      await sender.start({ ...quiet, event: () => {} });
      started.push(lossy, sender);
      await lossy.subscribe('gaps');
      const seqs: number[] = [];
      for (let i = 0; i < 9; i++) {
        const result = await sender.publish('gaps', line(sender, `g${i}`), randomUUID());
        assert.ok(result.ok);
        seqs.push(result.seq);
      }
      await waitUntil(() => received.some((event) => event.seq === seqs[7]), 10_000, 'the lossy node to see the 8th event');
      assert.deepEqual(
        received.map((event) => event.seq),
        seqs.filter((_, i) => (i + 1) % 3 !== 0),
      );
      const afterGap = received.find((event) => event.seq === seqs[3]);
      assert.equal(afterGap?.prevSeq, seqs[2], 'the event after a dropped one names it, so the gap shows');
      const refill = await lossy.readRange('gaps', seqs[2]!, seqs[2]!);
      assert.deepEqual(
        refill.map((event) => event.text),
        ['g2'],
      );
    });

    test('a retried publish with the same key appends once and returns the first result', async () => {
      const [a] = await nodes(1);
      const bus = a!.bus;
      const key = randomUUID();
      const first = await bus.publish('idem', line(bus, 'once'), key);
      const again = await bus.publish('idem', line(bus, 'once'), key);
      assert.ok(first.ok && again.ok);
      assert.equal(again.seq, first.seq);
      assert.equal(again.duplicate, true);
      assert.deepEqual(texts((await bus.readLast('idem', 10)).events, 'idem'), ['once']);
    });

    test('history is bounded per room; readLast and readRange return what is kept', async () => {
      const [a] = await nodes(1, { historySize: 5 });
      const bus = a!.bus;
      assert.deepEqual(await bus.readLast('empty', 5), { position: undefined, events: [] });
      const seqs: number[] = [];
      for (let i = 0; i < 8; i++) {
        const result = await bus.publish('small', line(bus, `s${i}`), randomUUID());
        assert.ok(result.ok);
        seqs.push(result.seq);
      }
      const { position, events } = await bus.readLast('small', 10);
      assert.equal(position?.seq, seqs[7]);
      assert.deepEqual(texts(events, 'small'), ['s3', 's4', 's5', 's6', 's7']);
      assert.deepEqual(texts((await bus.readLast('small', 2)).events, 'small'), ['s6', 's7']);
      assert.deepEqual(texts(await bus.readRange('small', seqs[0]!, seqs[4]!), 'small'), ['s3', 's4']);
    });

    test('a nick claimed by many nodes at once has exactly one holder', async () => {
      const probes = await nodes(3);
      const claims = probes.flatMap((probe, node) =>
        Array.from({ length: 10 }, (_, i) =>
          probe.bus.claimNick('alice', { nick: 'Alice', node: probe.bus.nodeId, connectionId: node * 100 + i }),
        ),
      );
      const results = await Promise.all(claims);
      const won = results.filter((result) => result.ok);
      assert.equal(won.length, 1);
      const holder = await probes[2]!.bus.lookupNick('alice');
      assert.equal(holder?.nick, 'Alice');
      for (const result of results) if (!result.ok && 'heldBy' in result) assert.deepEqual(result.heldBy, holder);
    });

    test('a nick is freed by its holder, never by another node', async () => {
      const [a, b] = await nodes(2);
      assert.deepEqual(await a!.bus.claimNick('bob', { nick: 'bob', node: a!.bus.nodeId, connectionId: 1 }), { ok: true });
      await b!.bus.releaseNick('bob');
      assert.equal((await b!.bus.lookupNick('bob'))?.node, a!.bus.nodeId, 'a release by a non-holder changes nothing');
      await a!.bus.releaseNick('bob');
      assert.equal(await b!.bus.lookupNick('bob'), undefined);
      assert.deepEqual(await b!.bus.claimNick('bob', { nick: 'bob', node: b!.bus.nodeId, connectionId: 2 }), { ok: true });
    });

    test('a nick outlives its TTL while its node heartbeats', async () => {
      const [a, b] = await nodes(2);
      await a!.bus.claimNick('carol', { nick: 'carol', node: a!.bus.nodeId, connectionId: 1 });
      const until = Date.now() + 3 * testTimings.nickTtlMs;
      while (Date.now() < until) {
        assert.equal((await b!.bus.lookupNick('carol'))?.node, a!.bus.nodeId);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.deepEqual(a!.lost, []);
    });

    test('a crashed node: its nicks expire, one survivor reaps it with its members, listings drop them', async () => {
      const [dead, b, c] = await nodes(3);
      const member: NodeMember = { connectionId: 7, nick: 'dave', rooms: ['dev'], operator: false };
      assert.deepEqual(await dead!.bus.claimNick('dave', { nick: 'dave', node: dead!.bus.nodeId, connectionId: 7 }), { ok: true });
      dead!.bus.setMember(member);
      await waitUntil(() => listed(b!.bus, 'dev').includes('dave'), 5_000, 'dave to be listed');
      const crashedAt = Date.now();
      await environment.crash(dead!.bus);
      await waitUntil(() => b!.reaped.length + c!.reaped.length > 0, 10 * testTimings.nickTtlMs, 'a survivor to reap the dead node');
      const reapMs = Date.now() - crashedAt;
      const reaps = [...b!.reaped, ...c!.reaped];
      assert.equal(reaps.length, 1, 'exactly one reaper');
      assert.equal(reaps[0]!.node, dead!.bus.nodeId);
      assert.deepEqual(reaps[0]!.members, [member]);
      assert.ok(reapMs < 5 * testTimings.nickTtlMs, `reaped after ${reapMs} ms`);
      await waitUntil(() => !listed(b!.bus, 'dev').includes('dave'), 5_000, 'dave to leave the listings');
      const claim = await b!.bus.claimNick('dave', { nick: 'dave', node: b!.bus.nodeId, connectionId: 1 });
      assert.deepEqual(claim, { ok: true });
    });

    test('presence: members of every node in listings and whois, gone when removed', async () => {
      const [a, b] = await nodes(2);
      await a!.bus.claimNick('erin', { nick: 'Erin', node: a!.bus.nodeId, connectionId: 3 });
      a!.bus.setMember({ connectionId: 3, nick: 'Erin', rooms: ['dev', 'ops'], operator: true });
      b!.bus.setMember({ connectionId: 4, nick: 'frank', rooms: ['dev'], operator: false });
      await waitUntil(() => listed(a!.bus, 'dev').length === 2, 5_000, 'both members to be listed');
      const rooms = await a!.bus.listRooms();
      assert.equal(rooms.get('dev'), 2);
      assert.equal(rooms.get('ops'), 1);
      assert.deepEqual((await b!.bus.listMembers('dev')).sort(), ['Erin', 'frank']);
      const who = await b!.bus.whois('erin');
      assert.equal(who?.nick, 'Erin');
      assert.equal(who?.node, a!.bus.nodeId);
      assert.deepEqual([...(who?.rooms ?? [])].sort(), ['dev', 'ops']);
      assert.equal(who?.operator, true);
      a!.bus.removeMember(3);
      await waitUntil(() => listed(b!.bus, 'dev').length === 1, 5_000, 'Erin to leave the listings');
    });

    test('a message to another node is delivered; to a node that does not exist it is not', async () => {
      const [a, b] = await nodes(2);
      const message: NodeMessage = { type: 'private', to: 9, from: 'alice', toNick: 'bob', text: 'hi' };
      assert.equal(await a!.bus.sendToNode(b!.bus.nodeId, message), 'delivered');
      await waitUntil(() => b!.messages.length === 1, 5_000, 'the message to arrive');
      assert.deepEqual(b!.messages[0], message);
      assert.equal(await a!.bus.sendToNode(randomUUID(), message), 'no-such-node');
    });

    // Listings are asynchronous; the tests poll them through this cache, refreshed in the background.
    const listings = new Map<Bus, Map<string, string[]>>();
    function listed(bus: Bus, room: string): string[] {
      void bus.listMembers(room).then(
        (nicks) => {
          const rooms = listings.get(bus) ?? new Map<string, string[]>();
          rooms.set(room, nicks);
          listings.set(bus, rooms);
        },
        () => {},
      );
      return listings.get(bus)?.get(room) ?? [];
    }
  });
}

/** A logger that writes nothing: the suite checks behaviour, not log lines. */
export const silentLog = pino({ level: 'silent' });
