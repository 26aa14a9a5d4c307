// The WebSocket dialect without sockets: messages in, the session's ops and the client's frames out. A
// small harness plays the connection (as connection.ts wires them) and the coordinator's answers; an
// EventEmitter stands in for the ws socket the HTTP front hands over (the real one: test/e2e/browser-door.test.ts).
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import type { WebSocket } from 'ws';
import type { ServerStats } from '../src/control-api.ts';
import { defaultConfig } from '../src/config.ts';
import { errorNotice } from '../src/protocol/errors.ts';
import { errorMessage, maxFrameBytes } from '../src/protocol/websocket-messages.ts';
import type { RoomEvent, WorkerOp } from '../src/thread-messages.ts';
import type { ChatEvent } from '../workers/connection/chat-event.ts';
import { ChatSession, type ChatSessionHost } from '../workers/connection/chat-session.ts';
import { WebSocketDialect, type WebSocketDialectHost, webSocketRoomEncoder } from '../workers/connection/dialects/websocket-dialect.ts';

const maxLineBytes = 64;

/** Reads the unmasked frames of `bytes`: [opcode, payload] each. */
function frames(bytes: Buffer): [number, Buffer][] {
  const read: [number, Buffer][] = [];
  for (let at = 0; at < bytes.length; ) {
    const short = bytes[at + 1]! & 0x7f;
    const [length, header] = short === 126 ? [bytes.readUInt16BE(at + 2), 4] : [short, 2];
    read.push([bytes[at]! & 0x0f, bytes.subarray(at + header, at + header + length)]);
    at += header + length;
  }
  return read;
}
const messages = (bytes: Buffer) => frames(bytes).map(([, payload]) => JSON.parse(payload.toString()));

class Harness implements ChatSessionHost, WebSocketDialectHost {
  readonly connectionId = 3;
  readonly address = '127.0.0.1';
  readonly config = defaultConfig;
  readonly session = new ChatSession(this);
  readonly dialect = new WebSocketDialect(this.session, this, maxLineBytes);
  readonly socket = new EventEmitter();
  ops: WorkerOp[] = [];
  out: Buffer[] = [];
  admitting = true;
  guarded = 0;
  send(op: WorkerOp): void {
    this.ops.push(op);
  }
  show(event: ChatEvent): void {
    this.out.push(this.dialect.encode(event));
  }
  write(bytes: Buffer): void {
    this.out.push(bytes);
  }
  guard(handler: () => void): void {
    this.guarded++;
    handler();
  }
  admit(): boolean {
    return this.admitting && !this.session.ending;
  }
  chargeCommand(): void {}
  joinLocal(): void {}
  leaveLocal(): void {}
  isLocalMember(): boolean {
    return false;
  }
  serverStats(): Promise<ServerStats> {
    return Promise.reject(new Error('not in these tests'));
  }
  nickSettled(): void {
    this.dialect.nickSettled();
  }
  end(last: ChatEvent): void {
    this.out.push(this.dialect.encodeLast(last));
  }
  upgrade(): void {
    this.dialect.attach(this.socket as unknown as WebSocket);
  }
  receive(message: object | string, isBinary = false): void {
    this.socket.emit('message', Buffer.from(typeof message === 'string' ? message : JSON.stringify(message)), isBinary);
  }
  accept(nick: string): void {
    this.session.coordinatorOp({ type: 'hello-result', connectionId: 3, nick, accepted: true, heldBy: undefined });
  }
  take(): { ops: WorkerOp[]; out: unknown[] } {
    const taken = { ops: this.ops, out: messages(Buffer.concat(this.out)) };
    this.ops = [];
    this.out = [];
    return taken;
  }
}

function chatting(): Harness {
  const harness = new Harness();
  harness.session.start();
  harness.upgrade();
  harness.receive({ type: 'hello', nick: 'alice' });
  harness.accept('alice');
  harness.take();
  return harness;
}

describe('WebSocketDialect', () => {
  test('nothing goes out before the upgrade; hello claims the nick, other messages wait for it', () => {
    const harness = new Harness();
    harness.session.start();
    assert.equal(Buffer.concat(harness.out).length, 0, 'the HTTP front answers until the upgrade');
    assert.equal(harness.dialect.encodeLast(errorNotice('HANDSHAKE_TIMEOUT', 10)).length, 0);
    harness.upgrade();
    harness.receive({ type: 'say', room: 'lobby', text: 'hi' });
    harness.receive({ type: 'hello', nick: 'alice' });
    harness.receive({ type: 'hello', nick: 'alice' });
    const { ops, out } = harness.take();
    assert.deepEqual(ops, [{ type: 'hello', connectionId: 3, nick: 'alice', room: 'lobby', address: '127.0.0.1' }]);
    assert.deepEqual(
      out.map((message) => (message as { code: string }).code),
      ['TOO_EARLY', 'TOO_EARLY'],
    );
    harness.accept('alice');
    assert.deepEqual(harness.take().out, [
      { type: 'welcome', nick: 'alice', room: 'lobby', maxLineBytes, maxFrameBytes: maxFrameBytes(maxLineBytes) },
    ]);
    assert.equal(harness.guarded, 3, 'every message runs guarded');
  });

  test('messages become the session commands, with the page room standing in for the current room', () => {
    const harness = chatting();
    harness.receive({ type: 'say', room: 'lobby', text: 'hi' });
    harness.receive({ type: 'me', room: 'lobby', text: 'waves' });
    harness.receive({ type: 'join', room: '#Dev' });
    harness.receive({ type: 'msg', to: 'bob', text: 'psst' });
    harness.receive({ type: 'history', room: 'lobby', count: 3 });
    harness.receive({ type: 'command', room: 'lobby', line: 'typed in the lobby' });
    harness.receive({ type: 'command', line: 'typed in the current room' });
    harness.receive({ type: 'command', room: 'lobby', line: '/who' });
    harness.receive({ type: 'say', room: 'elsewhere', text: 'nope' });
    assert.deepEqual(harness.take(), {
      ops: [
        { type: 'say', connectionId: 3, room: 'lobby', kind: 'say', text: 'hi' },
        { type: 'say', connectionId: 3, room: 'lobby', kind: 'me', text: 'waves' },
        { type: 'join', connectionId: 3, room: 'dev' },
        { type: 'private', connectionId: 3, toNick: 'bob', text: 'psst' },
        { type: 'history', connectionId: 3, room: 'lobby', count: 3 },
        { type: 'say', connectionId: 3, room: 'lobby', kind: 'say', text: 'typed in the lobby' },
        { type: 'say', connectionId: 3, room: 'dev', kind: 'say', text: 'typed in the current room' },
        { type: 'list-members', connectionId: 3, room: 'lobby' },
      ],
      out: [errorMessage('NOT_IN_ROOM', 'elsewhere')],
    });
  });

  test('bad input is answered with an error and the connection goes on; flood-dropped messages are not read', () => {
    const harness = chatting();
    harness.receive('not json');
    harness.receive(Buffer.from([1, 2, 3]).toString(), true);
    harness.receive({ type: 'say', room: 'lobby', text: 'x'.repeat(maxLineBytes + 1) });
    harness.receive({ type: 'command', line: '/frobnicate' });
    harness.receive({ type: 'command', line: '/help' });
    harness.admitting = false;
    harness.receive({ type: 'say', room: 'lobby', text: 'dropped' });
    const { ops, out } = harness.take();
    assert.deepEqual(ops, []);
    assert.deepEqual(
      out.map((message) => (message as { code?: string; type: string }).code ?? message),
      ['BAD_MESSAGE', 'BAD_MESSAGE', 'LINE_TOO_LONG', 'UNKNOWN_COMMAND', out[4]],
    );
    assert.equal((out[4] as { type: string }).type, 'info');
    assert.match((out[4] as { text: string }).text, /^\/nick NEW/);
  });

  test('the last message is followed by a close frame whose code says whether to come back', () => {
    const harness = chatting();
    const kicked = frames(harness.dialect.encodeLast(errorNotice('KICKED', 'op', 'spam')));
    assert.deepEqual(
      kicked.map(([opcode]) => opcode),
      [1, 8],
    );
    assert.equal(kicked[1]![1].readUInt16BE(0), 1008);
    assert.equal(kicked[1]![1].subarray(2).toString(), 'KICKED');
    assert.equal(frames(harness.dialect.encodeLast(errorNotice('SHUTTING_DOWN')))[1]![1].readUInt16BE(0), 1001);
    assert.equal(frames(harness.dialect.encodeLast({ kind: 'info', text: 'Bye.' }))[1]![1].readUInt16BE(0), 1000);
  });

  test('a run of room events is one Buffer of event frames', () => {
    const events: RoomEvent[] = [
      { room: 'lobby', seq: 1, kind: 'join', nick: 'bob', text: '', timeMs: 1000 },
      { room: 'lobby', seq: 2, kind: 'say', nick: 'bob', text: 'hi', timeMs: 2000 },
    ];
    assert.deepEqual(messages(webSocketRoomEncoder.encode(events)), [
      { type: 'event', room: 'lobby', seq: 1, time: 1000, from: 'bob', kind: 'join', text: '' },
      { type: 'event', room: 'lobby', seq: 2, time: 2000, from: 'bob', kind: 'say', text: 'hi' },
    ]);
    assert.deepEqual(messages(webSocketRoomEncoder.encode(events.slice(1))), [
      { type: 'event', room: 'lobby', seq: 2, time: 2000, from: 'bob', kind: 'say', text: 'hi' },
    ]);
  });
});
