import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pino } from 'pino';
import { defaultConfig, type ServerConfig } from '../src/config.ts';
import { unpackRoomEvent } from '../src/packed-room-event.ts';
import { renderHistory, renderLine } from '../src/protocol/room-event-lines.ts';
import type { CoordinatorOp } from '../src/thread-messages.ts';
import { renderChatEvent } from '../workers/connection/dialects/line-dialect.ts';
import { Coordinator } from '../workers/coordinator/coordinator.ts';

/** The worker ops the Coordinator itself handles (its thread may intercept others). */
type HandledOp = Parameters<Coordinator['handle']>[1];

/** A Coordinator whose ops to each worker are recorded, as the worker's port would receive them. */
class Harness {
  readonly coordinator: Coordinator;
  readonly #sent = new Map<number, CoordinatorOp[]>();
  /** The coordinator's clock (ms); tests move it. */
  nowMs = Date.UTC(2026, 11, 1, 10, 42, 7);

  constructor(config: Partial<ServerConfig> = {}) {
    const send = (workerId: number, op: CoordinatorOp) => {
      const ops = this.#sent.get(workerId) ?? [];
      ops.push(op);
      this.#sent.set(workerId, ops);
    };
    this.coordinator = new Coordinator({ ...defaultConfig, ...config }, send, pino({ level: 'silent' }), () => this.nowMs);
  }

  /** The ops sent to a worker since the last take, oldest first. */
  take(workerId: number): CoordinatorOp[] {
    const ops = this.#sent.get(workerId) ?? [];
    this.#sent.delete(workerId);
    return ops;
  }

  takeAll(): void {
    this.#sent.clear();
  }

  op(workerId: number, op: HandledOp): void {
    this.coordinator.handle(workerId, op);
  }

  /** Registers a nick in the lobby and returns whether it was accepted; recorded ops are discarded. */
  hello(workerId: number, connectionId: number, nick: string, address = '127.0.0.1'): boolean {
    this.op(workerId, { type: 'hello', connectionId, nick, room: 'lobby', address });
    const result = this.take(workerId).find((op) => op.type === 'hello-result');
    this.takeAll();
    return result?.type === 'hello-result' && result.accepted;
  }

  /** Connection `connectionId` says `text` in `room`; the coordinator names the sender. */
  say(connectionId: number, room: string, text: string): void {
    this.op(0, { type: 'say', connectionId, room, kind: 'say', text });
  }
}

// Room events are checked as the line protocol's worker renders them: the exact bytes clients get.
const deliveries = (ops: readonly CoordinatorOp[]) =>
  ops.flatMap((op) => (op.type === 'deliver' ? [renderLine(unpackRoomEvent(op.event))] : []));
const replies = (ops: readonly CoordinatorOp[]) => ops.flatMap((op) => (op.type === 'reply' ? [renderChatEvent(op.notice)] : []));
const answers = (ops: readonly CoordinatorOp[]) =>
  ops.flatMap((op) =>
    op.type === 'answer'
      ? [renderChatEvent(op.listing)]
      : op.type === 'history'
        ? [renderHistory(op.room, op.events.map(unpackRoomEvent))]
        : [],
  );

describe('Coordinator', () => {
  test('past --max-rooms a new room is refused, existing rooms and the lobby are not', () => {
    const h = new Harness({ maxRooms: 2 });
    assert.ok(h.hello(1, 10, 'alice'));
    h.op(1, { type: 'join', connectionId: 10, room: 'one' });
    h.takeAll();
    assert.ok(h.hello(1, 11, 'bob'));
    h.op(1, { type: 'join', connectionId: 11, room: 'two' });
    const [refusal] = h.take(1);
    assert.equal(refusal?.type, 'join-refused');
    assert.match(refusal.type === 'join-refused' ? renderChatEvent(refusal.error) : '', /^!! ROOM_LIMIT /);
    h.op(1, { type: 'join', connectionId: 11, room: 'one' });
    assert.equal(h.take(1)[0]?.type, 'joined');
    // Everyone leaves the lobby: it is forgotten, yet a newcomer can always get in.
    h.op(1, { type: 'part', connectionId: 10, room: 'lobby' });
    h.op(1, { type: 'part', connectionId: 11, room: 'lobby' });
    h.op(1, { type: 'join', connectionId: 11, room: 'three' });
    h.takeAll();
    assert.ok(h.hello(1, 12, 'carol'));
    assert.equal(h.coordinator.stats().rooms, 3, 'one, three, and the lobby even past the limit');
  });

  test('hello: accepted, then joined (lobby, no history), then the join notice as data', () => {
    const h = new Harness();
    h.op(1, { type: 'hello', connectionId: 10, nick: 'alice', room: 'lobby', address: '127.0.0.1' });
    assert.deepEqual(h.take(1), [
      { type: 'hello-result', connectionId: 10, nick: 'alice', accepted: true, heldBy: undefined },
      { type: 'joined', connectionId: 10, room: 'lobby', history: [] },
      { type: 'deliver', event: ['lobby', 1, 'join', 'alice', '', h.nowMs] },
    ]);
  });

  test('room events carry the room sequence number, one sequence per room', () => {
    const h = new Harness();
    h.hello(1, 10, 'alice');
    h.op(1, { type: 'join', connectionId: 10, room: 'dev' });
    h.say(10, 'dev', 'one');
    h.say(10, 'lobby', 'two');
    h.op(1, { type: 'rename', connectionId: 10, nick: 'alicia' });
    const events = h.take(1).flatMap((op) => (op.type === 'deliver' ? [unpackRoomEvent(op.event)] : []));
    assert.deepEqual(
      events.map(({ room, seq, kind, nick, text }) => `${room} ${seq} ${kind} ${nick} ${text}`),
      ['dev 1 join alice ', 'dev 2 say alice one', 'lobby 2 say alice two', 'lobby 3 rename alice alicia', 'dev 3 rename alice alicia'],
    );
  });

  test('whois: the nick as held, its rooms and operator status; a look-alike or absent nick is not online', () => {
    const h = new Harness();
    assert.ok(h.hello(1, 10, 'Alice'));
    assert.ok(h.hello(2, 20, 'asker'));
    h.op(1, { type: 'join', connectionId: 10, room: 'dev' });
    h.takeAll();
    h.op(2, { type: 'whois', connectionId: 20, nick: 'alice' });
    h.op(2, { type: 'whois', connectionId: 20, nick: 'A1ice' });
    const notices = h.take(2).flatMap((op) => (op.type === 'reply' ? [op.notice] : []));
    assert.deepEqual(notices, [
      { kind: 'whois', nick: 'Alice', online: true, rooms: ['dev', 'lobby'], operator: false },
      { kind: 'whois', nick: 'A1ice', online: false, rooms: [], operator: false },
    ]);
  });

  test('nicks are unique server-wide regardless of case', () => {
    const h = new Harness();
    assert.ok(h.hello(1, 10, 'Alice'));
    h.op(2, { type: 'hello', connectionId: 20, nick: 'aLiCe', room: 'lobby', address: '127.0.0.1' });
    assert.deepEqual(h.take(2), [{ type: 'hello-result', connectionId: 20, nick: 'aLiCe', accepted: false, heldBy: 'Alice' }]);
    assert.deepEqual(h.take(1), [], 'a refused hello is not announced');
    assert.equal(h.coordinator.stats().nicks, 1);
  });

  test('join sends joined with recent history, marked with its time, before the join notice', () => {
    const h = new Harness({ historySize: 10, historyOnJoin: 2 });
    h.hello(1, 10, 'alice');
    h.op(1, { type: 'join', connectionId: 10, room: 'dev' });
    for (const text of ['one', 'two', 'three']) {
      h.say(10, 'dev', text);
      h.nowMs += 1000;
    }
    h.hello(1, 11, 'bob');
    h.takeAll();
    h.op(1, { type: 'join', connectionId: 11, room: 'dev' });
    const [joined, ...rest] = h.take(1);
    assert.ok(joined?.type === 'joined' && joined.connectionId === 11 && joined.room === 'dev');
    assert.equal(
      renderHistory('dev', joined.history.map(unpackRoomEvent)),
      '-- the last 2 messages of dev (earlier, times in UTC):\n' +
        '-- 2026-12-01 10:42:08Z [dev] <alice> two\n-- 2026-12-01 10:42:09Z [dev] <alice> three\n',
    );
    assert.deepEqual(deliveries(rest), ['[dev] -- bob joined\n']);
    assert.equal(rest.length, 1);
  });

  test('joining a room twice changes nothing', () => {
    const h = new Harness();
    h.hello(1, 10, 'alice');
    h.op(1, { type: 'join', connectionId: 10, room: 'lobby' });
    assert.deepEqual(h.take(1), []);
  });

  test('a room line goes once to each worker with members there, not once per member', () => {
    const h = new Harness();
    for (const id of [10, 11, 12]) h.hello(1, id, `w1_${id}`);
    for (const id of [20, 21]) h.hello(2, id, `w2_${id}`);
    h.hello(3, 30, 'w3_30');
    for (const id of [10, 11, 12]) h.op(1, { type: 'join', connectionId: id, room: 'dev' });
    for (const id of [20, 21]) h.op(2, { type: 'join', connectionId: id, room: 'dev' });
    h.takeAll();
    const before = h.coordinator.stats();
    h.say(10, 'dev', 'hello');
    assert.deepEqual(deliveries(h.take(1)), ['[dev] <w1_10> hello\n']);
    assert.deepEqual(deliveries(h.take(2)), ['[dev] <w1_10> hello\n']);
    assert.deepEqual(h.take(3), [], 'worker 3 has nobody in dev');
    const after = h.coordinator.stats();
    assert.equal(after.forwards - before.forwards, 2);
    assert.equal(after.roomMessages - before.roomMessages, 1);
  });

  test('every worker receives a room’s lines in one order, whoever sends them', () => {
    const h = new Harness();
    h.hello(1, 10, 'alice');
    h.hello(2, 20, 'bob');
    h.takeAll();
    for (let i = 0; i < 20; i++) h.say(i % 2 === 0 ? 10 : 20, 'lobby', `m${i}`);
    const expected = Array.from({ length: 20 }, (_, i) => `[lobby] <${i % 2 === 0 ? 'alice' : 'bob'}> m${i}\n`);
    assert.deepEqual(deliveries(h.take(1)), expected);
    assert.deepEqual(deliveries(h.take(2)), expected);
  });

  test('a line for a room the sender is not in goes nowhere and is not kept', () => {
    const h = new Harness();
    h.hello(1, 10, 'alice');
    h.hello(2, 20, 'bob');
    h.op(2, { type: 'join', connectionId: 20, room: 'dev' });
    h.takeAll();
    h.say(10, 'ghost', 'boo');
    h.say(10, 'dev', 'not a member');
    h.say(99, 'lobby', 'unknown connection');
    assert.deepEqual(h.take(1), []);
    assert.deepEqual(h.take(2), []);
    assert.equal(h.coordinator.stats().rooms, 2);
    assert.equal(h.coordinator.stats().roomMessages, 3, 'only the hellos and the join were sequenced');
  });

  test('the coordinator names the sender: a line sent before a rename is confirmed carries the nick held when it is sequenced', () => {
    // The rename race: the worker used to stamp its own idea of the nick on the line, while the
    // coordinator had already given the old nick up, so a line could appear under a nick someone else held.
    const h = new Harness();
    h.hello(1, 10, 'alice');
    h.hello(2, 20, 'bob');
    h.takeAll();
    h.op(1, { type: 'rename', connectionId: 10, nick: 'carol' });
    h.hello(2, 21, 'alice');
    h.say(10, 'lobby', 'who am I?');
    assert.deepEqual(deliveries(h.take(2)).slice(-1), ['[lobby] <carol> who am I?\n']);
  });

  test('part: the others hear "left"; the parted worker stops getting the room', () => {
    const h = new Harness();
    h.hello(1, 10, 'alice');
    h.hello(2, 20, 'bob');
    h.takeAll();
    h.op(2, { type: 'part', connectionId: 20, room: 'lobby' });
    assert.deepEqual(deliveries(h.take(1)), ['[lobby] -- bob left\n']);
    assert.deepEqual(h.take(2), [{ type: 'parted', connectionId: 20, room: 'lobby' }], 'parted comes before the notice');
    h.say(10, 'lobby', 'still here');
    assert.deepEqual(deliveries(h.take(2)), []);
    h.op(2, { type: 'part', connectionId: 20, room: 'lobby' });
    assert.deepEqual(deliveries(h.take(1)), ['[lobby] <alice> still here\n'], 'a second part is ignored');
  });

  test('leave: a quit notice in every room of the user, then the `left` answer', () => {
    const h = new Harness();
    h.hello(1, 10, 'alice');
    h.hello(2, 20, 'bob');
    h.op(2, { type: 'join', connectionId: 20, room: 'dev' });
    h.op(1, { type: 'join', connectionId: 10, room: 'dev' });
    h.takeAll();
    h.op(2, { type: 'leave', connectionId: 20, reason: 'bye' });
    assert.deepEqual(deliveries(h.take(1)), ['[lobby] -- bob quit (bye)\n', '[dev] -- bob quit (bye)\n']);
    assert.deepEqual(h.take(2), [{ type: 'left', connectionId: 20 }]);
    assert.ok(h.hello(3, 30, 'BOB'), 'the nick is free again');
  });

  test('leave from a connection the coordinator does not know is still answered', () => {
    const h = new Harness();
    h.op(1, { type: 'leave', connectionId: 99, reason: 'quit' });
    assert.deepEqual(h.take(1), [{ type: 'left', connectionId: 99 }]);
  });

  test('rename: accepted, announced in every room of the user, old nick freed', () => {
    const h = new Harness();
    h.hello(1, 10, 'alice');
    h.hello(2, 20, 'bob');
    h.op(1, { type: 'join', connectionId: 10, room: 'dev' });
    h.op(2, { type: 'join', connectionId: 20, room: 'dev' });
    h.takeAll();
    h.op(1, { type: 'rename', connectionId: 10, nick: 'carol' });
    const ops = h.take(1);
    assert.deepEqual(ops[0], { type: 'rename-result', connectionId: 10, nick: 'carol', accepted: true, heldBy: undefined });
    const notices = ['[lobby] -- alice is now known as carol\n', '[dev] -- alice is now known as carol\n'];
    assert.deepEqual(deliveries(ops), notices);
    assert.deepEqual(deliveries(h.take(2)), notices);
    assert.ok(h.hello(3, 30, 'Alice'), 'the old nick is free');
    assert.ok(!h.hello(3, 31, 'CAROL'), 'the new nick is taken');
  });

  test('rename to a taken nick is refused without a notice; a change of case is allowed', () => {
    const h = new Harness();
    h.hello(1, 10, 'alice');
    h.hello(2, 20, 'bob');
    h.op(1, { type: 'rename', connectionId: 10, nick: 'Bob' });
    assert.deepEqual(h.take(1), [{ type: 'rename-result', connectionId: 10, nick: 'Bob', accepted: false, heldBy: 'bob' }]);
    assert.deepEqual(h.take(2), []);
    h.op(1, { type: 'rename', connectionId: 10, nick: 'Alice' });
    assert.deepEqual(h.take(1)[0], { type: 'rename-result', connectionId: 10, nick: 'Alice', accepted: true, heldBy: 'alice' });
  });

  test('private messages cross workers; the sender gets the delivered form; unknown nicks get NO_SUCH_NICK', () => {
    const h = new Harness();
    h.hello(1, 10, 'alice');
    h.hello(2, 20, 'Bob');
    h.op(1, { type: 'private', connectionId: 10, toNick: 'bob', text: 'psst' });
    const psst = { kind: 'private', from: 'alice', to: 'Bob', text: 'psst' } as const;
    assert.deepEqual(h.take(2), [{ type: 'reply', connectionId: 20, notice: { ...psst, echo: false } }]);
    assert.deepEqual(h.take(1), [{ type: 'reply', connectionId: 10, notice: { ...psst, echo: true } }]);
    assert.deepEqual(replies([{ type: 'reply', connectionId: 20, notice: { ...psst, echo: false } }]), ['[pm] <alice> psst\n']);
    assert.deepEqual(replies([{ type: 'reply', connectionId: 10, notice: { ...psst, echo: true } }]), ['[pm -> Bob] <alice> psst\n']);
    h.op(1, { type: 'private', connectionId: 10, toNick: 'nobody', text: 'hello?' });
    const [error] = replies(h.take(1));
    assert.match(error!, /^!! NO_SUCH_NICK .*nobody/);
  });

  test('forgetWorker frees its nicks and tells the rooms, on the other workers, that its users quit', () => {
    const h = new Harness();
    h.hello(1, 10, 'alice');
    h.hello(2, 20, 'bob');
    h.hello(2, 21, 'dave');
    h.takeAll();
    h.coordinator.forgetWorker(2, 'worker restarted');
    assert.deepEqual(deliveries(h.take(1)), ['[lobby] -- bob quit (worker restarted)\n', '[lobby] -- dave quit (worker restarted)\n']);
    assert.equal(h.coordinator.stats().nicks, 1);
    assert.ok(h.hello(1, 11, 'bob'));
    h.say(11, 'lobby', 'hi');
    assert.deepEqual(h.take(2), [], 'the forgotten worker gets nothing more');
  });

  test('an emptied room is forgotten with its history', () => {
    const h = new Harness();
    h.hello(1, 10, 'alice');
    h.op(1, { type: 'join', connectionId: 10, room: 'dev' });
    h.say(10, 'dev', 'secret');
    assert.equal(h.coordinator.stats().rooms, 2);
    h.op(1, { type: 'part', connectionId: 10, room: 'dev' });
    assert.equal(h.coordinator.stats().rooms, 1);
    h.takeAll();
    h.op(1, { type: 'join', connectionId: 10, room: 'dev' });
    assert.deepEqual(h.take(1)[0], { type: 'joined', connectionId: 10, room: 'dev', history: [] });
  });

  test('rooms, members and history are answered to the asking connection', () => {
    const h = new Harness();
    h.hello(1, 10, 'alice');
    h.hello(2, 20, 'bob');
    h.op(2, { type: 'join', connectionId: 20, room: 'dev' });
    h.say(20, 'dev', 'one');
    h.takeAll();
    h.op(1, { type: 'list-rooms', connectionId: 10 });
    h.op(1, { type: 'list-members', connectionId: 10, room: 'lobby' });
    h.op(1, { type: 'history', connectionId: 10, room: 'dev', count: 5 });
    assert.deepEqual(answers(h.take(1)), [
      '-- rooms: dev (1), lobby (2)\n',
      '-- lobby (2): alice, bob\n',
      '-- the last 2 messages of dev (earlier, times in UTC):\n-- 2026-12-01 10:42:07Z [dev] -- bob joined\n-- 2026-12-01 10:42:07Z [dev] <bob> one\n',
    ]);
  });

  test('/oper: refused unchecked after a few wrong tries per connection and per address; kicks need an operator', () => {
    const h = new Harness({ operatorPassword: 'sesame' });
    h.hello(1, 10, 'guesser', '192.0.2.7');
    h.hello(2, 20, 'sibling', '192.0.2.7');
    h.hello(2, 21, 'victim', '198.51.100.1');
    for (const guess of ['a', 'b', 'c']) h.op(1, { type: 'oper', connectionId: 10, password: guess });
    assert.deepEqual(
      replies(h.take(1)).map((line) => line.slice(0, 14)),
      ['!! OPER_FAILED', '!! OPER_FAILED', '!! OPER_FAILED'],
    );
    h.op(1, { type: 'oper', connectionId: 10, password: 'sesame' });
    assert.match(replies(h.take(1))[0]!, /^!! OPER_LOCKED .*60 s/);
    h.op(2, { type: 'oper', connectionId: 20, password: 'sesame' });
    assert.match(replies(h.take(2))[0]!, /^!! OPER_LOCKED /, 'the same address is locked too');
    h.op(2, { type: 'kick', connectionId: 20, nick: 'victim', reason: 'x' });
    assert.match(replies(h.take(2))[0]!, /^!! NOT_OPERATOR /);
    h.nowMs += 60_000;
    h.op(1, { type: 'oper', connectionId: 10, password: 'sesame' });
    assert.deepEqual(h.take(1), [
      { type: 'oper-granted', connectionId: 10 },
      { type: 'reply', connectionId: 10, notice: { kind: 'info', text: 'You are now an operator.' } },
    ]);
    h.op(1, { type: 'kick', connectionId: 10, nick: 'guesser', reason: 'oops' });
    assert.match(replies(h.take(1))[0]!, /^!! KICK_SELF /);
    h.op(1, { type: 'kick', connectionId: 10, nick: 'victim', reason: 'spam' });
    assert.deepEqual(h.take(2), [{ type: 'kicked', connectionId: 21, by: 'guesser', reason: 'spam' }]);
  });

  test('a client creates at most --room-creations-per-minute rooms; the tokens come back with time', () => {
    const h = new Harness({ roomCreationsPerMinute: 2 });
    h.hello(1, 10, 'alice');
    h.hello(1, 11, 'bob');
    for (const room of ['a', 'b', 'c']) h.op(1, { type: 'join', connectionId: 10, room });
    const refusals = h.take(1).filter((op) => op.type === 'join-refused');
    assert.equal(refusals.length, 1);
    assert.match(refusals[0]!.type === 'join-refused' ? renderChatEvent(refusals[0].error) : '', /^!! ROOM_CREATION_LIMIT .*"c"/);
    h.op(1, { type: 'join', connectionId: 11, room: 'c' });
    assert.equal(h.take(1)[0]?.type, 'joined', "another client's budget is its own");
    h.nowMs += 30_000;
    h.op(1, { type: 'join', connectionId: 10, room: 'd' });
    assert.equal(h.take(1)[0]?.type, 'joined', 'one room back after half a minute');
  });

  describe('cached listings follow every change they show', () => {
    /** Asks for one listing as connection 10 on worker 1 and returns the answer. */
    const ask = (h: Harness, op: HandledOp): string => {
      h.takeAll();
      h.op(1, op);
      const [answer] = answers(h.take(1));
      assert.ok(answer !== undefined, `an answer to ${op.type}`);
      return answer;
    };
    const rooms = { type: 'list-rooms', connectionId: 10 } as const;
    const who = (room: string) => ({ type: 'list-members', connectionId: 10, room }) as const;
    const history = (count: number) => ({ type: 'history', connectionId: 10, room: 'lobby', count }) as const;

    test('/rooms: a room created, joined, parted, emptied', () => {
      const h = new Harness();
      h.hello(1, 10, 'alice');
      h.hello(2, 20, 'bob');
      assert.equal(ask(h, rooms), '-- rooms: lobby (2)\n');
      assert.equal(ask(h, rooms), '-- rooms: lobby (2)\n', 'asked again, unchanged');
      h.op(2, { type: 'join', connectionId: 20, room: 'dev' });
      assert.equal(ask(h, rooms), '-- rooms: dev (1), lobby (2)\n');
      h.op(1, { type: 'join', connectionId: 10, room: 'dev' });
      assert.equal(ask(h, rooms), '-- rooms: dev (2), lobby (2)\n');
      h.op(2, { type: 'part', connectionId: 20, room: 'lobby' });
      assert.equal(ask(h, rooms), '-- rooms: dev (2), lobby (1)\n');
      h.op(2, { type: 'leave', connectionId: 20, reason: 'quit' });
      h.op(1, { type: 'part', connectionId: 10, room: 'dev' });
      assert.equal(ask(h, rooms), '-- rooms: lobby (1)\n');
    });

    test('/who: a join, a rename, a leave, a worker lost', () => {
      const h = new Harness();
      h.hello(1, 10, 'alice');
      assert.equal(ask(h, who('lobby')), '-- lobby (1): alice\n');
      h.hello(2, 20, 'bob');
      assert.equal(ask(h, who('lobby')), '-- lobby (2): alice, bob\n');
      h.op(2, { type: 'rename', connectionId: 20, nick: 'aaron' });
      assert.equal(ask(h, who('lobby')), '-- lobby (2): aaron, alice\n');
      h.hello(3, 30, 'carol');
      assert.equal(ask(h, who('lobby')), '-- lobby (3): aaron, alice, carol\n');
      h.coordinator.forgetWorker(3, 'worker restarted');
      assert.equal(ask(h, who('lobby')), '-- lobby (2): aaron, alice\n');
      h.op(2, { type: 'leave', connectionId: 20, reason: 'quit' });
      assert.equal(ask(h, who('lobby')), '-- lobby (1): alice\n');
      // A room emptied and made again is a new room: nothing of the old one's answer survives.
      h.op(1, { type: 'join', connectionId: 10, room: 'dev' });
      assert.equal(ask(h, who('dev')), '-- dev (1): alice\n');
      h.op(1, { type: 'part', connectionId: 10, room: 'dev' });
      assert.equal(ask(h, who('dev')), '-- nobody is in dev\n');
    });

    test('/history: a new line, another count, a rename notice', () => {
      const h = new Harness();
      h.hello(1, 10, 'alice');
      const one = '-- the last message of lobby (earlier, times in UTC):\n';
      const at = '-- 2026-12-01 10:42:07Z';
      h.say(10, 'lobby', 'one');
      assert.equal(ask(h, history(1)), `${one}${at} [lobby] <alice> one\n`);
      assert.equal(ask(h, history(1)), `${one}${at} [lobby] <alice> one\n`, 'asked again, unchanged');
      h.say(10, 'lobby', 'two');
      assert.equal(ask(h, history(1)), `${one}${at} [lobby] <alice> two\n`);
      assert.equal(
        ask(h, history(2)),
        `-- the last 2 messages of lobby (earlier, times in UTC):\n${at} [lobby] <alice> one\n${at} [lobby] <alice> two\n`,
      );
      h.op(1, { type: 'rename', connectionId: 10, nick: 'alicia' });
      assert.equal(ask(h, history(1)), `${one}${at} [lobby] -- alice is now known as alicia\n`);
    });
  });
});
