// Coordinator thread: owns the Coordinator and one batched port per connection worker. The supervisor
// attaches a worker's port when it starts and detaches it when it dies. It also runs the shutdown
// barrier: once every attached worker has said `drain`, all their accepted lines have been routed, so
// `drained` goes out to each worker behind those lines.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { BatchedPort } from '../../src/batched-port.ts';
import { exposeControl, type CoordinatorControl } from '../../src/control-api.ts';
import { createLogger } from '../../src/log.ts';
import { startThreadLoadGauge } from '../../src/thread-load.ts';
import type { CoordinatorData, CoordinatorOp, SupervisorToCoordinator, WorkerOp } from '../../src/thread-messages.ts';
import { Coordinator } from './coordinator.ts';

const { config, controlPort } = workerData as CoordinatorData;
const workerPorts = new Map<number, { port: MessagePort; outbox: BatchedPort<CoordinatorOp> }>();
const drainedWorkers = new Set<number>();
let barrierReleased = false;
const log = createLogger(config, 'coordinator');
const coordinator = new Coordinator(config, (workerId, op) => workerPorts.get(workerId)?.outbox.send(op), log);

function releaseBarrierIfComplete(): void {
  if (barrierReleased || drainedWorkers.size === 0) return;
  if ([...workerPorts.keys()].some((workerId) => !drainedWorkers.has(workerId))) return;
  barrierReleased = true;
  for (const { outbox } of workerPorts.values()) outbox.send({ type: 'drained' });
}

parentPort!.on('message', (message: SupervisorToCoordinator) => {
  switch (message.type) {
    case 'attach-worker': {
      const { workerId, port } = message;
      workerPorts.set(workerId, { port, outbox: new BatchedPort(port) });
      port.on('message', (batch: WorkerOp[]) => {
        for (const op of batch) {
          if (op.type === 'drain') {
            drainedWorkers.add(workerId);
            releaseBarrierIfComplete();
            continue;
          }
          try {
            coordinator.handle(workerId, op);
          } catch (error) {
            // A bug met by one op must not end every room on the server: report it and go on.
            log.error({ err: error, op: op.type, workerId }, 'coordinator op failed; skipped');
          }
        }
      });
      return;
    }
    case 'detach-worker': {
      const attached = workerPorts.get(message.workerId);
      if (attached === undefined) return;
      // Close first: nothing still queued from the dead worker may re-register its users afterwards.
      attached.port.close();
      workerPorts.delete(message.workerId);
      coordinator.forgetWorker(message.workerId, 'connection lost: server worker restarted');
      releaseBarrierIfComplete();
      return;
    }
  }
});

const threadLoad = startThreadLoadGauge();
const control: CoordinatorControl = { stats: () => ({ ...coordinator.stats(), ...threadLoad() }) };
exposeControl(control, controlPort);
