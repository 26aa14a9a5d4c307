// Connection worker thread: adopts sockets handed over by the acceptor and owns them for life. Room
// lines from the coordinator are turned into bytes once here and shared by every local member.
import { parentPort, workerData } from 'node:worker_threads';
import { BatchedPort } from '../../src/batched-port.ts';
import { exposeControl, type ConnectionWorkerControl } from '../../src/control-api.ts';
import type {
  AcceptorToConnectionWorker,
  ConnectionWorkerData,
  ConnectionWorkerToAcceptor,
  CoordinatorOp,
  WorkerOp,
} from '../../src/thread-messages.ts';
import { LocalRooms } from './local-rooms.ts';
import { Session, type SessionCounters } from './session.ts';
import { WriteBatcher } from './write-batcher.ts';

const { workerId, config, coordinatorPort, controlPort } = workerData as ConnectionWorkerData;
const acceptor = parentPort!;
const sessions = new Map<number, Session>();
const localRooms = new LocalRooms<Session>();
const counters: SessionCounters = { messagesIn: 0, deliveriesOut: 0, bytesOut: 0, slowConsumersDisconnected: 0 };
const acceptorPort = new BatchedPort<ConnectionWorkerToAcceptor>(acceptor);
const context = {
  config,
  coordinator: new BatchedPort<WorkerOp>(coordinatorPort),
  localRooms,
  batcher: new WriteBatcher(),
  counters,
  onClosed(session: Session) {
    sessions.delete(session.connectionId);
    acceptorPort.send({ type: 'connections-closed', count: 1 });
  },
};

acceptor.on('message', (message: AcceptorToConnectionWorker) => {
  const session = new Session(message.connectionId, message.socket, context);
  sessions.set(message.connectionId, session);
  session.start();
});

coordinatorPort.on('message', (batch: CoordinatorOp[]) => {
  for (const op of batch) {
    if (op.type === 'deliver') deliver(op.room, op.line);
    else sessions.get(op.connectionId)?.handleCoordinatorOp(op);
  }
});

function deliver(room: string, line: string): void {
  const members = localRooms.membersOf(room);
  if (members === undefined) return;
  const bytes = Buffer.from(line);
  for (const member of members) member.output.write(bytes);
}

const control: ConnectionWorkerControl = {
  stats() {
    let queuedBytes = 0;
    for (const session of sessions.values()) queuedBytes += session.output.queuedBytes();
    return { workerId, connections: sessions.size, rooms: localRooms.roomCount, queuedBytes, ...counters };
  },
  async closeAll(reasonLine) {
    const closing = [...sessions.values()].map(
      (session) => new Promise<void>((resolve) => {
        session.output.socket.once('close', () => resolve());
        session.close(reasonLine, 'server shutting down');
      }),
    );
    await Promise.all(closing);
  },
};
exposeControl(control, controlPort);
