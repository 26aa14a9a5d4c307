// The IRC dialect without sockets: IRC lines in, the session's ops and the client's IRC lines out. A
// small harness plays the connection (as connection.ts wires them) and the coordinator's answers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultConfig } from '../src/config.ts';
import type { ServerStats } from '../src/control-api.ts';
import { errorNotice, errorSentence } from '../src/protocol/errors.ts';
import type { RoomEvent, WorkerOp } from '../src/thread-messages.ts';
import type { ChatEvent } from '../workers/connection/chat-event.ts';
import { ChatSession, type ChatSessionHost } from '../workers/connection/chat-session.ts';
import type { DialectHost } from '../workers/connection/dialects/dialect.ts';
import { IrcDialect, ircRoomEncoders } from '../workers/connection/dialects/irc-dialect.ts';

class Harness implements ChatSessionHost, DialectHost {
  readonly connectionId = 5;
  readonly address = '127.0.0.1';
  readonly config = defaultConfig;
  readonly session = new ChatSession(this);
  readonly dialect = new IrcDialect(this.session, this, defaultConfig, 0);
  readonly localRooms = new Set<string>();
  ops: WorkerOp[] = [];
  out = '';
  ended: string | undefined;
  encoderChanges = 0;
  send(op: WorkerOp): void {
    this.ops.push(op);
  }
  show(event: ChatEvent): void {
    this.out += this.dialect.encode(event).toString();
  }
  write(bytes: Buffer): void {
    this.out += bytes.toString();
  }
  endWith(bytes: Buffer): void {
    this.ended = bytes.toString();
  }
  roomEncoderChanged(): void {
    this.encoderChanges++;
  }
  guard(handler: () => void): void {
    handler();
  }
  admit(): boolean {
    return !this.session.ending;
  }
  chargeCommand(): void {}
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
  nickSettled(): void {
    this.dialect.nickSettled();
  }
  end(last: ChatEvent): void {
    this.ended = this.dialect.encode(last).toString();
  }
  irc(...lines: string[]): void {
    this.dialect.receive(Buffer.from(lines.map((line) => `${line}\r\n`).join('')));
  }
  accept(nick: string): void {
    this.session.coordinatorOp({ type: 'hello-result', connectionId: 5, nick, accepted: true, heldBy: undefined });
  }
  joined(room: string, history: RoomEvent[] = []): void {
    this.session.coordinatorOp({
      type: 'joined',
      connectionId: 5,
      room,
      history: history.map((event) => [event.room, event.seq, event.kind, event.nick, event.text, event.timeMs]),
    });
  }
  take(): { ops: WorkerOp[]; lines: string[] } {
    const taken = { ops: this.ops, lines: this.out.split('\r\n').filter((line) => line !== '') };
    this.ops = [];
    this.out = '';
    return taken;
  }
}

/** A client registered as `nick` (with `caps`), in #lobby; what that took is discarded. */
function registered(nick: string, caps = ''): Harness {
  const h = new Harness();
  h.session.start();
  if (caps !== '') h.irc('CAP LS 302', `CAP REQ :${caps}`, 'CAP END');
  h.irc(`NICK ${nick}`, `USER ${nick} 0 * :${nick}`);
  h.accept(nick);
  h.joined('lobby');
  h.take();
  return h;
}

const event = (kind: RoomEvent['kind'], nick: string, text = '', room = 'lobby'): RoomEvent => ({
  room,
  seq: 1,
  kind,
  nick,
  text,
  timeMs: Date.UTC(2026, 0, 2, 3, 4, 5),
});

describe('IrcDialect', () => {
  test('NICK and USER claim the nick through the session; what comes meanwhile waits for the answer', () => {
    const h = new Harness();
    h.session.start();
    h.irc('NICK alice', 'USER alice 0 * :Alice', 'JOIN #dev');
    assert.deepEqual(h.take(), {
      ops: [{ type: 'hello', connectionId: 5, nick: 'alice', room: 'lobby', address: '127.0.0.1' }],
      lines: [],
    });
    h.accept('alice');
    const { ops, lines } = h.take();
    assert.deepEqual(ops, [{ type: 'join', connectionId: 5, room: 'dev' }], 'the held JOIN, after the welcome');
    assert.match(lines[0]!, /^:irc\.roomcast 001 alice /);
    assert.ok(lines.some((line) => / 376 alice /.test(line)));
  });

  test('a taken nick is 433 and the client may try another', () => {
    const h = new Harness();
    h.session.start();
    h.irc('NICK bob', 'USER bob 0 * :Bob');
    h.session.coordinatorOp({ type: 'hello-result', connectionId: 5, nick: 'bob', accepted: false, heldBy: 'B0b' });
    assert.deepEqual(h.take().lines, [`:irc.roomcast 433 * bob :${errorSentence('NICK_LOOKALIKE', 'bob', 'B0b')}`]);
    h.irc('NICK bobby');
    assert.deepEqual(h.take().ops, [{ type: 'hello', connectionId: 5, nick: 'bobby', room: 'lobby', address: '127.0.0.1' }]);
  });

  test('a join is told as JOIN, then the history as a batch; NAMES follows the members answer', () => {
    const h = registered('carol', 'server-time batch');
    h.irc('JOIN #dev');
    assert.deepEqual(h.take().ops, [{ type: 'join', connectionId: 5, room: 'dev' }]);
    h.joined('dev', [event('say', 'dave', 'before', 'dev'), event('join', 'erin', '', 'dev')]);
    const { ops, lines } = h.take();
    assert.deepEqual(ops, [{ type: 'list-members', connectionId: 5, room: 'dev' }]);
    assert.deepEqual(lines, [
      ':carol!carol@roomcast JOIN #dev',
      ':irc.roomcast BATCH +history1 chathistory #dev',
      '@batch=history1;time=2026-01-02T03:04:05.000Z :dave!dave@roomcast PRIVMSG #dev before',
      ':irc.roomcast BATCH -history1',
    ]);
    h.irc('WHO #dev');
    h.session.coordinatorOp({
      type: 'answer',
      connectionId: 5,
      listing: { kind: 'members', room: 'dev', nicks: ['carol', 'dave'], more: 0 },
    });
    h.session.coordinatorOp({ type: 'answer', connectionId: 5, listing: { kind: 'members', room: 'dev', nicks: ['carol'], more: 0 } });
    assert.deepEqual(h.take().lines, [
      ':irc.roomcast 353 carol = #dev :carol dave',
      ':irc.roomcast 366 carol #dev :End of /NAMES list',
      ':irc.roomcast 352 carol #dev carol roomcast irc.roomcast carol H :0 carol',
      ':irc.roomcast 315 carol #dev :End of /WHO list',
    ]);
  });

  test('runs leave out its own join, part and rename, its own lines without echo-message, and repeated quits', () => {
    const h = registered('finn');
    const run = [
      event('join', 'finn'),
      event('say', 'finn', 'mine'),
      event('say', 'gail', 'hers'),
      event('quit', 'hank', 'bye'),
      event('quit', 'hank', 'bye', 'dev'),
      event('rename', 'old', 'finn'),
    ];
    assert.deepEqual(
      h.dialect.roomEventFilter(run)?.map((kept) => `${kept.kind}:${kept.nick}:${kept.room}`),
      ['say:gail:lobby', 'quit:hank:lobby'],
    );
    assert.equal(h.dialect.roomEventFilter([event('say', 'gail', 'all of it')]), undefined, 'nothing left out: the shared bytes');

    const echoing = registered('ivy', 'echo-message');
    assert.equal(echoing.dialect.roomEventFilter([event('say', 'ivy', 'mine'), event('me', 'ivy', 'waves')]), undefined);
  });

  test('room lines are rendered once per variant: @time only for server-time', () => {
    const plain = registered('jack');
    const timed = registered('kate', 'server-time');
    assert.equal(plain.dialect.roomEncoder, ircRoomEncoders.plain);
    assert.equal(timed.dialect.roomEncoder, ircRoomEncoders.timed);
    assert.equal(timed.encoderChanges, 1);
    assert.equal(
      ircRoomEncoders.timed.encode([event('me', 'lee', 'waves'), event('rename', 'lee', 'leo')]).toString(),
      '@time=2026-01-02T03:04:05.000Z :lee!lee@roomcast PRIVMSG #lobby :\x01ACTION waves\x01\r\n' +
        '@time=2026-01-02T03:04:05.000Z :lee!lee@roomcast NICK leo\r\n',
    );
    plain.irc('CAP REQ server-time');
    assert.equal(plain.dialect.roomEncoder, ircRoomEncoders.timed, 'capabilities may change after registering');
  });

  test('PRIVMSG and NOTICE to a room it is not in: 404 and silence', () => {
    const h = registered('mia');
    h.irc('PRIVMSG #elsewhere :hi', 'NOTICE #elsewhere :hi', 'PRIVMSG #lobby :hello');
    assert.deepEqual(h.take(), {
      ops: [{ type: 'say', connectionId: 5, room: 'lobby', kind: 'say', text: 'hello' }],
      lines: [':irc.roomcast 404 mia #elsewhere :You are not in room "elsewhere".'],
    });
  });

  test('private messages: received, and echoed only with echo-message', () => {
    const h = registered('ned');
    h.irc('PRIVMSG olga :psst');
    assert.deepEqual(h.take().ops, [{ type: 'private', connectionId: 5, toNick: 'olga', text: 'psst' }]);
    h.session.coordinatorOp({
      type: 'reply',
      connectionId: 5,
      notice: { kind: 'private', from: 'ned', to: 'olga', text: 'psst', echo: true },
    });
    h.session.coordinatorOp({
      type: 'reply',
      connectionId: 5,
      notice: { kind: 'private', from: 'olga', to: 'ned', text: 'yes?', echo: false },
    });
    assert.deepEqual(h.take().lines, [':olga!olga@roomcast PRIVMSG ned yes?']);
    h.session.coordinatorOp({ type: 'reply', connectionId: 5, notice: errorNotice('NO_SUCH_NICK', 'olga') });
    assert.match(h.take().lines[0]!, /^:irc\.roomcast 401 ned olga :/);
  });

  test('own rename, part, operator status and quit are told in IRC terms', () => {
    const h = registered('pete');
    h.irc('NICK pat');
    h.session.coordinatorOp({ type: 'rename-result', connectionId: 5, nick: 'pat', accepted: true, heldBy: undefined });
    h.irc('PART #lobby');
    h.session.coordinatorOp({ type: 'parted', connectionId: 5, room: 'lobby' });
    h.session.coordinatorOp({ type: 'oper-granted', connectionId: 5 });
    h.irc('MODE pat');
    assert.deepEqual(h.take().lines, [
      ':pete!pete@roomcast NICK pat',
      ':pat!pat@roomcast PART #lobby',
      ':irc.roomcast 381 pat :You are now an IRC operator',
      ':pat!pat@roomcast MODE pat +o',
      ':irc.roomcast 221 pat +o',
    ]);
    h.irc('QUIT :gone fishing');
    h.session.coordinatorOp({ type: 'left', connectionId: 5 });
    assert.equal(h.ended, 'ERROR :Closing link: Quit: gone fishing\r\n');
  });

  test('the keep-alive PING goes to registered clients only', () => {
    const h = new Harness();
    h.session.start();
    assert.equal(h.dialect.ping().length, 0);
    const r = registered('quinn');
    assert.equal(r.dialect.ping().toString(), 'PING irc.roomcast\r\n');
  });

  test('QUIT before registering closes at once with ERROR', () => {
    const h = new Harness();
    h.session.start();
    h.irc('QUIT');
    assert.equal(h.ended, 'ERROR :Closing link: Quit before registering\r\n');
  });
});
