// A stand-in for the server's browser door, so the chat page can be tested in a browser before the
// server serves HTTP: a plain node:http server with the page's static files, and a small single-threaded
// chat behind a WebSocket at /ws speaking docs/websocket.md through src/protocol/websocket-messages.ts —
// nicks, rooms with their history and one sequence each, private messages, listings, typed commands.
// It follows the line protocol's rules only as far as the page's tests need. Room events go out as the
// worker's runs will: each framed once (textFrame) and the same bytes written to every member's socket
// beside ws, which keeps reading frames and answering pings on it.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { type Command, commandHelp } from '../../src/protocol/command-parser.ts';
import { defaultRoom } from '../../src/protocol/names.ts';
import { textFrame } from '../../src/protocol/websocket-frame.ts';
import {
  type ClientMessage,
  encodeServerMessage,
  errorMessage,
  maxFrameBytes,
  parseClientMessage,
  quitCloseCode,
  type ServerMessage,
  serverMessage,
} from '../../src/protocol/websocket-messages.ts';
import { isAllowedOrigin } from '../../src/web/origin-check.ts';
import { loadWebFiles, respondStatic } from '../../src/web/static-files.ts';
import type { RoomEvent } from '../../src/thread-messages.ts';

export interface StandInServer {
  port: number;
  /** Like a server that dies: every connection dropped without a close frame, the port closed. */
  kill(): Promise<void>;
}

interface Room {
  members: Map<WebSocket, string>;
  history: RoomEvent[];
  seq: number;
}

const maxLineBytes = 4096;
const historyOnJoin = 10;
const files = loadWebFiles();

/** Listens on 127.0.0.1:`port` (0: a free one); `lobbyHistory` is what the lobby's history starts with. */
export async function startStandInServer(port: number, lobbyHistory: RoomEvent[] = []): Promise<StandInServer> {
  const rooms = new Map<string, Room>([[defaultRoom, { members: new Map(), history: [...lobbyHistory], seq: lobbyHistory.length }]]);
  const nicks = new Map<WebSocket, string>();
  const rawSockets = new Map<WebSocket, Duplex>();
  const reply = (socket: WebSocket, message: ServerMessage) => socket.send(encodeServerMessage(message));
  const holderOf = (nick: string) => [...nicks].find(([, held]) => held.toLowerCase() === nick.toLowerCase())?.[0];
  const roomsOf = (socket: WebSocket) => [...rooms].filter(([, room]) => room.members.has(socket)).map(([name]) => name);

  const sequence = (name: string, kind: RoomEvent['kind'], nick: string, text: string) => {
    const room = rooms.get(name)!;
    const event: RoomEvent = { room: name, seq: ++room.seq, kind, nick, text, timeMs: Date.now() };
    room.history.push(event);
    const frame = textFrame(encodeServerMessage(serverMessage.event(event)));
    for (const member of room.members.keys()) rawSockets.get(member)?.write(frame);
  };
  const join = (socket: WebSocket, name: string) => {
    let room = rooms.get(name);
    if (room === undefined) rooms.set(name, (room = { members: new Map(), history: [], seq: 0 }));
    if (room.members.has(socket)) return reply(socket, serverMessage.current(name));
    // As the chat core does: the history (if any) first, then the room's join event, own included.
    room.members.set(socket, nicks.get(socket)!);
    if (room.history.length > 0) reply(socket, serverMessage.history(name, room.history.slice(-historyOnJoin)));
    sequence(name, 'join', nicks.get(socket)!, '');
  };
  const leave = (socket: WebSocket, name: string, kind: 'part' | 'quit', reason = '') => {
    const room = rooms.get(name)!;
    room.members.delete(socket);
    if (kind === 'part') reply(socket, serverMessage.parted(name, roomsOf(socket).at(-1)));
    sequence(name, kind, nicks.get(socket)!, reason);
    if (room.members.size === 0 && name !== defaultRoom) rooms.delete(name);
  };

  const handle = (socket: WebSocket, message: ClientMessage): void => {
    const nick = nicks.get(socket)!;
    const inRoom = (name: string) => rooms.get(name)?.members.has(socket) === true;
    switch (message.type) {
      case 'say':
      case 'me':
        if (!inRoom(message.room)) return reply(socket, errorMessage('NOT_IN_ROOM', message.room));
        return sequence(message.room, message.type, nick, message.text);
      case 'join':
        return join(socket, message.room);
      case 'part':
        return inRoom(message.room) ? leave(socket, message.room, 'part') : reply(socket, errorMessage('NOT_IN_ROOM', message.room));
      case 'msg': {
        const to = holderOf(message.to);
        if (to === undefined) return reply(socket, errorMessage('NO_SUCH_NICK', message.to));
        const notice = { kind: 'private' as const, from: nick, to: nicks.get(to)!, text: message.text };
        reply(to, serverMessage.notice({ ...notice, echo: false }, Date.now()));
        if (to !== socket) reply(socket, serverMessage.notice({ ...notice, echo: true }, Date.now()));
        return;
      }
      case 'nick': {
        const holder = holderOf(message.nick);
        if (holder !== undefined && holder !== socket) return reply(socket, errorMessage('NICK_TAKEN', message.nick));
        nicks.set(socket, message.nick);
        reply(socket, serverMessage.nick(message.nick));
        for (const name of roomsOf(socket)) {
          rooms.get(name)!.members.set(socket, message.nick);
          sequence(name, 'rename', nick, message.nick);
        }
        return;
      }
      case 'rooms':
        return reply(
          socket,
          serverMessage.listing({ kind: 'rooms', rooms: [...rooms].map(([room, { members }]) => [room, members.size] as const), more: 0 }),
        );
      case 'who':
        return reply(
          socket,
          serverMessage.listing({
            kind: 'members',
            room: message.room,
            nicks: [...(rooms.get(message.room)?.members.values() ?? [])],
            more: 0,
          }),
        );
      case 'history':
        return reply(socket, serverMessage.history(message.room, rooms.get(message.room)?.history.slice(-(message.count ?? 10)) ?? []));
      case 'quit':
        for (const name of roomsOf(socket)) leave(socket, name, 'quit', message.reason ?? '');
        nicks.delete(socket);
        return socket.close(quitCloseCode);
      case 'command':
        return run(socket, message.room ?? roomsOf(socket).at(-1), message.command);
      case 'hello':
        return reply(socket, errorMessage('USAGE', 'hello only once'));
    }
  };

  /** A typed line, as the line protocol's session runs it in its current room. */
  const run = (socket: WebSocket, current: string | undefined, command: Command): void => {
    switch (command.kind) {
      case 'say':
      case 'me':
        return current === undefined
          ? reply(socket, errorMessage('NO_CURRENT_ROOM'))
          : handle(socket, { type: command.kind, room: current, text: command.text });
      case 'part':
      case 'who':
        return handle(socket, { type: command.kind, room: command.room ?? current ?? defaultRoom });
      case 'switch':
        return rooms.get(command.room)?.members.has(socket)
          ? reply(socket, serverMessage.current(command.room))
          : reply(socket, errorMessage('NOT_IN_ROOM', command.room));
      case 'msg':
        return handle(socket, { type: 'msg', to: command.nick, text: command.text });
      case 'join':
        return handle(socket, { type: 'join', room: command.room });
      case 'nick':
        return handle(socket, { type: 'nick', nick: command.nick });
      case 'rooms':
        return handle(socket, { type: 'rooms' });
      case 'quit':
        return handle(socket, { type: 'quit', reason: command.reason });
      case 'help':
        return reply(socket, serverMessage.info(commandHelp.join('\n')));
      default:
        return reply(socket, serverMessage.info(`The stand-in server does not do /${command.kind}.`));
    }
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes(maxLineBytes), perMessageDeflate: false });
  wss.on('connection', (socket: WebSocket) => {
    socket.on('message', (data, isBinary) => {
      const parsed = isBinary ? undefined : parseClientMessage(data.toString(), maxLineBytes);
      if (parsed === undefined) return reply(socket, errorMessage('BAD_MESSAGE', 'binary frame'));
      if (!parsed.ok) return reply(socket, parsed.error);
      const message = parsed.message;
      if (nicks.has(socket)) return handle(socket, message);
      if (message.type !== 'hello') return reply(socket, errorMessage('TOO_EARLY'));
      if (holderOf(message.nick) !== undefined) return reply(socket, errorMessage('NICK_TAKEN', message.nick));
      nicks.set(socket, message.nick);
      reply(socket, serverMessage.welcome(message.nick, defaultRoom, maxLineBytes));
      join(socket, defaultRoom);
    });
    socket.on('close', () => {
      rawSockets.delete(socket);
      if (!nicks.has(socket)) return;
      for (const name of roomsOf(socket)) leave(socket, name, 'quit');
      nicks.delete(socket);
    });
  });

  const http = createServer((request, response) => {
    const answer = respondStatic(files, request.method ?? 'GET', request.url ?? '/', request.headers['if-none-match']);
    response.writeHead(answer.status, answer.headers).end(answer.body);
  });
  http.on('upgrade', (request, socket, head) => {
    if (request.url !== '/ws' || !isAllowedOrigin(request.headers.origin, request.headers.host, [])) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      rawSockets.set(ws, socket);
      wss.emit('connection', ws, request);
    });
  });
  http.listen(port, '127.0.0.1');
  await once(http, 'listening');
  return {
    port: (http.address() as AddressInfo).port,
    async kill() {
      for (const socket of wss.clients) socket.terminate();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      wss.close();
    },
  };
}
