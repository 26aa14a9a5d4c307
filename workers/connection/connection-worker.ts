// Connection worker thread: adopts sockets handed over by the acceptor and owns them for life. Room
// events from the coordinator are turned into bytes here, once per run for each wire protocol among a
// room's local members, and shared by every member speaking it (room-line-run.ts).
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { parentPort, workerData } from 'node:worker_threads';
import { BatchedPort } from '../../src/batched-port.ts';
import { exposeControl, wrapControl, type ConnectionWorkerControl, type SupervisorControl } from '../../src/control-api.ts';
import { CreditedPort } from '../../src/credited-port.ts';
import { endOfTurn } from '../../src/end-of-turn.ts';
import { Acknowledger, coordinatorOpWeight, FlowWindow, workerOpWeight, workerToCoordinatorWindow } from '../../src/flow-window.ts';
import { createLogger, flushLogger, LogSampler } from '../../src/log.ts';
import { unpackRoomEvent } from '../../src/packed-room-event.ts';
import { coordinatorOpCodec, workerOpCodec } from '../../src/ring-op-codecs.ts';
import { RingReceiver, RingSender } from '../../src/ring-port.ts';
import { SpscRing } from '../../src/spsc-ring.ts';
import { loadWindowMs, startThreadLoadGauge } from '../../src/thread-load.ts';
import type {
  AcceptorToConnectionWorker,
  ConnectionWorkerData,
  ConnectionWorkerToAcceptor,
  CoordinatorOp,
  Door,
  WorkerOp,
} from '../../src/thread-messages.ts';
import { BacklogWatch } from './backlog-watch.ts';
import { ConnectionEventLog } from './connection-event-log.ts';
import type { DialectFactory } from './dialects/dialect.ts';
import { createIrcDialect } from './dialects/irc-dialect.ts';
import { createLineDialect } from './dialects/line-dialect.ts';
import { HttpFront } from './http-front.ts';
import { InputGate } from './input-gate.ts';
import { LocalRooms } from './local-rooms.ts';
import { RoomLineRun } from './room-line-run.ts';
import { Connection, type ConnectionContext, zeroConnectionCounters } from './connection.ts';
import { WriteBatcher } from './write-batcher.ts';

const { workerId, slot, generation, config, coordinatorPort, coordinatorRings, controlPort, supervisorPort } =
  workerData as ConnectionWorkerData;
// Test hook (config.testHooks only): this worker fails to start, or dies on the first socket it is handed.
const faults = config.testHooks && config.workerFaultsForTest?.slot === slot ? config.workerFaultsForTest : undefined;
if (faults?.failToStart.includes(generation)) throw new Error(`connection worker ${workerId} failed to start (test hook)`);
const dieOnFirstSocket = faults?.dieOnFirstSocket.includes(generation) === true;
const acceptor = parentPort!;
const connections = new Map<number, Connection>();
const localRooms = new LocalRooms<Connection>();
const counters = zeroConnectionCounters();
const log = createLogger(config, `worker-${workerId}`);
// Pauses can come and go many times a second under a storm: log the first few of each window.
const pauseLogSampler = new LogSampler(4, 10_000);
const inputGate = new InputGate(
  () => [...connections.values()].map((connection) => connection.output.socket),
  (paused, reason) => {
    if (!pauseLogSampler.take(performance.now(), (suppressed) => log.warn({ suppressed }, 'more input pauses and resumes not logged'))) {
      return;
    }
    const why = reason === 'backlog' ? 'the coordinator is behind on this worker' : 'the coordinator is overloaded';
    if (paused) log.warn({ reason, coordinatorBacklogUnits: coordinator.window.inFlight }, `input paused: ${why}`);
    else log.info({ reason, ...inputGate.stats(performance.now()) }, 'input resumed');
  },
);
const acceptorPort = new BatchedPort<ConnectionWorkerToAcceptor>(acceptor);
const coordinator = new CreditedPort<WorkerOp>(
  new RingSender(new SpscRing(coordinatorRings.toCoordinator), coordinatorPort, workerOpCodec),
  new FlowWindow(workerToCoordinatorWindow.highWater, workerToCoordinatorWindow.lowWater, (over) =>
    inputGate.set('backlog', over, performance.now()),
  ),
  workerOpWeight,
);
const coordinatorOpsHandled = new Acknowledger();
const roomLineRun = new RoomLineRun(localRooms);
// A run still open when the turn ends is handed out first, so its writes join the turn's (end-of-turn.ts).
const closeRoomLineRun = (): void => roomLineRun.close();
const batcher = new WriteBatcher(endOfTurn, config.writeDelayMs);
const context: ConnectionContext = {
  config,
  log,
  events: new ConnectionEventLog(log),
  coordinator,
  supervisor: wrapControl<SupervisorControl>(supervisorPort),
  localRooms,
  batcher,
  backlogWatch: new BacklogWatch(),
  counters,
  onClosed(connection) {
    connections.delete(connection.connectionId);
    acceptorPort.send({ type: 'connection-closed', connectionId: connection.connectionId });
    if (connections.size === 0) allClosed?.();
  },
};
/** The wire protocol spoken at each door; the browser door's is made per socket by the HTTP front, which serves it until the upgrade. */
const dialects: Record<Exclude<Door, 'http'>, DialectFactory> = {
  line: createLineDialect,
  irc: createIrcDialect(Date.now()),
};
// The chat page's files are read once per worker; the acceptor hands over HTTP sockets only when the door is on.
const httpFront = config.httpPort === undefined ? undefined : new HttpFront(config, config.httpOrigins);
// Read once per worker, so a restarted worker picks up a renewed certificate.
const secureContext: SecureContext | undefined =
  config.tlsCertFile === undefined || config.tlsKeyFile === undefined
    ? undefined
    : createSecureContext({ cert: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile) });

acceptor.on('message', ({ connectionId, socket, door, tls }: AcceptorToConnectionWorker) => {
  if (dieOnFirstSocket) throw new Error(`connection worker ${workerId} died before adopting a socket (test hook)`);
  socket.setNoDelay(true);
  if (config.keepAliveMs > 0) socket.setKeepAlive(true, config.keepAliveMs);
  const stream: Socket = tls ? new TLSSocket(socket, { isServer: true, secureContext: secureContext! }) : socket;
  const connection = new Connection(connectionId, stream, context, door === 'http' ? httpFront!.dialectFor(stream) : dialects[door]);
  connections.set(connectionId, connection);
  connection.start();
  acceptorPort.send({ type: 'socket-adopted', connectionId });
  inputGate.adopt(stream);
});

let drained: (() => void) | undefined;
let allClosed: (() => void) | undefined;

new RingReceiver(new SpscRing(coordinatorRings.toWorker), coordinatorPort, coordinatorOpCodec, (batch: CoordinatorOp[]) => {
  // Units handled, for the acknowledgement: room lines weigh one each, the rest by coordinatorOpWeight.
  let units = 0;
  for (const op of batch) {
    if (op.type === 'deliver') {
      units++;
      if (roomLineRun.add(unpackRoomEvent(op.event))) endOfTurn.add('room-lines', closeRoomLineRun);
      continue;
    }
    if (op.type === 'ack') {
      coordinator.window.acknowledged(op.units);
      continue;
    }
    if (op.type === 'overload') {
      inputGate.set('overload', op.on, performance.now());
      continue;
    }
    units += coordinatorOpWeight(op);
    roomLineRun.close();
    if (op.type === 'drained') drained?.();
    else connections.get(op.connectionId)?.handleCoordinatorOp(op);
  }
  const due = coordinatorOpsHandled.handled(units);
  if (due > 0) coordinator.sendUncounted({ type: 'ack', units: due });
});

const threadLoad = startThreadLoadGauge(loadWindowMs(config.statsIntervalMs));

const control: ConnectionWorkerControl = {
  stats() {
    let queuedBytes = 0;
    for (const connection of connections.values()) queuedBytes += connection.output.queuedBytes();
    return {
      workerId,
      connections: connections.size,
      rooms: localRooms.roomCount,
      queuedBytes,
      ...inputGate.stats(performance.now()),
      coordinatorBacklogUnits: coordinator.window.inFlight,
      coordinatorBacklogPeakUnits: coordinator.window.peak,
      ...threadLoad(),
      ...counters,
      ...roomLineRun.counters,
    };
  },
  async shutdown(notice) {
    inputGate.shut();
    for (const connection of connections.values()) connection.stopReading();
    const everyWorkerDrained = new Promise<void>((resolve) => (drained = resolve));
    coordinator.send({ type: 'drain' });
    await everyWorkerDrained;
    const everyoneGone = new Promise<void>((resolve) => (allClosed = resolve));
    for (const connection of connections.values()) connection.close(notice, 'server shutting down');
    if (connections.size > 0) await everyoneGone;
    flushLogger(log);
  },
  crash() {
    if (!config.testHooks) throw new Error('test hooks are off');
    setImmediate(() => {
      throw new Error(`connection worker ${workerId} crashed on purpose (test hook)`);
    });
  },
  block(ms) {
    if (!config.testHooks) throw new Error('test hooks are off');
    setImmediate(() => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    });
  },
};
exposeControl(control, controlPort);
// Last: everything above is wired, so the acceptor may hand sockets over from now on.
acceptorPort.send({ type: 'worker-ready' });
