// Coordinator thread: owns the Coordinator and, per connection worker, a ring each way and a port
// (worker-rings.ts). The supervisor attaches a worker's rings and port when it starts and detaches them
// when it dies: what the coordinator still holds for a dead worker is dropped, never waited for. It
// also runs the shutdown barrier: once every attached worker has said `drain`, all their accepted lines
// have been routed, so `drained` goes out to each worker behind those lines. Each channel is credit
// flow controlled both ways (flow-window.ts): the coordinator acknowledges what it handled of a worker's
// ops, and watches what each worker has not yet acknowledged of its own; a worker too far behind puts
// the server in overload. With --bus the coordinator is a BusCoordinator (the node's gateway to the bus):
// while too many of its publishes are in flight it holds workers' ops as it does in overload, and the
// barrier also waits for this node's lines to come back from the bus.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { exposeControl, type CoordinatorControl } from '../../src/control-api.ts';
import { CreditedPort } from '../../src/credited-port.ts';
import { Acknowledger, coordinatorOpWeight, coordinatorToWorkerWindow, FlowWindow, workerOpWeight } from '../../src/flow-window.ts';
import { createLogger, LogSampler } from '../../src/log.ts';
import { coordinatorOpCodec, workerOpCodec } from '../../src/ring-op-codecs.ts';
import { RingReceiver, RingSender } from '../../src/ring-port.ts';
import { SpscRing } from '../../src/spsc-ring.ts';
import { loadWindowMs, startThreadLoadGauge } from '../../src/thread-load.ts';
import type { CoordinatorData, CoordinatorOp, SupervisorToCoordinator, WorkerOp } from '../../src/thread-messages.ts';
import { createBus } from '../../src/bus/create-bus.ts';
import { BusCoordinator } from './bus-coordinator.ts';
import { Coordinator } from './coordinator.ts';
import { OverloadSignal } from './overload-signal.ts';

const { config, controlPort } = workerData as CoordinatorData;
const log = createLogger(config, 'coordinator');
const overloadLogSampler = new LogSampler(4, 10_000);

/** What a worker sends but its flow control acks. */
type RoutedOp = Exclude<WorkerOp, { type: 'ack' }>;

interface AttachedWorker {
  port: MessagePort;
  receiver: RingReceiver<WorkerOp>;
  sender: RingSender<CoordinatorOp>;
  outbox: CreditedPort<CoordinatorOp>;
  handled: Acknowledger;
  /**
   * The worker's ops that arrived while the server was overloaded, handled in order once it is not: the
   * coordinator makes no more output while a worker is behind, so the overshoot past a window's high
   * water is what one op makes. Bounded by the worker's own window (they are not acknowledged yet).
   */
  held: RoutedOp[];
}

/** How long the shutdown barrier waits for this node's last lines to come back from the bus. */
const busSettleTimeoutMs = 2_000;
const workerPorts = new Map<number, AttachedWorker>();
let releaseScheduled = false;
const overload = new OverloadSignal((on) => {
  for (const { outbox } of workerPorts.values()) outbox.sendUncounted({ type: 'overload', on });
  if (!on) scheduleRelease();
  if (!overloadLogSampler.take(performance.now(), (suppressed) => log.warn({ suppressed }, 'more overload changes not logged'))) return;
  if (on) log.warn({ workerBacklogUnits: backlogs().now }, 'overload on: a worker is behind, every worker pauses its input');
  else log.info(overload.stats(performance.now()), 'overload off: workers resume their input');
});
const drainedWorkers = new Set<number>();
let barrierReleased = false;
const sendToWorker = (workerId: number, op: CoordinatorOp) => workerPorts.get(workerId)?.outbox.send(op);
const busCoordinator =
  config.busUrl === undefined ? undefined : new BusCoordinator(config, sendToWorker, log, await createBus(config, log), scheduleRelease);
const coordinator = busCoordinator ?? new Coordinator(config, sendToWorker, log);
/** With --bus, joining it; the supervisor waits for this before it listens. */
const started = busCoordinator?.start() ?? Promise.resolve();
started.catch(() => {});
/** Whether workers' ops wait: a worker is too far behind, or too many lines are in flight to the bus. */
const holding = () => overload.on || busCoordinator?.saturated === true;

function scheduleRelease(): void {
  if (releaseScheduled) return;
  releaseScheduled = true;
  setImmediate(releaseHeld);
}

/** Handles one op from a worker; returns its weight, for the acknowledgement. */
function handle(workerId: number, op: RoutedOp): number {
  if (op.type === 'drain') {
    drainedWorkers.add(workerId);
    releaseBarrierIfComplete();
  } else {
    try {
      coordinator.handle(workerId, op);
    } catch (error) {
      // A bug met by one op must not end every room on the server: report it and go on.
      log.error({ err: error, op: op.type, workerId }, 'coordinator op failed; skipped');
    }
  }
  return workerOpWeight(op);
}

function acknowledge(attached: AttachedWorker, units: number): void {
  const due = attached.handled.handled(units);
  if (due > 0) attached.outbox.sendUncounted({ type: 'ack', units: due });
}

/** Overload is off: handle what was held, in order, until it is over or overload comes back. */
function releaseHeld(): void {
  releaseScheduled = false;
  for (const [workerId, attached] of workerPorts) {
    const { held } = attached;
    let units = 0;
    let done = 0;
    while (done < held.length && !holding()) units += handle(workerId, held[done++]!);
    held.splice(0, done);
    acknowledge(attached, units);
  }
}

function releaseBarrierIfComplete(): void {
  if (barrierReleased || drainedWorkers.size === 0) return;
  if ([...workerPorts.keys()].some((workerId) => !drainedWorkers.has(workerId))) return;
  barrierReleased = true;
  const release = () => {
    for (const { outbox } of workerPorts.values()) outbox.send({ type: 'drained' });
  };
  if (busCoordinator === undefined) return release();
  void busCoordinator.settled(busSettleTimeoutMs).then(release);
}

parentPort!.on('message', (message: SupervisorToCoordinator) => {
  switch (message.type) {
    case 'attach-worker': {
      const { workerId, port, rings } = message;
      const { highWater, lowWater } = coordinatorToWorkerWindow;
      const window = new FlowWindow(highWater, lowWater, (over) => overload.workerBehind(workerId, over, performance.now()));
      const sender = new RingSender(new SpscRing(rings.toWorker), port, coordinatorOpCodec);
      const receiver = new RingReceiver(new SpscRing(rings.toCoordinator), port, workerOpCodec, (batch: WorkerOp[]) => {
        let units = 0;
        for (const op of batch) {
          if (op.type === 'ack') window.acknowledged(op.units);
          else if (holding() || attached.held.length > 0) attached.held.push(op);
          else units += handle(workerId, op);
        }
        acknowledge(attached, units);
      });
      const attached: AttachedWorker = {
        port,
        receiver,
        sender,
        outbox: new CreditedPort<CoordinatorOp>(sender, window, coordinatorOpWeight),
        handled: new Acknowledger(),
        held: [],
      };
      workerPorts.set(workerId, attached);
      if (overload.on) attached.outbox.sendUncounted({ type: 'overload', on: true });
      return;
    }
    case 'detach-worker': {
      const attached = workerPorts.get(message.workerId);
      if (attached === undefined) return;
      // Close first: nothing still queued from the dead worker may re-register its users afterwards.
      attached.receiver.close();
      attached.sender.close();
      attached.port.close();
      workerPorts.delete(message.workerId);
      overload.workerBehind(message.workerId, false, performance.now());
      coordinator.forgetWorker(message.workerId, 'connection lost: server worker restarted');
      releaseBarrierIfComplete();
      return;
    }
  }
});

const threadLoad = startThreadLoadGauge(loadWindowMs(config.statsIntervalMs));
/** The largest backlog to any worker, now and at most (units un-acknowledged). */
function backlogs(): { now: number; peak: number } {
  let now = 0;
  let peak = 0;
  for (const { outbox } of workerPorts.values()) {
    now = Math.max(now, outbox.window.inFlight);
    peak = Math.max(peak, outbox.window.peak);
  }
  return { now, peak };
}

const control: CoordinatorControl = {
  started: () => started,
  stop: async () => busCoordinator?.close(),
  stats: () => {
    const { now, peak } = backlogs();
    const flow = { ...overload.stats(performance.now()), workerBacklogUnits: now, workerBacklogPeakUnits: peak };
    return { ...coordinator.stats(), ...flow, ...threadLoad() };
  },
};
exposeControl(control, controlPort);
