// The pure IRC modules against a real IRC client (irc-framework): a tiny server in this file frames,
// parses, registers, translates and renders with them, holding rooms in a Map. It is not the door (that
// is the connection worker's IRC dialect); it shows that what the modules say is what a client expects.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Client } from 'irc-framework';
import { nextIrcEvent } from '../helpers/irc-events.ts';
import { LineFramer } from '../../src/protocol/line-framer.ts';
import { nickKey } from '../../src/protocol/names.ts';
import { type ChatIntent, parseErrorReplies, translateIrcCommand } from '../../src/protocol/irc/irc-commands.ts';
import { maxIrcLineBytes, parseIrcMessage } from '../../src/protocol/irc/irc-message.ts';
import { numericLine } from '../../src/protocol/irc/irc-numerics.ts';
import { IrcRegistration, type RegistrationOutput } from '../../src/protocol/irc/irc-registration.ts';
import { closingLine } from '../../src/protocol/irc/irc-replies.ts';
import { type IrcRoomEvent, renderHistory, renderNames, renderRoomEvent, seesOwnMessage } from '../../src/protocol/irc/irc-render.ts';
import { within } from '../helpers/wait-until.ts';

interface Connection {
  readonly socket: Socket;
  readonly registration: IrcRegistration;
  nick: string | undefined;
  readonly rooms: Set<string>;
}

function startTinyServer(): Server {
  const nicks = new Map<string, Connection>();
  const rooms = new Map<string, Set<Connection>>();
  const histories = new Map<string, IrcRoomEvent[]>();
  let batches = 0;
  const write = (connection: Connection, lines: readonly string[]) => connection.socket.write(lines.join(''));

  const broadcast = (event: IrcRoomEvent, skipSender: boolean) => {
    histories.set(event.room, [...(histories.get(event.room) ?? []), event].slice(-10));
    for (const member of rooms.get(event.room) ?? []) {
      if (skipSender && member.nick === event.sender && !seesOwnMessage(member.registration.capabilities)) continue;
      write(member, renderRoomEvent(event, member.registration.capabilities));
    }
  };

  const registrationOutputs = (connection: Connection, outputs: readonly RegistrationOutput[]): void => {
    for (const output of outputs) {
      if (output.kind === 'send') write(connection, [output.line]);
      else if (output.kind === 'close') connection.socket.end();
      else if (output.kind === 'registered') connection.nick = output.nick;
      else if (output.kind === 'claim') {
        // Claims are answered at once here; the door asks the coordinator and answers later.
        const accepted = !nicks.has(nickKey(output.nick));
        if (accepted) nicks.set(nickKey(output.nick), connection);
        registrationOutputs(connection, connection.registration.claimResult({ accepted }));
      }
    }
  };

  const intent = (connection: Connection, nick: string, action: ChatIntent): void => {
    const timeMs = Date.now();
    switch (action.kind) {
      case 'join': {
        const members = rooms.get(action.room) ?? new Set();
        rooms.set(action.room, members.add(connection));
        connection.rooms.add(action.room);
        broadcast({ kind: 'join', room: action.room, sender: nick, text: '', timeMs }, false);
        const names = [...members].map((member) => member.nick!);
        // The history holds this join too: renderHistory replays only what was said.
        const history = histories.get(action.room) ?? [];
        return void write(connection, [
          ...renderNames(nick, action.room, names),
          ...renderHistory(action.room, history, connection.registration.capabilities, `h${++batches}`),
        ]);
      }
      case 'say':
      case 'me':
        if (!connection.rooms.has(action.room)) {
          return void write(connection, [numericLine('ERR_CANNOTSENDTOCHAN', nick, `#${action.room}`, action.room)]);
        }
        return broadcast({ kind: action.kind, room: action.room, sender: nick, text: action.text, timeMs }, true);
      case 'quit':
        write(connection, [closingLine(`Quit: ${action.reason ?? ''}`)]);
        return void connection.socket.end();
      default:
        // The rest is the chat session's to do; this server does not need it.
        return;
    }
  };

  const gone = (connection: Connection) => {
    if (connection.nick === undefined) return;
    nicks.delete(nickKey(connection.nick));
    for (const room of connection.rooms) rooms.get(room)!.delete(connection);
    const announced = new Set<Connection>();
    for (const room of connection.rooms) {
      for (const member of rooms.get(room)!) {
        if (announced.has(member)) continue;
        announced.add(member);
        write(
          member,
          renderRoomEvent(
            { kind: 'quit', room, sender: connection.nick, text: 'Quit', timeMs: Date.now() },
            member.registration.capabilities,
          ),
        );
      }
    }
  };

  const info = { version: 'roomcast-test', createdAtMs: Date.now(), maxRoomsPerClient: 20, motd: ['Rooms are channels: #lobby.'] };
  return createServer((socket) => {
    const connection: Connection = { socket, registration: new IrcRegistration(info), nick: undefined, rooms: new Set() };
    const framer = new LineFramer(maxIrcLineBytes);
    socket.on('error', () => {});
    socket.on('close', () => gone(connection));
    socket.on('data', (chunk: Buffer) =>
      framer.push(chunk, {
        overflow: () => write(connection, [numericLine('ERR_INPUTTOOLONG', connection.nick ?? '*')]),
        line: (bytes) => {
          const parsed = parseIrcMessage(bytes);
          if (!parsed.ok) return void write(connection, parseErrorReplies(parsed.error, connection.nick ?? '*'));
          const outputs = connection.registration.handle(parsed.message);
          if (outputs !== undefined) return registrationOutputs(connection, outputs);
          const nick = connection.nick!;
          for (const action of translateIrcCommand(parsed.message, nick)) {
            if (action.kind === 'reply') write(connection, [action.line]);
            else intent(connection, nick, action);
          }
        },
      }),
    );
  });
}

const timeoutMs = 5000;

/** The next `event` from `client` that satisfies `matches`. */
const next = <T = Record<string, unknown>>(client: Client, event: string, matches?: (value: T) => boolean): Promise<T> =>
  nextIrcEvent<T>(client, event, timeoutMs, matches);

describe('a real IRC client (irc-framework) against the IRC modules', () => {
  let server: Server;
  let port: number;
  const clients: Client[] = [];

  before(async () => {
    server = startTinyServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  });

  after(async () => {
    for (const client of clients) client.quit();
    server.close();
    await within(once(server, 'close'), timeoutMs, 'the server to close');
  });

  function connect(nick: string): Client {
    const client = new Client();
    clients.push(client);
    // connect() takes every option: those given to the constructor are replaced, not merged.
    client.connect({
      host: '127.0.0.1',
      port,
      nick,
      username: nick,
      gecos: nick,
      auto_reconnect: false,
      ping_interval: 0,
      enable_echomessage: true,
    });
    return client;
  }

  test('registers with CAP, recovers from a taken nick, joins, and talks in a channel', async () => {
    const alice = connect('alice');
    await next(alice, 'registered');
    assert.deepEqual([...alice.network.cap.enabled].sort(), ['batch', 'echo-message', 'message-tags', 'server-time']);

    // bob asks for alice's nick first: 433, then a nick of its own.
    const bob = connect('alice');
    const inUse = await next<{ nick: string }>(bob, 'nick in use');
    assert.equal(inUse.nick, 'alice');
    const bobRegistered = next<{ nick: string }>(bob, 'registered');
    bob.changeNick('bob');
    assert.equal((await bobRegistered).nick, 'bob');

    const aliceJoined = next(alice, 'join', (event) => event.nick === 'alice');
    alice.join('#dev');
    assert.equal((await aliceJoined).channel, '#dev');

    const bobSeen = next(alice, 'join', (event) => event.nick === 'bob');
    const bobsNames = next<{ channel: string; users: { nick: string }[] }>(bob, 'userlist');
    bob.join('#Dev');
    assert.equal((await bobSeen).channel, '#dev');
    const names = await bobsNames;
    assert.equal(names.channel, '#dev');
    assert.deepEqual(names.users.map((user) => user.nick).sort(), ['alice', 'bob']);

    const heard = next<{ nick: string; target: string; message: string; time?: number }>(alice, 'privmsg');
    const echoed = next<{ nick: string; message: string }>(bob, 'privmsg');
    bob.say('#dev', 'hello, alice');
    const line = await heard;
    assert.deepEqual([line.nick, line.target, line.message], ['bob', '#dev', 'hello, alice']);
    assert.equal(typeof line.time, 'number', 'server-time gives the line its time');
    assert.deepEqual([(await echoed).nick, (await echoed).message], ['bob', 'hello, alice']);

    const action = next<{ nick: string; message: string }>(alice, 'action');
    bob.action('#dev', 'waves');
    assert.deepEqual([(await action).nick, (await action).message], ['bob', 'waves']);

    // A late joiner gets what was said as one chathistory batch, each line with the time it was said.
    const carol = connect('carol');
    await next(carol, 'registered');
    const history = next<{ params: string[]; commands: { command: string; params: string[]; tags: Record<string, string> }[] }>(
      carol,
      'batch end chathistory',
    );
    carol.join('#dev');
    const batch = await history;
    assert.deepEqual(batch.params, ['#dev']);
    assert.deepEqual(
      batch.commands.map((command) => [command.command, ...command.params]),
      [
        ['PRIVMSG', '#dev', 'hello, alice'],
        ['PRIVMSG', '#dev', '\x01ACTION waves\x01'],
      ],
    );
    for (const command of batch.commands) assert.ok(!Number.isNaN(Date.parse(command.tags.time!)));

    const quit = next<{ nick: string }>(alice, 'quit');
    bob.quit('bye');
    assert.equal((await quit).nick, 'bob');
  });
});
