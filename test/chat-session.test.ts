// ChatSession without sockets, threads or bytes: a recording host plays the connection, and the test
// plays the coordinator by handing the session its answers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultConfig } from '../src/config.ts';
import type { ServerStats } from '../src/control-api.ts';
import { historyCost, listRoomsCost } from '../src/protocol/command-cost.ts';
import { errorNotice } from '../src/protocol/errors.ts';
import type { PackedRoomEvent, WorkerOp } from '../src/thread-messages.ts';
import type { ChatEvent } from '../workers/connection/chat-event.ts';
import { ChatSession, type ChatSessionHost } from '../workers/connection/chat-session.ts';

class RecordingHost implements ChatSessionHost {
  readonly connectionId = 7;
  readonly address = '192.0.2.1';
  readonly config = { ...defaultConfig, maxRoomsPerClient: 3, historySize: 50 };
  ops: WorkerOp[] = [];
  shown: { event: ChatEvent; answer: boolean }[] = [];
  readonly localRooms = new Set<string>();
  charged: number[] = [];
  settled: boolean[] = [];
  ended: ChatEvent[] = [];
  send(op: WorkerOp): void {
    this.ops.push(op);
  }
  show(event: ChatEvent, answer = false): void {
    this.shown.push({ event, answer });
  }
  chargeCommand(cost: number): void {
    this.charged.push(cost);
  }
  joinLocal(room: string): void {
    this.localRooms.add(room);
  }
  leaveLocal(room: string): void {
    this.localRooms.delete(room);
  }
  isLocalMember(room: string): boolean {
    return this.localRooms.has(room);
  }
  serverStats(): Promise<ServerStats> {
    return Promise.reject(new Error('not in these tests'));
  }
  nickSettled(accepted: boolean): void {
    this.settled.push(accepted);
  }
  end(last: ChatEvent): void {
    this.ended.push(last);
  }
  /** What was sent and shown since the last take. */
  take(): { ops: WorkerOp[]; shown: ChatEvent[] } {
    const taken = { ops: this.ops, shown: this.shown.map(({ event }) => event) };
    this.ops = [];
    this.shown = [];
    return taken;
  }
}

/** A session that has chosen `nick` and had it accepted, in the lobby; what that took is discarded. */
function chatting(nick = 'alice'): { host: RecordingHost; session: ChatSession } {
  const host = new RecordingHost();
  const session = new ChatSession(host);
  session.start();
  session.chooseNick(nick);
  session.coordinatorOp({ type: 'hello-result', connectionId: 7, nick, accepted: true, heldBy: undefined });
  session.coordinatorOp({ type: 'joined', connectionId: 7, room: 'lobby', history: [] });
  host.take();
  return { host, session };
}

describe('ChatSession', () => {
  test('asks for a nick, refuses an invalid one itself, claims a valid one and settles on the answer', () => {
    const host = new RecordingHost();
    const session = new ChatSession(host);
    session.start();
    session.chooseNick('9lives');
    assert.deepEqual(host.take(), { ops: [], shown: [{ kind: 'ask-nick' }, errorNotice('NICK_INVALID', '9lives'), { kind: 'ask-nick' }] });
    session.chooseNick('alice');
    assert.equal(session.phase, 'claiming');
    assert.deepEqual(host.take().ops, [{ type: 'hello', connectionId: 7, nick: 'alice', room: 'lobby', address: '192.0.2.1' }]);
    session.coordinatorOp({ type: 'hello-result', connectionId: 7, nick: 'alice', accepted: false, heldBy: 'Alice' });
    assert.deepEqual(host.take().shown, [errorNotice('NICK_TAKEN', 'alice'), { kind: 'ask-nick' }]);
    assert.equal(session.phase, 'naming');
    session.chooseNick('aIice');
    session.coordinatorOp({ type: 'hello-result', connectionId: 7, nick: 'aIice', accepted: false, heldBy: 'alice' });
    assert.deepEqual(host.take().shown[0], errorNotice('NICK_LOOKALIKE', 'aIice', 'alice'));
    session.chooseNick('bob');
    session.coordinatorOp({ type: 'hello-result', connectionId: 7, nick: 'bob', accepted: true, heldBy: undefined });
    assert.deepEqual(host.take().shown, [{ kind: 'welcome', nick: 'bob', room: 'lobby' }]);
    assert.deepEqual(host.settled, [false, false, true]);
    assert.equal(session.nick, 'bob');
  });

  test('a client that cannot answer a refusal gets the first free NICK_2, NICK_3, ...', () => {
    const host = new RecordingHost();
    const session = new ChatSession(host);
    session.chooseNick('seed', true);
    for (const nick of ['seed', 'seed_2']) {
      session.coordinatorOp({ type: 'hello-result', connectionId: 7, nick, accepted: false, heldBy: nick });
    }
    assert.deepEqual(
      host.take().ops.map((op) => (op.type === 'hello' ? op.nick : op.type)),
      ['seed', 'seed_2', 'seed_3'],
    );
    assert.deepEqual(host.settled, [], 'still claiming: nothing waiting is replayed yet');
    session.coordinatorOp({ type: 'hello-result', connectionId: 7, nick: 'seed_3', accepted: true, heldBy: undefined });
    assert.equal(session.nick, 'seed_3');
  });

  test('commands become ops for the coordinator; text is sanitised, listings charged', () => {
    const { host, session } = chatting();
    session.command({ kind: 'say', text: 'hi\u001b[2J' });
    session.command({ kind: 'say', text: '   ' });
    session.command({ kind: 'rooms' });
    session.command({ kind: 'history', count: 1000 });
    assert.deepEqual(host.take().ops, [
      { type: 'say', connectionId: 7, room: 'lobby', kind: 'say', text: 'hi\uFFFD[2J' },
      { type: 'list-rooms', connectionId: 7 },
      { type: 'history', connectionId: 7, room: 'lobby', count: 50 },
    ]);
    assert.deepEqual(host.charged, [listRoomsCost, historyCost(50)]);
    session.command({ kind: 'nick', nick: 'alice' });
    session.command({ kind: 'stats' });
    assert.deepEqual(host.take(), {
      ops: [],
      shown: [{ kind: 'info', text: 'You are already alice.' }, errorNotice('OPER_DISABLED')],
    });
  });

  test('rooms: join makes it current, a room is a local member only once joined and until parted', () => {
    const { host, session } = chatting();
    session.command({ kind: 'join', room: 'dev' });
    assert.deepEqual(host.take().ops, [{ type: 'join', connectionId: 7, room: 'dev' }]);
    assert.ok(!host.localRooms.has('dev'), 'not before the coordinator says joined');
    const history: PackedRoomEvent[] = [['dev', 4, 'say', 'bob', 'earlier', 1000]];
    session.coordinatorOp({ type: 'joined', connectionId: 7, room: 'dev', history });
    assert.ok(host.localRooms.has('dev'));
    assert.deepEqual(host.take().shown, [
      { kind: 'joined', room: 'dev', events: [{ room: 'dev', seq: 4, kind: 'say', nick: 'bob', text: 'earlier', timeMs: 1000 }] },
    ]);
    session.command({ kind: 'say', text: 'hello dev' });
    session.command({ kind: 'join', room: 'lobby' });
    session.command({ kind: 'part', room: undefined });
    assert.deepEqual(host.take(), {
      ops: [
        { type: 'say', connectionId: 7, room: 'dev', kind: 'say', text: 'hello dev' },
        { type: 'part', connectionId: 7, room: 'lobby' },
      ],
      shown: [{ kind: 'current-room', room: 'lobby' }],
    });
    assert.ok(host.localRooms.has('lobby'), 'a parting member still gets what was sequenced before its part');
    session.coordinatorOp({ type: 'parted', connectionId: 7, room: 'lobby' });
    assert.ok(!host.localRooms.has('lobby'));
    assert.deepEqual(host.take().shown, [{ kind: 'parted', room: 'lobby', current: 'dev' }]);
    session.command({ kind: 'switch', room: 'lobby' });
    assert.deepEqual(host.take().shown, [errorNotice('NOT_IN_ROOM', 'lobby')]);
  });

  test('for other dialects: every join is shown (history or not), isIn, names on joining uncharged, becoming an operator', () => {
    const { host, session } = chatting();
    session.command({ kind: 'join', room: 'dev' });
    assert.ok(session.isIn('dev') && session.isIn('lobby') && !session.isIn('ops'));
    session.coordinatorOp({ type: 'joined', connectionId: 7, room: 'dev', history: [] });
    host.take();
    session.namesOnJoin('dev');
    assert.deepEqual(host.take().ops, [{ type: 'list-members', connectionId: 7, room: 'dev' }]);
    assert.deepEqual(host.charged, [], 'part of the join, not a listing');
    session.coordinatorOp({ type: 'joined', connectionId: 7, room: 'lobby', history: [] });
    session.coordinatorOp({ type: 'oper-granted', connectionId: 7 });
    assert.deepEqual(host.take().shown, [{ kind: 'operator' }]);
    const fresh = new ChatSession(new RecordingHost());
    fresh.namesOnJoin('dev');
    assert.ok(!fresh.isIn('lobby'));
  });

  test('say, me and history may name a room the client is in instead of the current one', () => {
    const { host, session } = chatting();
    session.command({ kind: 'join', room: 'dev' });
    host.take();
    session.command({ kind: 'say', text: 'to the lobby', room: 'lobby' });
    session.command({ kind: 'me', text: 'waves', room: 'lobby' });
    session.command({ kind: 'history', count: 5, room: 'lobby' });
    session.command({ kind: 'say', text: 'to the current room' });
    session.command({ kind: 'say', text: 'nowhere', room: 'elsewhere' });
    session.command({ kind: 'history', count: 5, room: 'elsewhere' });
    assert.deepEqual(host.take(), {
      ops: [
        { type: 'say', connectionId: 7, room: 'lobby', kind: 'say', text: 'to the lobby' },
        { type: 'say', connectionId: 7, room: 'lobby', kind: 'me', text: 'waves' },
        { type: 'history', connectionId: 7, room: 'lobby', count: 5 },
        { type: 'say', connectionId: 7, room: 'dev', kind: 'say', text: 'to the current room' },
      ],
      shown: [errorNotice('NOT_IN_ROOM', 'elsewhere'), errorNotice('NOT_IN_ROOM', 'elsewhere')],
    });
  });

  test('a join answered after the client parted again does not make it a member', () => {
    const { host, session } = chatting();
    session.command({ kind: 'join', room: 'dev' });
    session.command({ kind: 'part', room: 'dev' });
    session.coordinatorOp({ type: 'joined', connectionId: 7, room: 'dev', history: [] });
    assert.ok(!host.localRooms.has('dev'));
  });

  test('answers to listings are shown as answers (charged to the client); replies are not', () => {
    const { host, session } = chatting();
    session.coordinatorOp({ type: 'answer', connectionId: 7, listing: { kind: 'rooms', rooms: [['lobby', 1]], more: 0 } });
    session.coordinatorOp({ type: 'history', connectionId: 7, room: 'lobby', events: [] });
    session.coordinatorOp({
      type: 'reply',
      connectionId: 7,
      notice: { kind: 'private', from: 'bob', to: 'alice', text: 'hi', echo: false },
    });
    assert.deepEqual(
      host.shown.map(({ event, answer }) => [event.kind, answer]),
      [
        ['rooms', true],
        ['history', true],
        ['private', false],
      ],
    );
  });

  test('/quit leaves through the coordinator once, and the connection ends only when it says left', () => {
    const { host, session } = chatting();
    session.command({ kind: 'quit', reason: '  see you  ' });
    session.close(errorNotice('IDLE_TIMEOUT', 60), 'timed out');
    assert.deepEqual(host.take().ops, [{ type: 'leave', connectionId: 7, reason: 'see you' }]);
    assert.equal(session.phase, 'leaving');
    assert.ok(host.localRooms.has('lobby'), 'still a member until left');
    assert.deepEqual(host.ended, []);
    session.coordinatorOp({ type: 'left', connectionId: 7 });
    assert.deepEqual(host.ended, [{ kind: 'goodbye', reason: 'see you' }]);
    assert.equal(host.localRooms.size, 0);
    assert.equal(session.closeReason, 'see you');
  });

  test('a client still choosing a nick is closed at once, without the coordinator', () => {
    const host = new RecordingHost();
    const session = new ChatSession(host);
    session.close(errorNotice('HANDSHAKE_TIMEOUT', 10), 'timed out');
    assert.deepEqual(host.ops, []);
    assert.deepEqual(host.ended, [errorNotice('HANDSHAKE_TIMEOUT', 10)]);
    assert.equal(session.phase, 'closed');
  });

  test('kicked: closes with the reason; dropped: gone at once, and later ops are ignored', () => {
    const kicked = chatting();
    kicked.session.coordinatorOp({ type: 'kicked', connectionId: 7, by: 'op', reason: 'spam' });
    assert.deepEqual(kicked.host.take().ops, [{ type: 'leave', connectionId: 7, reason: 'kicked by op: spam' }]);
    kicked.session.coordinatorOp({ type: 'left', connectionId: 7 });
    assert.deepEqual(kicked.host.ended, [errorNotice('KICKED', 'op', 'spam')]);

    const { host, session } = chatting();
    session.drop('slow consumer');
    assert.deepEqual(host.take().ops, [{ type: 'leave', connectionId: 7, reason: 'slow consumer' }]);
    assert.equal(host.localRooms.size, 0);
    session.coordinatorOp({ type: 'left', connectionId: 7 });
    session.disconnected();
    assert.deepEqual(host.take(), { ops: [], shown: [] }, 'the coordinator hears of the leave once');
    assert.deepEqual(host.ended, []);
  });
});
