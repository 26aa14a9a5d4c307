// One client connection's protocol state, from greeting to goodbye. Lines are framed, decoded, parsed
// and turned into ops for the coordinator; answers and room lines come back through the worker.
//
//   naming ──nick line──▶ claiming ──hello accepted──▶ chatting ──/quit, kick──▶ leaving ──left──▶ closed
//      ▲                     │                             │      shutdown, timeout            ▲
//      └───nick taken────────┘                             └──peer gone, slow consumer─────────┘
//
// Lines that arrive while claiming wait, then replay in order. A client that is leaving keeps its rooms
// until the coordinator answers `left`: every line sequenced before it left, and every answer to what it
// sent before, reaches it first.
import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import type { Remote } from 'comlink';
import type { BatchedPort } from '../../src/batched-port.ts';
import type { ServerConfig } from '../../src/config.ts';
import type { Logger } from '../../src/log.ts';
import type { ConnectionWorkerStats, SupervisorControl } from '../../src/control-api.ts';
import { historyCost, listMembersCost, listRoomsCost } from '../../src/protocol/command-cost.ts';
import { FloodGuard } from '../../src/protocol/flood-guard.ts';
import { commandHelp, parseCommand, type Command } from '../../src/protocol/command-parser.ts';
import { errorLine } from '../../src/protocol/errors.ts';
import { LineFramer, type LineSink } from '../../src/protocol/line-framer.ts';
import { defaultRoom, isValidNick, maxNickLength, nickKey } from '../../src/protocol/names.ts';
import { renderHistory } from '../../src/protocol/room-event-lines.ts';
import { currentRoomLine, helloLine, infoLine, partedLine, renamedLine } from '../../src/protocol/server-lines.ts';
import { statsLines } from '../../src/protocol/stats-lines.ts';
import { sanitizeText, shortenReason } from '../../src/protocol/text.ts';
import type { CoordinatorOp, WorkerOp } from '../../src/thread-messages.ts';
import type { BacklogWatch } from './backlog-watch.ts';
import type { ConnectionEventLog } from './connection-event-log.ts';
import { lineRoomEncoder } from './dialects/line-dialect.ts';
import { ClientOutput, type FallenBehind, type OutputCounters } from './client-output.ts';
import type { LocalRooms } from './local-rooms.ts';
import type { WriteBatcher } from './write-batcher.ts';

/** The running totals a worker reports in its stats; sessions and their outputs add to them. */
export type SessionCounters = OutputCounters &
  Pick<
    ConnectionWorkerStats,
    | 'messagesIn'
    | 'slowConsumersDisconnected'
    | 'writeStallDisconnects'
    | 'floodDisconnects'
    | 'linesDroppedForFlooding'
    | 'timeoutDisconnects'
    | 'kicks'
    | 'internalErrors'
  >;

/** A worker's counters at start (and a restarted worker's: counters start again at 0). */
export function zeroSessionCounters(): SessionCounters {
  return {
    messagesIn: 0,
    deliveriesOut: 0,
    bytesOut: 0,
    socketWrites: 0,
    slowConsumersDisconnected: 0,
    writeStallDisconnects: 0,
    floodDisconnects: 0,
    linesDroppedForFlooding: 0,
    timeoutDisconnects: 0,
    kicks: 0,
    internalErrors: 0,
  };
}

export interface SessionContext {
  config: ServerConfig;
  log: Logger;
  events: ConnectionEventLog;
  coordinator: BatchedPort<WorkerOp>;
  supervisor: Remote<SupervisorControl>;
  localRooms: LocalRooms<Session>;
  batcher: WriteBatcher;
  backlogWatch: BacklogWatch;
  counters: SessionCounters;
  onClosed(session: Session): void;
}

type Phase = 'naming' | 'claiming' | 'chatting' | 'leaving' | 'closed';

export const greeting = infoLine(
  `Welcome to roomcast. Choose a nickname (1-${maxNickLength} characters: letters, digits, _ and -; starts with a letter or _):`,
);
// The seed's Python client opens with "NICK connection..." and no newline, then waits for its user.
const seedHello = /^(\S{1,64}) connection\.\.\.$/;
// The longest pending bytes that can still be a seed hello: 64 UTF-16 units of name (3 bytes of UTF-8
// each at most) and the suffix. Longer pending input is never scanned for one, and neither is input
// that does not end in the suffix's last '.', so a line dripped a byte at a time costs O(1) per byte.
const seedHelloMaxBytes = 64 * 3 + ' connection...'.length;
const fullStop = 0x2e;
const maxLinesWhileClaiming = 256;
const maxSeedNickAttempts = 99;
const closeGraceMs = 2000;
const historyDefault = 10;

export class Session implements LineSink {
  readonly connectionId: number;
  /** The client's address, for per-address limits and logs. */
  readonly address: string;
  readonly output: ClientOutput;
  readonly roomEncoder = lineRoomEncoder;
  readonly #context: SessionContext;
  readonly #framer: LineFramer;
  #phase: Phase = 'naming';
  #nick = '';
  /** Rooms this client asked to be in, oldest first; the last is where /part falls back to. */
  #rooms: string[] = [];
  #currentRoom: string | undefined;
  #linesWhileClaiming: string[] = [];
  #seed: { prefix: string; baseNick: string; attempt: number } | undefined;
  #lastLine = '';
  #isOperator = false;
  /** Why the server is closing this connection, for the disconnect record; unset when the client left. */
  #closeReason: string | undefined;
  readonly #floodGuard: FloodGuard;
  #handshakeTimer: NodeJS.Timeout | undefined;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(connectionId: number, socket: Socket, context: SessionContext) {
    this.connectionId = connectionId;
    this.address = socket.remoteAddress ?? 'unknown';
    this.#context = context;
    this.#framer = new LineFramer(context.config.maxLineBytes);
    this.#floodGuard = new FloodGuard(context.config, performance.now());
    this.output = new ClientOutput(socket, context, (why) => this.#dropSlowConsumer(why));
  }

  start(): void {
    const { socket } = this.output;
    const { handshakeTimeoutMs, idleTimeoutMs } = this.#context.config;
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.#closed());
    this.#handshakeTimer = setTimeout(
      () => this.#guarded(() => this.#timedOut(errorLine('HANDSHAKE_TIMEOUT', handshakeTimeoutMs / 1000))),
      handshakeTimeoutMs,
    );
    if (idleTimeoutMs > 0) {
      // Idle means the client sent nothing: socket.setTimeout would also count our own writes, and a
      // silent client in a busy room would never time out.
      this.#idleTimer = setTimeout(
        () => this.#guarded(() => this.#timedOut(errorLine('IDLE_TIMEOUT', idleTimeoutMs / 1000))),
        idleTimeoutMs,
      );
    }
    this.#write(greeting);
    this.#context.events.connected(this);
  }

  /** Shutdown: read nothing more from this client (what was read is still handled). */
  stopReading(): void {
    this.output.socket.pause();
  }

  /**
   * Leaves through the coordinator, then says lastLine and closes. Until the coordinator's `left` comes
   * back the client still gets its rooms' lines: everything sequenced before it left, its own last
   * message included, reaches it.
   */
  close(lastLine: string, leaveReason: string): void {
    if (this.#phase === 'leaving' || this.#phase === 'closed') return;
    this.#closeReason = leaveReason === '' ? 'quit' : leaveReason;
    if (this.#phase === 'naming') {
      this.#phase = 'closed';
      return this.output.end(lastLine, closeGraceMs);
    }
    this.#tellCoordinatorLeaving(leaveReason);
    this.#phase = 'leaving';
    this.#lastLine = lastLine;
  }

  line(bytes: Buffer): void {
    if (this.#phase === 'leaving' || this.#phase === 'closed') return;
    const { counters } = this.#context;
    counters.messagesIn++;
    switch (this.#floodGuard.check(bytes.length, performance.now())) {
      case 'accept':
        break;
      case 'drop-and-warn':
        counters.linesDroppedForFlooding++;
        return this.#write(errorLine('FLOODING'));
      case 'drop':
        counters.linesDroppedForFlooding++;
        return;
      case 'disconnect':
        counters.floodDisconnects++;
        this.#context.events.dropped(this, this.#nick || undefined, 'flooding');
        return this.close(errorLine('FLOOD_DISCONNECT'), 'flooding');
    }
    if (!isUtf8(bytes)) this.#write(errorLine('BAD_ENCODING'));
    else this.#handleLine(bytes.toString('utf8'));
  }

  overflow(): void {
    this.#write(errorLine('LINE_TOO_LONG', this.#context.config.maxLineBytes));
  }

  /** An op from the coordinator for this connection; a bug it meets costs this connection, not the worker. */
  handleCoordinatorOp(op: CoordinatorOp): void {
    if (this.#phase === 'closed') return;
    this.#guarded(() => this.#coordinatorOp(op));
  }

  #coordinatorOp(op: CoordinatorOp): void {
    switch (op.type) {
      case 'hello-result':
        if (this.#phase === 'claiming') this.#helloResult(op.nick, op.accepted, op.heldBy);
        return;
      case 'left':
        this.#dropLocalMemberships();
        this.#phase = 'closed';
        return this.output.end(this.#lastLine, closeGraceMs);
      case 'rename-result':
        if (!op.accepted) return this.#write(nickRefusal(op.nick, op.heldBy));
        this.#nick = op.nick;
        return this.#write(renamedLine(op.nick));
      case 'joined': {
        // Only become a local member if the client still wants the room (it may have parted already),
        // and only once: after a quick /join, /part, /join the first answer already made it a member.
        const { localRooms } = this.#context;
        if (!this.#rooms.includes(op.room) || localRooms.membersOf(op.room)?.has(this)) return;
        localRooms.add(op.room, this);
        if (op.history.length > 0) this.#write(renderHistory(op.room, op.history));
        return;
      }
      case 'parted':
        // Only now: every line of the room sequenced before the part (this client's own last line
        // included) has reached it. A re-join sent since then is answered by a `joined` after this.
        this.#context.localRooms.remove(op.room, this);
        return this.#write(partedLine(op.room, this.#currentRoom));
      case 'join-refused':
        this.#rooms = this.#rooms.filter((room) => room !== op.room);
        if (this.#currentRoom === op.room) this.#currentRoom = this.#rooms.at(-1);
        return this.#write(op.errorLine);
      case 'reply':
        return this.#write(op.text);
      case 'oper-granted':
        this.#isOperator = true;
        return;
      case 'answer':
        return this.#answer(op.text);
      case 'history':
        return this.#answer(renderHistory(op.room, op.events));
      case 'kicked':
        this.#context.counters.kicks++;
        return this.close(errorLine('KICKED', op.by, op.reason), `kicked by ${op.by}: ${op.reason}`);
      case 'deliver':
        return; // room lines are fanned out by the worker, never per session
    }
  }

  #receive(chunk: Buffer): void {
    this.#idleTimer?.refresh();
    this.#guarded(() => this.#frame(chunk));
  }

  /**
   * Runs one of this connection's handlers (input, a coordinator op, a timer). A bug met there costs this
   * client its connection, never the whole worker and everyone else on it.
   */
  #guarded(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.#context.log.error(
        { err: error, connectionId: this.connectionId, address: this.address },
        'internal error; closing the connection',
      );
      this.#context.counters.internalErrors++;
      try {
        this.close(errorLine('INTERNAL_ERROR'), 'server error');
      } catch {
        this.output.socket.destroy();
      }
    }
  }

  #frame(chunk: Buffer): void {
    this.#framer.push(chunk, this);
    if (this.#phase !== 'naming') return;
    const framer = this.#framer;
    const length = framer.pendingLength;
    if (length === 0 || length > seedHelloMaxBytes) return;
    const pending = framer.pendingBytes();
    const hello = pending[length - 1] === fullStop ? seedHello.exec(pending.toString('utf8')) : null;
    if (hello !== null) {
      this.#framer.discardPending();
      this.#startSeedSession(hello[1]!);
    }
  }

  #handleLine(rawLine: string): void {
    switch (this.#phase) {
      case 'naming':
        return this.#chooseNick(rawLine.trim());
      case 'claiming':
        if (this.#linesWhileClaiming.length < maxLinesWhileClaiming) this.#linesWhileClaiming.push(rawLine);
        else this.#write(errorLine('TOO_EARLY'));
        return;
      case 'chatting': {
        const line = this.#seed !== undefined && rawLine.startsWith(this.#seed.prefix) ? rawLine.slice(this.#seed.prefix.length) : rawLine;
        return this.#run(parseCommand(line));
      }
      case 'leaving':
      case 'closed':
        return;
    }
  }

  #chooseNick(nick: string): void {
    if (nick === '') return;
    const hello = seedHello.exec(nick);
    if (hello !== null) return this.#startSeedSession(hello[1]!);
    if (!isValidNick(nick)) {
      this.#write(errorLine('NICK_INVALID', nick));
      return this.#write(greeting);
    }
    this.#claim(nick);
  }

  #startSeedSession(name: string): void {
    const baseNick = isValidNick(name) ? name : 'guest';
    this.#seed = { prefix: `${name} : `, baseNick, attempt: 1 };
    this.#claim(baseNick);
  }

  #claim(nick: string): void {
    this.#phase = 'claiming';
    this.#context.coordinator.send({ type: 'hello', connectionId: this.connectionId, nick, room: defaultRoom, address: this.address });
  }

  #helloResult(nick: string, accepted: boolean, heldBy: string | undefined): void {
    if (accepted) {
      clearTimeout(this.#handshakeTimer);
      this.#phase = 'chatting';
      this.#nick = nick;
      this.#rooms = [defaultRoom];
      this.#currentRoom = defaultRoom;
      this.#write(helloLine(nick, defaultRoom));
    } else {
      this.#write(nickRefusal(nick, heldBy));
      const seed = this.#seed;
      // The seed client cannot answer a question, so it gets the first free NICK_2, NICK_3, ...
      if (seed !== undefined && seed.attempt < maxSeedNickAttempts) {
        seed.attempt++;
        this.#claim(`${seed.baseNick.slice(0, maxNickLength - 3)}_${seed.attempt}`);
        return;
      }
      this.#phase = 'naming';
      this.#write(greeting);
    }
    const waiting = this.#linesWhileClaiming;
    this.#linesWhileClaiming = [];
    for (const line of waiting) this.#handleLine(line);
  }

  #run(command: Command): void {
    const { coordinator, config } = this.#context;
    const connectionId = this.connectionId;
    switch (command.kind) {
      case 'say':
      case 'me': {
        const room = this.#currentRoom;
        if (command.text.trim() === '') return;
        if (room === undefined) return this.#write(errorLine('NO_CURRENT_ROOM'));
        return coordinator.send({ type: 'say', connectionId, room, kind: command.kind, text: sanitizeText(command.text) });
      }
      case 'nick':
        if (command.nick === this.#nick) return this.#write(infoLine(`You are already ${this.#nick}.`));
        return coordinator.send({ type: 'rename', connectionId, nick: command.nick });
      case 'join':
        if (this.#rooms.includes(command.room)) return this.#switchTo(command.room);
        if (this.#rooms.length >= config.maxRoomsPerClient) return this.#write(errorLine('TOO_MANY_ROOMS', config.maxRoomsPerClient));
        this.#rooms.push(command.room);
        this.#currentRoom = command.room;
        return coordinator.send({ type: 'join', connectionId, room: command.room });
      case 'part': {
        const room = command.room ?? this.#currentRoom;
        if (room === undefined) return this.#write(errorLine('NO_CURRENT_ROOM'));
        if (!this.#rooms.includes(room)) return this.#write(errorLine('NOT_IN_ROOM', room));
        // Still a local member until the coordinator's `parted`: see there.
        this.#rooms = this.#rooms.filter((held) => held !== room);
        if (this.#currentRoom === room) this.#currentRoom = this.#rooms.at(-1);
        return coordinator.send({ type: 'part', connectionId, room });
      }
      case 'switch':
        if (!this.#rooms.includes(command.room)) return this.#write(errorLine('NOT_IN_ROOM', command.room));
        return this.#switchTo(command.room);
      case 'rooms':
        this.#chargeCommand(listRoomsCost);
        return coordinator.send({ type: 'list-rooms', connectionId });
      case 'who': {
        const room = command.room ?? this.#currentRoom;
        if (room === undefined) return this.#write(errorLine('NO_CURRENT_ROOM'));
        this.#chargeCommand(listMembersCost);
        return coordinator.send({ type: 'list-members', connectionId, room });
      }
      case 'msg':
        return coordinator.send({ type: 'private', connectionId, toNick: command.nick, text: sanitizeText(command.text) });
      case 'history': {
        const room = this.#currentRoom;
        if (room === undefined) return this.#write(errorLine('NO_CURRENT_ROOM'));
        const count = Math.min(command.count ?? historyDefault, config.historySize);
        this.#chargeCommand(historyCost(count));
        return coordinator.send({ type: 'history', connectionId, room, count });
      }
      case 'quit':
        return this.close(infoLine('Bye.'), command.reason === undefined ? '' : shortenReason(command.reason));
      case 'help':
        return this.#write(commandHelp.map((line) => infoLine(line)).join(''));
      case 'oper':
        // Checked by the coordinator, which limits tries per connection and per address across workers.
        return coordinator.send({ type: 'oper', connectionId, password: command.password });
      case 'kick':
        return coordinator.send({
          type: 'kick',
          connectionId,
          nick: command.nick,
          reason: shortenReason(command.reason ?? 'no reason given'),
        });
      case 'stats':
        if (!this.#isOperator) return this.#write(errorLine(config.operatorPassword === undefined ? 'OPER_DISABLED' : 'NOT_OPERATOR'));
        this.#context.supervisor.stats().then(
          (stats) => this.#write(statsLines(stats)),
          () => this.#write(infoLine('stats are unavailable right now')),
        );
        return;
      case 'invalid':
        return this.#write(command.errorLine);
    }
  }

  /** The line's first token was taken when it was read; the rest of the command's cost is charged now. */
  #chargeCommand(cost: number): void {
    this.#floodGuard.charge(cost - 1, 0, performance.now());
  }

  #switchTo(room: string): void {
    this.#currentRoom = room;
    this.#write(currentRoomLine(room));
  }

  /** Amplification counts against the sender: what its listing made us send is charged to it. */
  #answer(text: string): void {
    const bytes = Buffer.from(text);
    this.#floodGuard.charge(0, bytes.length, performance.now());
    this.output.write(bytes);
  }

  #write(text: string): void {
    this.output.write(Buffer.from(text));
  }

  #dropSlowConsumer(why: FallenBehind): void {
    if (this.#phase === 'closed') return;
    const { counters } = this.#context;
    if (why === 'slow-consumer') counters.slowConsumersDisconnected++;
    else counters.writeStallDisconnects++;
    const reason = why === 'slow-consumer' ? 'slow consumer' : 'write stall';
    this.#closeReason = reason;
    this.#context.events.dropped(this, this.#nick || undefined, reason);
    this.#dropLocalMemberships();
    this.#tellCoordinatorLeaving(this.#closeReason);
    this.#phase = 'closed';
    // The client is not reading, so what is queued would never go: drop it and try the reason line,
    // which waits behind the unsent backlog and so rarely arrives.
    this.output.end(errorLine('SLOW_CONSUMER'), closeGraceMs, true);
  }

  #dropLocalMemberships(): void {
    for (const room of this.#rooms) this.#context.localRooms.remove(room, this);
    this.#rooms = [];
    this.#currentRoom = undefined;
  }

  /** The coordinator hears of a leave exactly once, and only of a client it may know (past naming). */
  #tellCoordinatorLeaving(reason: string): void {
    if (this.#phase === 'naming' || this.#phase === 'leaving' || this.#phase === 'closed') return;
    this.#context.coordinator.send({ type: 'leave', connectionId: this.connectionId, reason });
  }

  #timedOut(line: string): void {
    this.#context.counters.timeoutDisconnects++;
    this.close(line, 'timed out');
  }

  #closed(): void {
    clearTimeout(this.#handshakeTimer);
    clearTimeout(this.#idleTimer);
    this.#dropLocalMemberships();
    this.#tellCoordinatorLeaving('connection closed');
    this.#phase = 'closed';
    this.output.abandon();
    this.#context.events.disconnected(this, this.#nick || undefined, this.#closeReason ?? 'closed by the client');
    this.#context.onClosed(this);
  }
}

/** Why a nick was refused: taken outright, or too like one that is (see nickKey). */
function nickRefusal(nick: string, heldBy: string | undefined): string {
  return heldBy === undefined || heldBy.toLowerCase() === nick.toLowerCase() || nickKey(heldBy) !== nickKey(nick)
    ? errorLine('NICK_TAKEN', nick)
    : errorLine('NICK_LOOKALIKE', nick, heldBy);
}
