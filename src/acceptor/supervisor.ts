// The supervisor side of the main thread: starts the coordinator and the connection workers, wires each
// worker to the coordinator with its own MessageChannel, admits connections (caps) and hands each to the
// least-loaded live worker, restarts a worker that dies, and runs the control plane over comlink.
import { MessageChannel, Worker } from 'node:worker_threads';
import type { Socket } from 'node:net';
import type { Remote } from 'comlink';
import type { ServerConfig } from '../config.ts';
import {
  exposeControl,
  wrapControl,
  type ConnectionWorkerControl,
  type ConnectionWorkerStats,
  type CoordinatorControl,
  type ServerStats,
  type SupervisorControl,
} from '../control-api.ts';
import type { ErrorCode } from '../protocol/errors.ts';
import type {
  AcceptorToConnectionWorker,
  ConnectionWorkerData,
  ConnectionWorkerToAcceptor,
  CoordinatorData,
  SupervisorToCoordinator,
} from '../thread-messages.ts';
import { startThreadLoadGauge } from '../thread-load.ts';
import { ConnectionLedger } from './connection-ledger.ts';

const coordinatorScript = new URL('../../workers/coordinator/coordinator-worker.ts', import.meta.url);
const connectionWorkerScript = new URL('../../workers/connection/connection-worker.ts', import.meta.url);
const restartDelayMs = 100;

interface ConnectionWorkerSlot {
  workerId: number;
  worker: Worker;
  control: Remote<ConnectionWorkerControl>;
  alive: boolean;
}

export type Admission = 'admit' | Extract<ErrorCode, 'SERVER_FULL' | 'TOO_MANY_CONNECTIONS'>;

export class Supervisor {
  readonly #config: ServerConfig;
  readonly #coordinator: Worker;
  readonly #coordinatorControl: Remote<CoordinatorControl>;
  readonly #slots: ConnectionWorkerSlot[] = [];
  readonly #ledger = new ConnectionLedger();
  #nextWorkerId = 1;
  #nextConnectionId = 1;
  #accepted = 0;
  #refusedServerFull = 0;
  #refusedPerIpLimit = 0;
  #workerRestarts = 0;
  #stopping = false;
  readonly #stopLoadGauge = new AbortController();
  readonly #threadLoad = startThreadLoadGauge(this.#stopLoadGauge.signal);

  constructor(config: ServerConfig) {
    this.#config = config;
    const control = new MessageChannel();
    const data: CoordinatorData = { config, controlPort: control.port2 };
    this.#coordinator = new Worker(coordinatorScript, { workerData: data, transferList: [control.port2] });
    this.#coordinator.on('error', (error) => {
      // Without the coordinator no room works and its state cannot be rebuilt: stop loudly.
      console.error('roomcast: the coordinator thread failed:', error);
      process.exit(1);
    });
    this.#coordinatorControl = wrapControl<CoordinatorControl>(control.port1);
    for (let index = 0; index < config.workers; index++) this.#slots.push(this.#spawnConnectionWorker());
  }

  get perIpLimit(): number {
    return this.#config.maxConnectionsPerIp;
  }

  /** Whether a new connection from `address` may come in, or which error refuses it. */
  admit(address: string): Admission {
    const { maxConnections, maxConnectionsPerIp } = this.#config;
    if (this.#ledger.size >= maxConnections || !this.#slots.some((slot) => slot.alive)) {
      this.#refusedServerFull++;
      return 'SERVER_FULL';
    }
    if (maxConnectionsPerIp > 0 && this.#ledger.countFrom(address) >= maxConnectionsPerIp) {
      this.#refusedPerIpLimit++;
      return 'TOO_MANY_CONNECTIONS';
    }
    return 'admit';
  }

  /** Gives an admitted socket to the live worker with the fewest connections. */
  handOff(socket: Socket, address: string, tls: boolean): void {
    let chosen: ConnectionWorkerSlot | undefined;
    for (const slot of this.#slots) {
      if (!slot.alive) continue;
      if (chosen === undefined || this.#ledger.countOnWorker(slot.workerId) < this.#ledger.countOnWorker(chosen.workerId)) {
        chosen = slot;
      }
    }
    if (chosen === undefined) throw new Error('handOff without a live worker; admit() first');
    const connectionId = this.#nextConnectionId++;
    this.#accepted++;
    this.#ledger.add(connectionId, chosen.workerId, address);
    const message: AcceptorToConnectionWorker = { type: 'adopt-socket', connectionId, socket, tls };
    // Node 26 transfers an accepted, never-read socket's handle to the worker; main never sees its bytes.
    chosen.worker.postMessage(message, [socket]);
  }

  async stats(): Promise<ServerStats> {
    const live = this.#slots.filter((slot) => slot.alive);
    const [coordinator, workers] = await Promise.all([
      this.#coordinatorControl.stats(),
      Promise.all(live.map((slot) => slot.control.stats() as Promise<ConnectionWorkerStats>)),
    ]);
    return {
      coordinator,
      workers,
      acceptor: {
        ...this.#threadLoad(),
        liveConnections: this.#ledger.size,
        accepted: this.#accepted,
        refusedServerFull: this.#refusedServerFull,
        refusedPerIpLimit: this.#refusedPerIpLimit,
        workerRestarts: this.#workerRestarts,
      },
    };
  }

  /** Test hook: makes connection worker `index` throw (the worker refuses unless config.testHooks). */
  crashWorkerForTest(index: number): Promise<void> {
    return this.#slots[index]!.control.crash();
  }

  /** Graceful shutdown of every thread; see ConnectionWorkerControl.shutdown. */
  async stop(noticeLine: string): Promise<void> {
    this.#stopping = true;
    this.#stopLoadGauge.abort();
    await Promise.all(this.#slots.filter((slot) => slot.alive).map((slot) => slot.control.shutdown(noticeLine)));
    await Promise.all([...this.#slots.map((slot) => slot.worker.terminate()), this.#coordinator.terminate()]);
  }

  #spawnConnectionWorker(): ConnectionWorkerSlot {
    const workerId = this.#nextWorkerId++;
    const toCoordinator = new MessageChannel();
    const control = new MessageChannel();
    const toSupervisor = new MessageChannel();
    const data: ConnectionWorkerData = {
      workerId,
      config: this.#config,
      coordinatorPort: toCoordinator.port2,
      controlPort: control.port2,
      supervisorPort: toSupervisor.port2,
    };
    const worker = new Worker(connectionWorkerScript, {
      workerData: data,
      transferList: [toCoordinator.port2, control.port2, toSupervisor.port2],
    });
    const attach: SupervisorToCoordinator = { type: 'attach-worker', workerId, port: toCoordinator.port1 };
    this.#coordinator.postMessage(attach, [toCoordinator.port1]);
    const supervisorControl: SupervisorControl = { stats: () => this.stats() };
    exposeControl(supervisorControl, toSupervisor.port1);
    const slot: ConnectionWorkerSlot = {
      workerId,
      worker,
      control: wrapControl<ConnectionWorkerControl>(control.port1),
      alive: true,
    };
    worker.on('message', (batch: ConnectionWorkerToAcceptor[]) => {
      for (const message of batch) this.#ledger.remove(message.connectionId);
    });
    worker.on('error', (error) => console.error(`roomcast: connection worker ${workerId} failed:`, error));
    worker.on('exit', () => this.#onWorkerExit(slot, [control.port1, toSupervisor.port1]));
    return slot;
  }

  #onWorkerExit(slot: ConnectionWorkerSlot, ports: { close(): void }[]): void {
    slot.alive = false;
    for (const port of ports) port.close();
    this.#ledger.removeWorker(slot.workerId);
    const detach: SupervisorToCoordinator = { type: 'detach-worker', workerId: slot.workerId };
    this.#coordinator.postMessage(detach);
    if (this.#stopping) return;
    this.#workerRestarts++;
    console.error(`roomcast: connection worker ${slot.workerId} exited; starting a replacement`);
    setTimeout(() => {
      if (this.#stopping) return;
      this.#slots[this.#slots.indexOf(slot)] = this.#spawnConnectionWorker();
    }, restartDelayMs);
  }
}
