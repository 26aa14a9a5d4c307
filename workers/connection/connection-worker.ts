// Connection worker thread: adopts sockets handed over by the acceptor and owns them for life. Room
// lines from the coordinator are turned into bytes once here and shared by every local member.
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls';
import { parentPort, workerData } from 'node:worker_threads';
import { BatchedPort } from '../../src/batched-port.ts';
import { exposeControl, wrapControl, type ConnectionWorkerControl, type SupervisorControl } from '../../src/control-api.ts';
import { createLogger } from '../../src/log.ts';
import { startThreadLoadGauge } from '../../src/thread-load.ts';
import type {
  AcceptorToConnectionWorker,
  ConnectionWorkerData,
  ConnectionWorkerToAcceptor,
  CoordinatorOp,
  WorkerOp,
} from '../../src/thread-messages.ts';
import { BacklogWatch } from './backlog-watch.ts';
import { ConnectionEventLog } from './connection-event-log.ts';
import { LocalRooms } from './local-rooms.ts';
import { RoomLineRun } from './room-line-run.ts';
import { Session, type SessionContext, type SessionCounters } from './session.ts';
import { WriteBatcher } from './write-batcher.ts';

const { workerId, slot, generation, config, coordinatorPort, controlPort, supervisorPort } = workerData as ConnectionWorkerData;
// Test hook (config.testHooks only): this worker fails to start, or dies on the first socket it is handed.
const faults = config.testHooks && config.workerFaultsForTest?.slot === slot ? config.workerFaultsForTest : undefined;
if (faults?.failToStart.includes(generation)) throw new Error(`connection worker ${workerId} failed to start (test hook)`);
const dieOnFirstSocket = faults?.dieOnFirstSocket.includes(generation) === true;
const acceptor = parentPort!;
const sessions = new Map<number, Session>();
const localRooms = new LocalRooms<Session>();
const counters: SessionCounters = {
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
const acceptorPort = new BatchedPort<ConnectionWorkerToAcceptor>(acceptor);
const coordinator = new BatchedPort<WorkerOp>(coordinatorPort);
const roomLineRun = new RoomLineRun(localRooms);
const batcher = new WriteBatcher(() => roomLineRun.close());
const log = createLogger(config, `worker-${workerId}`);
const context: SessionContext = {
  config,
  log,
  events: new ConnectionEventLog(log),
  coordinator,
  supervisor: wrapControl<SupervisorControl>(supervisorPort),
  localRooms,
  batcher,
  backlogWatch: new BacklogWatch(),
  counters,
  onClosed(session) {
    sessions.delete(session.connectionId);
    acceptorPort.send({ type: 'connection-closed', connectionId: session.connectionId });
    if (sessions.size === 0) allClosed?.();
  },
};
// Read once per worker, so a restarted worker picks up a renewed certificate.
const secureContext: SecureContext | undefined =
  config.tlsCertFile === undefined || config.tlsKeyFile === undefined
    ? undefined
    : createSecureContext({ cert: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile) });

acceptor.on('message', ({ connectionId, socket, tls }: AcceptorToConnectionWorker) => {
  if (dieOnFirstSocket) throw new Error(`connection worker ${workerId} died before adopting a socket (test hook)`);
  socket.setNoDelay(true);
  if (config.keepAliveMs > 0) socket.setKeepAlive(true, config.keepAliveMs);
  const stream: Socket = tls ? new TLSSocket(socket, { isServer: true, secureContext: secureContext! }) : socket;
  const session = new Session(connectionId, stream, context);
  sessions.set(connectionId, session);
  session.start();
  acceptorPort.send({ type: 'socket-adopted', connectionId });
});

let drained: (() => void) | undefined;
let allClosed: (() => void) | undefined;

coordinatorPort.on('message', (batch: CoordinatorOp[]) => {
  for (const op of batch) {
    if (op.type === 'deliver') {
      if (roomLineRun.add(op.room, op.line)) batcher.scheduleFlush();
      continue;
    }
    roomLineRun.close();
    if (op.type === 'drained') drained?.();
    else sessions.get(op.connectionId)?.handleCoordinatorOp(op);
  }
});

const threadLoad = startThreadLoadGauge();

const control: ConnectionWorkerControl = {
  stats() {
    let queuedBytes = 0;
    for (const session of sessions.values()) queuedBytes += session.output.queuedBytes();
    return {
      workerId,
      connections: sessions.size,
      rooms: localRooms.roomCount,
      queuedBytes,
      ...threadLoad(),
      ...counters,
    };
  },
  async shutdown(noticeLine) {
    for (const session of sessions.values()) session.stopReading();
    const everyWorkerDrained = new Promise<void>((resolve) => (drained = resolve));
    coordinator.send({ type: 'drain' });
    await everyWorkerDrained;
    const everyoneGone = new Promise<void>((resolve) => (allClosed = resolve));
    for (const session of sessions.values()) session.close(noticeLine, 'server shutting down');
    if (sessions.size > 0) await everyoneGone;
  },
  crash() {
    if (!config.testHooks) throw new Error('test hooks are off');
    setImmediate(() => {
      throw new Error(`connection worker ${workerId} crashed on purpose (test hook)`);
    });
  },
};
exposeControl(control, controlPort);
// Last: everything above is wired, so the acceptor may hand sockets over from now on.
acceptorPort.send({ type: 'worker-ready' });
