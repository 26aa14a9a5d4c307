// The cluster logic of BusCoordinator, on MemoryBus: several nodes in one process, their workers' ops
// recorded. The same behaviour over real Redis and NATS, with real node processes, is in
// test/e2e/cluster.test.ts.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { pino } from 'pino';
import { MemoryBus, MemoryEngine } from '../src/bus/memory-bus.ts';
import { defaultConfig, type ServerConfig } from '../src/config.ts';
import type { CoordinatorOp, WorkerOp } from '../src/thread-messages.ts';
import { BusCoordinator } from '../workers/coordinator/bus-coordinator.ts';
import { waitUntil } from './helpers/wait-until.ts';

const timings = { heartbeatMs: 50, nickTtlMs: 300 };
const log = pino({ level: 'silent' });

/** One node: its coordinator on the shared engine, and every op it sent to its (single) worker. */
class Node {
  readonly bus: MemoryBus;
  readonly coordinator: BusCoordinator;
  readonly ops: CoordinatorOp[] = [];

  constructor(engine: MemoryEngine, config: Partial<ServerConfig> = {}, dropLiveEvery = 0) {
    const full = { ...defaultConfig, busUrl: 'memory://', ...config };
    this.bus = new MemoryBus(engine, { prefix: 'p', historySize: full.historySize, timings, log, dropLiveEvery });
    this.coordinator = new BusCoordinator(
      full,
      (_, op) => this.ops.push(op),
      log,
      this.bus,
      () => {},
    );
  }

  op(op: Exclude<WorkerOp, { type: 'drain' | 'ack' }>): void {
    this.coordinator.handle(0, op);
  }

  /** What connection `connectionId` was sent, of the given op type. */
  sent<T extends CoordinatorOp['type']>(type: T, connectionId?: number): Extract<CoordinatorOp, { type: T }>[] {
    return this.ops.filter(
      (op): op is Extract<CoordinatorOp, { type: T }> =>
        op.type === type && (connectionId === undefined || !('connectionId' in op) || op.connectionId === connectionId),
    );
  }

  /** The room lines delivered to this node's worker, as `seq kind nick text`. */
  lines(room: string): string[] {
    return this.sent('deliver')
      .filter((op) => op.event[0] === room)
      .map(({ event: [, seq, kind, nick, text] }) => `${seq} ${kind} ${nick} ${text}`.trimEnd());
  }

  notices(connectionId: number): string[] {
    return this.sent('reply', connectionId).map(({ notice }) =>
      notice.kind === 'error' ? `!! ${notice.code}` : notice.kind === 'info' ? notice.text : JSON.stringify(notice),
    );
  }

  async hello(connectionId: number, nick: string, room = 'lobby'): Promise<boolean> {
    this.op({ type: 'hello', connectionId, nick, room, address: '127.0.0.1' });
    await waitUntil(() => this.sent('hello-result', connectionId).length > 0, 2_000, `hello of ${nick}`);
    const accepted = this.sent('hello-result', connectionId).at(-1)!.accepted;
    if (accepted) await waitUntil(() => this.sent('joined', connectionId).length > 0, 2_000, `${nick} to join ${room}`);
    return accepted;
  }
}

describe('BusCoordinator on MemoryBus', () => {
  const nodes: Node[] = [];
  after(async () => {
    await Promise.all(nodes.map((node) => node.coordinator.close()));
  });
  async function cluster(count: number, config: Partial<ServerConfig> = {}, dropLiveEvery = 0): Promise<[MemoryEngine, ...Node[]]> {
    const engine = new MemoryEngine();
    const made: Node[] = [];
    for (let i = 0; i < count; i++) {
      const node = new Node(engine, config, i === count - 1 ? dropLiveEvery : 0);
      await node.coordinator.start();
      made.push(node);
    }
    nodes.push(...made);
    return [engine, ...made];
  }

  test('one order per room across nodes, own lines included, and joined before the first line after the join', async () => {
    const [, a, b, c] = await cluster(3);
    assert.ok(await a!.hello(1, 'alice'));
    assert.ok(await b!.hello(2, 'bob'));
    assert.ok(await c!.hello(3, 'carol'));
    for (let i = 0; i < 50; i++) {
      a!.op({ type: 'say', connectionId: 1, room: 'lobby', kind: 'say', text: `a${i}` });
      b!.op({ type: 'say', connectionId: 2, room: 'lobby', kind: 'say', text: `b${i}` });
    }
    await waitUntil(
      () => [a, b, c].every((node) => node!.lines('lobby').filter((line) => / say /.test(line)).length === 100),
      5_000,
      '100 lines everywhere',
    );
    const fromCarolsJoin = (node: Node) => node.lines('lobby').slice(node.lines('lobby').findIndex((line) => line.endsWith('join carol')));
    assert.deepEqual(fromCarolsJoin(a!), fromCarolsJoin(c!));
    assert.deepEqual(fromCarolsJoin(b!), fromCarolsJoin(c!));
    const aliceLines = a!.lines('lobby').filter((line) => / say alice /.test(line));
    assert.deepEqual(
      aliceLines.map((line) => line.split(' ').at(-1)),
      Array.from({ length: 50 }, (_, i) => `a${i}`),
    );
    // Carol's `joined` reached her worker before any line sequenced after her join.
    const joinedAt = c!.ops.findIndex((op) => op.type === 'joined' && op.connectionId === 3);
    const firstLineAt = c!.ops.findIndex((op) => op.type === 'deliver');
    assert.ok(joinedAt >= 0 && joinedAt < firstLineAt);
  });

  test('a nick is unique across nodes, look-alikes included', async () => {
    const [, a, b] = await cluster(2);
    const results = await Promise.all([a!.hello(1, 'alice'), b!.hello(2, 'alice'), b!.hello(3, 'ALICE')]);
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await b!.hello(4, 'aIice'), false);
    assert.equal(b!.sent('hello-result', 4)[0]!.heldBy?.toLowerCase(), 'alice');
  });

  test('/msg, /whois and /kick reach a user on another node; listings show every node', async () => {
    const operatorPassword = 'sesame';
    const [, a, b] = await cluster(2, { operatorPassword });
    await a!.hello(1, 'alice');
    await b!.hello(2, 'bob');
    a!.op({ type: 'private', connectionId: 1, toNick: 'BOB', text: 'psst' });
    await waitUntil(() => b!.sent('reply', 2).some(({ notice }) => notice.kind === 'private'), 2_000, 'bob to get the message');
    assert.deepEqual(b!.sent('reply', 2).find(({ notice }) => notice.kind === 'private')!.notice, {
      kind: 'private',
      from: 'alice',
      to: 'bob',
      text: 'psst',
      echo: false,
    });
    await waitUntil(() => a!.sent('reply', 1).some(({ notice }) => notice.kind === 'private' && notice.echo), 2_000, 'alice’s echo');
    a!.op({ type: 'private', connectionId: 1, toNick: 'nobody', text: 'hi' });
    await waitUntil(() => a!.notices(1).includes('!! NO_SUCH_NICK'), 2_000, 'NO_SUCH_NICK');
    a!.op({ type: 'whois', connectionId: 1, nick: 'bob' });
    await waitUntil(() => a!.sent('reply', 1).some(({ notice }) => notice.kind === 'whois'), 2_000, 'the whois answer');
    const whois = a!.sent('reply', 1).find(({ notice }) => notice.kind === 'whois')!.notice;
    assert.deepEqual(whois, { kind: 'whois', nick: 'bob', online: true, rooms: ['lobby'], operator: false });
    a!.op({ type: 'list-members', connectionId: 1, room: 'lobby' });
    a!.op({ type: 'list-rooms', connectionId: 1 });
    await waitUntil(() => a!.sent('answer', 1).length === 2, 2_000, 'the listings');
    assert.deepEqual(
      a!.sent('answer', 1).map(({ listing }) => listing),
      [
        { kind: 'members', room: 'lobby', nicks: ['alice', 'bob'], more: 0 },
        { kind: 'rooms', rooms: [['lobby', 2]], more: 0 },
      ],
    );
    a!.op({ type: 'oper', connectionId: 1, password: operatorPassword });
    a!.op({ type: 'kick', connectionId: 1, nick: 'bob', reason: 'spam' });
    await waitUntil(() => b!.sent('kicked', 2).length === 1, 2_000, 'bob to be kicked');
    assert.deepEqual(b!.sent('kicked', 2)[0], { type: 'kicked', connectionId: 2, by: 'alice', reason: 'spam' });
  });

  test('history on join is the room’s, whichever node the lines came from', async () => {
    const [, a, b] = await cluster(2, { historySize: 20, historyOnJoin: 5 });
    await a!.hello(1, 'alice', 'dev');
    for (let i = 0; i < 15; i++) a!.op({ type: 'say', connectionId: 1, room: 'dev', kind: 'say', text: `h${i}` });
    await waitUntil(() => a!.lines('dev').length === 16, 2_000, 'alice’s lines back');
    await b!.hello(2, 'bob', 'dev');
    const history = b!.sent('joined', 2)[0]!.history.map((event) => event[4]);
    assert.deepEqual(history, ['h10', 'h11', 'h12', 'h13', 'h14']);
  });

  test('a node that dies: its users quit every room, once, on the other nodes', async () => {
    const [, a, b, c] = await cluster(3);
    await a!.hello(1, 'alice');
    await b!.hello(2, 'bob');
    await c!.hello(3, 'carol');
    b!.bus.crash();
    await waitUntil(() => a!.lines('lobby').some((line) => line.includes('quit bob')), 10 * timings.nickTtlMs, 'bob’s quit');
    await waitUntil(() => c!.lines('lobby').some((line) => line.includes('quit bob')), 2_000, 'bob’s quit on c');
    assert.equal(a!.lines('lobby').filter((line) => line.includes('quit bob')).length, 1);
    assert.ok(await a!.hello(4, 'bob'), 'bob’s nick is free again');
  });

  test('bus outage: members told once, lines refused, a quit meanwhile published on return, nothing twice', async () => {
    const [engine, a, b] = await cluster(2);
    await a!.hello(1, 'alice');
    await b!.hello(2, 'bob');
    a!.op({ type: 'say', connectionId: 1, room: 'lobby', kind: 'say', text: 'before' });
    await waitUntil(() => b!.lines('lobby').some((line) => line.endsWith('before')), 2_000, 'the line before');
    engine.setUp(false);
    a!.op({ type: 'say', connectionId: 1, room: 'lobby', kind: 'say', text: 'during' });
    await waitUntil(() => a!.notices(1).includes('!! BUS_UNAVAILABLE'), 2_000, 'the refusal');
    assert.equal(a!.notices(1).filter((text) => text.includes('unreachable')).length, 1);
    b!.op({ type: 'leave', connectionId: 2, reason: 'bye' });
    engine.setUp(true);
    await waitUntil(() => a!.lines('lobby').some((line) => line.endsWith('quit bob bye')), 2_000, 'bob’s quit after the outage');
    assert.ok(a!.notices(1).includes('The chat bus is back.'));
    a!.op({ type: 'say', connectionId: 1, room: 'lobby', kind: 'say', text: 'after' });
    await waitUntil(() => a!.lines('lobby').some((line) => line.endsWith('after')), 2_000, 'the line after');
    const lines = a!.lines('lobby');
    assert.equal(new Set(lines).size, lines.length, 'nothing delivered twice');
    assert.ok(!lines.some((line) => line.endsWith('during')), 'a refused line is never sent');
  });

  test('a lossy live feed: every line still arrives, in order, through gap fills', async () => {
    const [, a, lossy] = await cluster(2, {}, 4);
    await a!.hello(1, 'alice');
    await lossy!.hello(2, 'bob');
    for (let i = 0; i < 40; i++) a!.op({ type: 'say', connectionId: 1, room: 'lobby', kind: 'say', text: `l${i}` });
    const said = (node: Node) => node.lines('lobby').filter((line) => / say /.test(line));
    await waitUntil(
      () => said(lossy!).length === 40,
      5_000,
      () => `40 lines on the lossy node, got ${said(lossy!).length}`,
    );
    assert.deepEqual(said(lossy!), said(a!));
    assert.ok(lossy!.coordinator.stats().bus!.gapFills > 0);
  });

  test('a room’s last line lost on its way with nothing after it still arrives, from the periodic position check', async () => {
    // The lossy node gets no live event at all: everything it delivers comes from reading the bus.
    const [, a, lossy] = await cluster(2, {}, 1);
    await a!.hello(1, 'alice');
    await lossy!.hello(2, 'bob');
    const said = (node: Node) => node.lines('lobby').filter((line) => / say /.test(line));
    a!.op({ type: 'say', connectionId: 1, room: 'lobby', kind: 'say', text: 'one' });
    a!.op({ type: 'say', connectionId: 1, room: 'lobby', kind: 'say', text: 'two' });
    await waitUntil(() => said(a!).length === 2, 2_000, 'both lines on the sender’s node');
    await waitUntil(
      () => said(lossy!).length === 2,
      8_000,
      () => `both lines on the lossy node, got ${said(lossy!)}`,
    );
    assert.deepEqual(said(lossy!), said(a!));
  });

  test('the bus restarting without its data: rooms reset, members told, chat goes on', async () => {
    const [engine, a, b] = await cluster(2);
    await a!.hello(1, 'alice');
    await b!.hello(2, 'bob');
    engine.setUp(false);
    engine.forgetEverything();
    engine.setUp(true);
    await waitUntil(() => a!.notices(1).some((text) => text.includes('lost the history')), 2_000, 'the reset notice');
    const text = randomUUID();
    b!.op({ type: 'say', connectionId: 2, room: 'lobby', kind: 'say', text });
    await waitUntil(() => a!.lines('lobby').some((line) => line.endsWith(text)), 2_000, 'a line after the reset');
  });
});
