// The supervisor side of the main thread: starts the coordinator and the connection workers, wires each
// worker to the coordinator with its own MessageChannel, knows how many live connections each worker
// has, restarts a worker that dies, and asks every thread for stats over comlink.
import { MessageChannel, Worker } from 'node:worker_threads';
import type { Socket } from 'node:net';
import type { Remote } from 'comlink';
import type { ServerConfig } from '../config.ts';
import {
  wrapControl,
  type ConnectionWorkerControl,
  type ConnectionWorkerStats,
  type CoordinatorControl,
  type CoordinatorStats,
} from '../control-api.ts';
import type {
  AcceptorToConnectionWorker,
  ConnectionWorkerData,
  ConnectionWorkerToAcceptor,
  CoordinatorData,
  SupervisorToCoordinator,
} from '../thread-messages.ts';

const coordinatorScript = new URL('../../workers/coordinator/coordinator-worker.ts', import.meta.url);
const connectionWorkerScript = new URL('../../workers/connection/connection-worker.ts', import.meta.url);
const restartDelayMs = 100;

interface ConnectionWorkerSlot {
  workerId: number;
  worker: Worker;
  control: Remote<ConnectionWorkerControl>;
  liveConnections: number;
  alive: boolean;
}

export interface ServerStats {
  coordinator: CoordinatorStats;
  workers: ConnectionWorkerStats[];
  workerRestarts: number;
}

export class Supervisor {
  readonly #config: ServerConfig;
  readonly #coordinator: Worker;
  readonly #coordinatorControl: Remote<CoordinatorControl>;
  readonly #slots: ConnectionWorkerSlot[] = [];
  #nextWorkerId = 1;
  #workerRestarts = 0;
  #stopping = false;

  constructor(config: ServerConfig) {
    this.#config = config;
    const control = new MessageChannel();
    const data: CoordinatorData = { config, controlPort: control.port2 };
    this.#coordinator = new Worker(coordinatorScript, { workerData: data, transferList: [control.port2] });
    this.#coordinator.on('error', (error) => {
      // Without the coordinator no room works; a supervisor cannot rebuild its state, so stop loudly.
      console.error('roomcast: the coordinator thread failed:', error);
      process.exit(1);
    });
    this.#coordinatorControl = wrapControl<CoordinatorControl>(control.port1);
    for (let index = 0; index < config.workers; index++) this.#slots.push(this.#spawnConnectionWorker());
  }

  /** Gives the socket to the live worker with the fewest connections; false if none is alive. */
  handOff(socket: Socket, connectionId: number): boolean {
    let chosen: ConnectionWorkerSlot | undefined;
    for (const slot of this.#slots) {
      if (slot.alive && (chosen === undefined || slot.liveConnections < chosen.liveConnections)) chosen = slot;
    }
    if (chosen === undefined) return false;
    chosen.liveConnections++;
    const message: AcceptorToConnectionWorker = { type: 'adopt-socket', connectionId, socket };
    // Node 26 transfers an accepted, never-read socket's handle to the worker; main never sees its bytes.
    chosen.worker.postMessage(message, [socket]);
    return true;
  }

  async stats(): Promise<ServerStats> {
    const live = this.#slots.filter((slot) => slot.alive);
    const [coordinator, ...workers] = await Promise.all([
      this.#coordinatorControl.stats(),
      ...live.map((slot) => slot.control.stats()),
    ]);
    return { coordinator: coordinator!, workers: workers as ConnectionWorkerStats[], workerRestarts: this.#workerRestarts };
  }

  /** Tells every client why, flushes, closes every connection, then ends every thread. */
  async stop(reasonLine: string): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#slots.filter((slot) => slot.alive).map((slot) => slot.control.closeAll(reasonLine)));
    await Promise.all([...this.#slots.map((slot) => slot.worker.terminate()), this.#coordinator.terminate()]);
  }

  #spawnConnectionWorker(): ConnectionWorkerSlot {
    const workerId = this.#nextWorkerId++;
    const toCoordinator = new MessageChannel();
    const control = new MessageChannel();
    const data: ConnectionWorkerData = {
      workerId,
      config: this.#config,
      coordinatorPort: toCoordinator.port2,
      controlPort: control.port2,
    };
    const worker = new Worker(connectionWorkerScript, {
      workerData: data,
      transferList: [toCoordinator.port2, control.port2],
    });
    const attach: SupervisorToCoordinator = { type: 'attach-worker', workerId, port: toCoordinator.port1 };
    this.#coordinator.postMessage(attach, [toCoordinator.port1]);
    const slot: ConnectionWorkerSlot = {
      workerId,
      worker,
      control: wrapControl<ConnectionWorkerControl>(control.port1),
      liveConnections: 0,
      alive: true,
    };
    worker.on('message', (message: ConnectionWorkerToAcceptor) => {
      slot.liveConnections -= message.count;
    });
    worker.on('error', (error) => console.error(`roomcast: connection worker ${workerId} failed:`, error));
    worker.on('exit', () => this.#onWorkerExit(slot));
    return slot;
  }

  #onWorkerExit(slot: ConnectionWorkerSlot): void {
    slot.alive = false;
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
