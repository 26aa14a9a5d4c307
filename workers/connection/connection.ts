// One client connection: its socket, its output and the bound on it, its timers, its flood guard and
// closing with grace. What the client says is the dialect's to read (dialects/line-dialect.ts) and the
// chat session's to act on (chat-session.ts); the connection carries bytes between them and the socket,
// and a bug met in any of them costs this connection, never the worker.
//
//   socket ──bytes──▶ dialect ──nick, commands──▶ ChatSession ──ops──▶ coordinator
//   socket ◀──bytes── dialect ◀──chat events───── ChatSession ◀──ops── coordinator
//   socket ◀──shared Buffer of a run of room events, one per dialect── RoomLineRun (the worker)
import type { Socket } from 'node:net';
import type { Remote } from 'comlink';
import type { OpSender } from '../../src/op-sender.ts';
import type { ServerConfig } from '../../src/config.ts';
import type { ConnectionWorkerStats, ServerStats, SupervisorControl } from '../../src/control-api.ts';
import type { Logger } from '../../src/log.ts';
import { FloodGuard } from '../../src/protocol/flood-guard.ts';
import type { WorkerOp } from '../../src/thread-messages.ts';
import type { BacklogWatch } from './backlog-watch.ts';
import type { ChatEvent } from './chat-event.ts';
import { errorNotice } from '../../src/protocol/errors.ts';
import { ChatSession, type ChatSessionHost, type ConnectionOp } from './chat-session.ts';
import { ClientOutput, type FallenBehind, type OutputCounters } from './client-output.ts';
import type { ConnectionEventLog } from './connection-event-log.ts';
import type { Dialect, DialectFactory, DialectHost } from './dialects/dialect.ts';
import type { LocalRooms } from './local-rooms.ts';
import type { RoomEventEncoder, RoomEventFilter } from './room-line-run.ts';
import type { WriteBatcher } from './write-batcher.ts';

/** The running totals a worker reports in its stats; connections and their outputs add to them. */
export type ConnectionCounters = OutputCounters &
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
export function zeroConnectionCounters(): ConnectionCounters {
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

export interface ConnectionContext {
  config: ServerConfig;
  log: Logger;
  events: ConnectionEventLog;
  coordinator: OpSender<WorkerOp>;
  supervisor: Remote<SupervisorControl>;
  localRooms: LocalRooms<Connection>;
  batcher: WriteBatcher;
  backlogWatch: BacklogWatch;
  counters: ConnectionCounters;
  onClosed(connection: Connection): void;
}

const closeGraceMs = 2000;
/** A dialect that pings (IRC) pings a client silent this long (or for half the idle timeout, if shorter). */
const pingAfterSilenceMs = 120_000;

export class Connection implements ChatSessionHost, DialectHost {
  readonly connectionId: number;
  /** The client's address, for per-address limits and logs. */
  readonly address: string;
  readonly output: ClientOutput;
  /** How this connection's dialect encodes runs of room events (members of one dialect share the bytes). */
  roomEncoder: RoomEventEncoder;
  readonly roomEventFilter: RoomEventFilter | undefined;
  readonly #context: ConnectionContext;
  readonly #session: ChatSession;
  readonly #dialect: Dialect;
  readonly #floodGuard: FloodGuard;
  #handshakeTimer: NodeJS.Timeout | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;

  /** `dialect` makes the wire protocol of the door the socket came through. */
  constructor(connectionId: number, socket: Socket, context: ConnectionContext, dialect: DialectFactory) {
    this.connectionId = connectionId;
    this.address = socket.remoteAddress ?? 'unknown';
    this.#context = context;
    this.#floodGuard = new FloodGuard(context.config, performance.now());
    this.output = new ClientOutput(socket, context, (why) => this.#dropSlowConsumer(why));
    this.#session = new ChatSession(this);
    this.#dialect = dialect(this.#session, this, context.config);
    this.roomEncoder = this.#dialect.roomEncoder;
    this.roomEventFilter = this.#dialect.roomEventFilter;
  }

  get config(): ServerConfig {
    return this.#context.config;
  }

  start(): void {
    const { socket } = this.output;
    const { handshakeTimeoutMs, idleTimeoutMs } = this.#context.config;
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.#closed());
    this.#handshakeTimer = setTimeout(
      () => this.#guarded(() => this.#timedOut(errorNotice('HANDSHAKE_TIMEOUT', handshakeTimeoutMs / 1000))),
      handshakeTimeoutMs,
    );
    if (idleTimeoutMs > 0) {
      // Idle means the client sent nothing: socket.setTimeout would also count our own writes, and a
      // silent client in a busy room would never time out.
      this.#idleTimer = setTimeout(
        () => this.#guarded(() => this.#timedOut(errorNotice('IDLE_TIMEOUT', idleTimeoutMs / 1000))),
        idleTimeoutMs,
      );
    }
    const { ping } = this.#dialect;
    if (ping !== undefined) {
      // A client that answers pings is not idle; one that vanished is found sooner than by TCP keepalive.
      const pingEveryMs = idleTimeoutMs > 0 ? Math.min(idleTimeoutMs / 2, pingAfterSilenceMs) : pingAfterSilenceMs;
      this.#pingTimer = setInterval(() => this.#guarded(() => this.write(ping())), pingEveryMs);
    }
    this.#session.start();
    this.#context.events.connected(this);
  }

  /** Shutdown: read nothing more from this client (what was read is still handled). */
  stopReading(): void {
    this.output.socket.pause();
  }

  /** Leaves through the coordinator, then shows `last` and closes (see ChatSession.close). */
  close(last: ChatEvent, leaveReason: string): void {
    this.#session.close(last, leaveReason);
  }

  /** An op from the coordinator for this connection; a bug it meets costs this connection, not the worker. */
  handleCoordinatorOp(op: ConnectionOp): void {
    if (this.#session.phase === 'closed') return;
    if (op.type === 'kicked') this.#context.counters.kicks++;
    this.#guarded(() => this.#session.coordinatorOp(op));
  }

  // ChatSessionHost and DialectHost.

  send(op: WorkerOp): void {
    this.#context.coordinator.send(op);
  }

  show(event: ChatEvent, answer = false): void {
    const bytes = this.#dialect.encode(event);
    // Some events mean nothing in some protocols (the line protocol says nothing of becoming an operator, a page needs no nick prompt).
    if (bytes.length === 0) return;
    // Amplification counts against the sender: what its listing made us send is charged to it.
    if (answer) this.#floodGuard.charge(0, bytes.length, performance.now());
    this.output.write(bytes);
  }

  write(bytes: Buffer): void {
    if (bytes.length > 0) this.output.write(bytes);
  }

  endWith(bytes: Buffer): void {
    this.output.end(bytes, closeGraceMs);
  }

  roomEncoderChanged(): void {
    this.roomEncoder = this.#dialect.roomEncoder;
  }

  /** The line's first token was taken when it was read; the rest of the command's cost is charged now. */
  chargeCommand(cost: number): void {
    this.#floodGuard.charge(cost - 1, 0, performance.now());
  }

  joinLocal(room: string): void {
    this.#context.localRooms.add(room, this);
  }

  leaveLocal(room: string): void {
    this.#context.localRooms.remove(room, this);
  }

  isLocalMember(room: string): boolean {
    return this.#context.localRooms.membersOf(room)?.has(this) === true;
  }

  serverStats(): Promise<ServerStats> {
    return this.#context.supervisor.stats();
  }

  nickSettled(accepted: boolean): void {
    if (accepted) clearTimeout(this.#handshakeTimer);
    this.#dialect.nickSettled();
  }

  end(last: ChatEvent): void {
    this.output.end(this.#encodeLast(last), closeGraceMs);
  }

  admit(lineBytes: number): boolean {
    if (this.#session.ending) return false;
    const { counters } = this.#context;
    counters.messagesIn++;
    switch (this.#floodGuard.check(lineBytes, performance.now())) {
      case 'accept':
        return true;
      case 'drop-and-warn':
        counters.linesDroppedForFlooding++;
        this.show(errorNotice('FLOODING'));
        return false;
      case 'drop':
        counters.linesDroppedForFlooding++;
        return false;
      case 'disconnect':
        counters.floodDisconnects++;
        this.#context.events.dropped(this, this.#session.nick || undefined, 'flooding');
        this.close(errorNotice('FLOOD_DISCONNECT'), 'flooding');
        return false;
    }
  }

  #receive(chunk: Buffer): void {
    this.#idleTimer?.refresh();
    this.#pingTimer?.refresh();
    this.#guarded(() => this.#dialect.receive(chunk));
  }

  /**
   * Runs one of this connection's handlers (input, a coordinator op, a timer). A bug met there costs this
   * client its connection, never the whole worker and everyone else on it.
   */
  guard(handler: () => void): void {
    this.#guarded(handler);
  }

  #encodeLast(last: ChatEvent): Buffer {
    return this.#dialect.encodeLast?.(last) ?? this.#dialect.encode(last);
  }

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
        this.close(errorNotice('INTERNAL_ERROR'), 'server error');
      } catch {
        this.output.socket.destroy();
      }
    }
  }

  #dropSlowConsumer(why: FallenBehind): void {
    if (this.#session.phase === 'closed') return;
    const { counters } = this.#context;
    if (why === 'slow-consumer') counters.slowConsumersDisconnected++;
    else counters.writeStallDisconnects++;
    const reason = why === 'slow-consumer' ? 'slow consumer' : 'write stall';
    this.#context.events.dropped(this, this.#session.nick || undefined, reason);
    this.#session.drop(reason);
    // The client is not reading, so what is queued would never go: drop it and try the reason line,
    // which waits behind the unsent backlog and so rarely arrives.
    this.output.end(this.#encodeLast(errorNotice('SLOW_CONSUMER')), closeGraceMs, true);
  }

  #timedOut(last: ChatEvent): void {
    this.#context.counters.timeoutDisconnects++;
    this.close(last, 'timed out');
  }

  #closed(): void {
    clearTimeout(this.#handshakeTimer);
    clearTimeout(this.#idleTimer);
    clearInterval(this.#pingTimer);
    this.#session.disconnected();
    this.output.abandon();
    const session = this.#session;
    this.#context.events.disconnected(this, session.nick || undefined, session.closeReason ?? 'closed by the client');
    this.#context.onClosed(this);
  }
}
