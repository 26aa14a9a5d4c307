// The line dialect without sockets: bytes in, the session's ops and the client's bytes out. A small
// harness plays the connection (as connection.ts wires them) and the coordinator's answers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ServerStats } from '../src/control-api.ts';
import { defaultConfig } from '../src/config.ts';
import { commandHelp } from '../src/protocol/command-parser.ts';
import { errorLine, errorNotice } from '../src/protocol/errors.ts';
import { helloLine, infoLine, partedLine } from '../src/protocol/server-lines.ts';
import type { WorkerOp } from '../src/thread-messages.ts';
import type { ChatEvent } from '../workers/connection/chat-event.ts';
import { ChatSession, type ChatSessionHost } from '../workers/connection/chat-session.ts';
import { greeting, LineDialect, type LineDialectHost, renderChatEvent } from '../workers/connection/dialects/line-dialect.ts';

const maxLineBytes = 64;

class Harness implements ChatSessionHost, LineDialectHost {
  readonly connectionId = 3;
  readonly address = '127.0.0.1';
  readonly config = defaultConfig;
  readonly session = new ChatSession(this);
  readonly dialect = new LineDialect(this.session, this, maxLineBytes);
  ops: WorkerOp[] = [];
  out = '';
  admitting = true;
  send(op: WorkerOp): void {
    this.ops.push(op);
  }
  show(event: ChatEvent): void {
    this.out += this.dialect.encode(event).toString();
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
    this.show(last);
  }
  receive(text: string | Buffer): void {
    this.dialect.receive(typeof text === 'string' ? Buffer.from(text) : text);
  }
  accept(nick: string): void {
    this.session.coordinatorOp({ type: 'hello-result', connectionId: 3, nick, accepted: true, heldBy: undefined });
  }
  take(): { ops: WorkerOp[]; out: string } {
    const taken = { ops: this.ops, out: this.out };
    this.ops = [];
    this.out = '';
    return taken;
  }
}

const hello = (nick: string) => ({ type: 'hello', connectionId: 3, nick, room: 'lobby', address: '127.0.0.1' }) as const;
const say = (text: string) => ({ type: 'say', connectionId: 3, room: 'lobby', kind: 'say', text }) as const;

describe('LineDialect', () => {
  test('a nick line, then commands; lines sent before the nick is confirmed wait for it', () => {
    const h = new Harness();
    h.session.start();
    h.receive('  alice \r\nhi all\n/join dev\n');
    assert.deepEqual(h.take(), { ops: [hello('alice')], out: greeting });
    h.accept('alice');
    assert.deepEqual(h.take(), {
      ops: [say('hi all'), { type: 'join', connectionId: 3, room: 'dev' }],
      out: helloLine('alice', 'lobby'),
    });
  });

  test('a line that waited for a refused nick is the next nick tried', () => {
    const h = new Harness();
    h.receive('alice\nbob\n');
    h.session.coordinatorOp({ type: 'hello-result', connectionId: 3, nick: 'alice', accepted: false, heldBy: 'alice' });
    assert.deepEqual(h.take(), { ops: [hello('alice'), hello('bob')], out: errorLine('NICK_TAKEN', 'alice') + greeting });
  });

  test('the seed client: a hello without a newline, dripped; its "NICK : " prefix is stripped', () => {
    const h = new Harness();
    for (const piece of ['pyt', 'hon conn', 'ection..', '.']) h.receive(piece);
    assert.deepEqual(h.take().ops, [hello('python')]);
    h.accept('python');
    h.receive('python : hello there\npython : /join dev\nno prefix\n');
    assert.deepEqual(h.take().ops, [
      say('hello there'),
      { type: 'join', connectionId: 3, room: 'dev' },
      { ...say('no prefix'), room: 'dev' },
    ]);
  });

  test('a seed hello whose name is no valid nick claims "guest" until free', () => {
    const h = new Harness();
    h.receive('9-lives connection...');
    h.session.coordinatorOp({ type: 'hello-result', connectionId: 3, nick: 'guest', accepted: false, heldBy: 'guest' });
    assert.deepEqual(
      h.take().ops.map((op) => op.type === 'hello' && op.nick),
      ['guest', 'guest_2'],
    );
  });

  test('bad input is answered in the line protocol and dropped', () => {
    const h = new Harness();
    h.receive('alice\n');
    h.accept('alice');
    h.take();
    h.receive(Buffer.from([0xff, 0xfe, 0x0a]));
    h.receive(`${'x'.repeat(maxLineBytes + 1)}\n`);
    h.receive('/nick\n/bogus\n/help\n');
    assert.deepEqual(h.take(), {
      ops: [],
      out:
        errorLine('BAD_ENCODING') +
        errorLine('LINE_TOO_LONG', maxLineBytes) +
        errorLine('USAGE', '/nick NEW') +
        errorLine('UNKNOWN_COMMAND', 'bogus') +
        commandHelp.map((line) => infoLine(line)).join(''),
    });
  });

  test('a line the connection does not admit (flooding, closing) is not handled', () => {
    const h = new Harness();
    h.receive('alice\n');
    h.accept('alice');
    h.take();
    h.admitting = false;
    h.receive('dropped\n');
    assert.deepEqual(h.take(), { ops: [], out: '' });
  });

  test('chat events are the line protocol’s lines', () => {
    assert.equal(renderChatEvent({ kind: 'ask-nick' }), greeting);
    assert.equal(renderChatEvent({ kind: 'welcome', nick: 'bob', room: 'lobby' }), helloLine('bob', 'lobby'));
    assert.equal(renderChatEvent({ kind: 'parted', room: 'dev', current: undefined }), partedLine('dev', undefined));
    assert.equal(renderChatEvent({ kind: 'info', text: 'Bye.' }), '-- Bye.\n');
    assert.equal(renderChatEvent(errorNotice('KICKED', 'op', 'spam')), errorLine('KICKED', 'op', 'spam'));
    assert.equal(renderChatEvent({ kind: 'server-text', text: '!! X y\n' }), '!! X y\n');
    assert.equal(renderChatEvent({ kind: 'private', from: 'bob', to: 'al', text: 'hi', echo: false }), '[pm] <bob> hi\n');
    assert.equal(renderChatEvent({ kind: 'private', from: 'bob', to: 'al', text: 'hi', echo: true }), '[pm -> al] <bob> hi\n');
    assert.equal(renderChatEvent({ kind: 'rooms', rooms: [], more: 0 }), '-- no rooms\n');
    assert.equal(renderChatEvent({ kind: 'rooms', rooms: [['dev', 1]], more: 3 }), '-- rooms: dev (1), and 3 more\n');
    assert.equal(renderChatEvent({ kind: 'members', room: 'dev', nicks: [], more: 0 }), '-- nobody is in dev\n');
    assert.equal(renderChatEvent({ kind: 'members', room: 'dev', nicks: ['al', 'bo'], more: 5 }), '-- dev (7): al, bo, and 5 more\n');
    assert.equal(
      renderChatEvent({
        kind: 'history',
        room: 'dev',
        events: [{ room: 'dev', seq: 1, kind: 'me', nick: 'bob', text: 'waves', timeMs: 0 }],
      }),
      '-- the last message of dev (earlier, times in UTC):\n-- 1970-01-01 00:00:00Z [dev] * bob waves\n',
    );
  });
});
