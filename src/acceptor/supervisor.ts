// The supervisor side of the main thread: starts the coordinator and the connection workers, wires each
// worker to the coordinator with its own MessageChannel, admits connections (caps, connect rate) and hands
// each to the least-loaded READY worker, restarts a worker that dies (with backoff), and runs the control
// plane over comlink.
//
// A worker slot is `starting` until its worker posts worker-ready (module loaded, ports wired), then
// `ready`, then `dead` once it exits; a dead slot is refilled by a new worker after a backoff delay.
// Sockets go only to ready workers: one that dies while starting would take them with it. Every handoff is
// acknowledged (socket-adopted); those a worker never acknowledged because it died are failed handoffs.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
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
import type { Logger } from '../log.ts';
import type { ErrorCode } from '../protocol/errors.ts';
import type {
  AcceptorToConnectionWorker,
  ConnectionWorkerData,
  ConnectionWorkerToAcceptor,
  CoordinatorData,
  Door,
  Notice,
  SupervisorToCoordinator,
} from '../thread-messages.ts';
import { ConnectRateLimiter } from './connect-rate-limiter.ts';
import { allocateWorkerRings } from '../worker-rings.ts';
import { loadWindowMs, startThreadLoadGauge, type ThreadLoad } from '../thread-load.ts';
import { ConnectionLedger } from './connection-ledger.ts';
import { type DoorRefusals, doorRefusals } from './door-refusals.ts';
import { RestartBackoff } from './restart-backoff.ts';

const coordinatorScript = new URL('../../workers/coordinator/coordinator-worker.ts', import.meta.url);
const connectionWorkerScript = new URL('../../workers/connection/connection-worker.ts', import.meta.url);
const restartInitialDelayMs = 100;
const restartMaxDelayMs = 30_000;
/** A worker that stayed ready this long was healthy: when it dies, restart delays start over. */
const workerStableAfterMs = 10_000;
/** How long stats() waits for a thread; one that died or hangs is left out of the answer. */
const statsTimeoutMs = 2000;
/** How long a stopping coordinator may take to leave the bus (release its nicks) before its thread ends. */
const coordinatorStopTimeoutMs = 3000;
/** Addresses the connect-rate table remembers at once (about 100 bytes each). */
const maxRateTrackedAddresses = 100_000;

type SlotState = 'starting' | 'ready' | 'dead';

interface ConnectionWorkerSlot {
  readonly index: number;
  readonly generation: number;
  readonly workerId: number;
  readonly worker: Worker;
  readonly control: Remote<ConnectionWorkerControl>;
  state: SlotState;
  readyAtMs: number;
  /** Connection ids handed to this worker that it has not acknowledged yet. */
  readonly unacknowledged: Set<number>;
  /** Resolves when the worker has exited: a control call still pending then will never be answered. */
  readonly exited: Promise<void>;
  /** What the worker threw, if it died of an uncaught exception. */
  error: unknown;
}

export type RefusalCode = Extract<ErrorCode, 'SERVER_UNAVAILABLE' | 'SERVER_FULL' | 'CONNECTING_TOO_FAST' | 'TOO_MANY_CONNECTIONS'>;
export type Admission = 'admit' | RefusalCode;

export class Supervisor {
  readonly #config: ServerConfig;
  readonly #log: Logger;
  readonly #coordinator: Worker;
  readonly #coordinatorControl: Remote<CoordinatorControl>;
  readonly #slots: ConnectionWorkerSlot[] = [];
  readonly #backoffs: RestartBackoff[] = [];
  readonly #restartTimers = new Set<NodeJS.Timeout>();
  readonly #ledger = new ConnectionLedger();
  readonly #connectRate: ConnectRateLimiter | undefined;
  readonly #refusals: DoorRefusals;
  /** Settles once every first worker is ready or dead: fulfilled if at least one is ready. */
  readonly #started = Promise.withResolvers<void>();
  #firstWorkersSettled = 0;
  #nextWorkerId = 1;
  #nextConnectionId = 1;
  #accepted = 0;
  #refusedUnavailable = 0;
  #refusedServerFull = 0;
  #refusedTooFast = 0;
  #refusedPerIpLimit = 0;
  #workerRestarts = 0;
  #failedHandoffs = 0;
  #stopping = false;
  readonly #stopLoadGauge = new AbortController();
  readonly #threadLoad: () => ThreadLoad;

  constructor(config: ServerConfig, log: Logger) {
    this.#config = config;
    this.#log = log;
    this.#threadLoad = startThreadLoadGauge(loadWindowMs(config.statsIntervalMs), this.#stopLoadGauge.signal);
    this.#connectRate =
      config.maxConnectsPerIpPerSecond > 0
        ? new ConnectRateLimiter(config.maxConnectsPerIpPerSecond, config.connectBurstPerIp, maxRateTrackedAddresses)
        : undefined;
    this.#refusals = doorRefusals(config);
    const control = new MessageChannel();
    const data: CoordinatorData = { config, controlPort: control.port2 };
    this.#coordinator = new Worker(coordinatorScript, { workerData: data, transferList: [control.port2] });
    this.#coordinator.on('error', (error) => {
      // Without the coordinator no room works and its state cannot be rebuilt: stop loudly.
      log.fatal({ err: error }, 'the coordinator thread failed; exiting');
      process.exit(1);
    });
    this.#coordinatorControl = wrapControl<CoordinatorControl>(control.port1);
    for (let index = 0; index < config.workers; index++) {
      this.#backoffs.push(new RestartBackoff(restartInitialDelayMs, restartMaxDelayMs, workerStableAfterMs));
      this.#slots.push(this.#spawnConnectionWorker(index, 1));
    }
  }

  /** Resolves once the first workers are up (at least one ready); rejects if none could start. */
  /** Resolves once the coordinator is ready (with --bus: joined it) and the first workers are up. */
  async started(): Promise<void> {
    await Promise.all([this.#coordinatorControl.started(), this.#started.promise]);
  }

  /** Whether a new connection from address key `key` (see addressKey) may come in, or what refuses it. */
  admit(key: string): Admission {
    const { maxConnections, maxConnectionsPerIp } = this.#config;
    if (!this.#slots.some((slot) => slot.state === 'ready')) {
      this.#refusedUnavailable++;
      return 'SERVER_UNAVAILABLE';
    }
    if (this.#ledger.size >= maxConnections) {
      this.#refusedServerFull++;
      return 'SERVER_FULL';
    }
    if (this.#connectRate?.tryConnect(key, performance.now()) === false) {
      this.#refusedTooFast++;
      return 'CONNECTING_TOO_FAST';
    }
    if (maxConnectionsPerIp > 0 && this.#ledger.countFrom(key) >= maxConnectionsPerIp) {
      this.#refusedPerIpLimit++;
      return 'TOO_MANY_CONNECTIONS';
    }
    return 'admit';
  }

  /** What a refused client of `door` is told, in its protocol. */
  refusalText(door: Door, code: RefusalCode): string {
    return this.#refusals[door][code];
  }

  /** Gives an admitted socket to the ready worker with the fewest connections. */
  handOff(socket: Socket, key: string, door: Door, tls: boolean): void {
    let chosen: ConnectionWorkerSlot | undefined;
    for (const slot of this.#slots) {
      if (slot.state !== 'ready') continue;
      if (chosen === undefined || this.#ledger.countOnWorker(slot.workerId) < this.#ledger.countOnWorker(chosen.workerId)) {
        chosen = slot;
      }
    }
    if (chosen === undefined) throw new Error('handOff without a ready worker; admit() first');
    const connectionId = this.#nextConnectionId++;
    this.#accepted++;
    this.#ledger.add(connectionId, chosen.workerId, key);
    chosen.unacknowledged.add(connectionId);
    const message: AcceptorToConnectionWorker = { type: 'adopt-socket', connectionId, socket, door, tls };
    // Node 26 transfers an accepted, never-read socket's handle to the worker; main never sees its bytes.
    chosen.worker.postMessage(message, [socket]);
  }

  /**
   * Whole-server stats from every ready thread that answers within statsTimeoutMs: a worker that dies or
   * hangs meanwhile is left out rather than stalling the caller. Rejects if the coordinator does not answer.
   */
  async stats(): Promise<ServerStats> {
    const ready = this.#slots.filter((slot) => slot.state === 'ready');
    const [coordinator, ...answers] = await Promise.all([
      answerWithin(this.#coordinatorControl.stats()),
      ...ready.map((slot) => answerWithin(slot.control.stats() as Promise<ConnectionWorkerStats>, slot.exited)),
    ]);
    if (coordinator === undefined) throw new Error(`the coordinator did not answer within ${statsTimeoutMs} ms`);
    return {
      coordinator,
      workers: answers.filter((answer) => answer !== undefined),
      acceptor: {
        ...this.#threadLoad(),
        liveConnections: this.#ledger.size,
        accepted: this.#accepted,
        refusedUnavailable: this.#refusedUnavailable,
        refusedServerFull: this.#refusedServerFull,
        refusedTooFast: this.#refusedTooFast,
        refusedPerIpLimit: this.#refusedPerIpLimit,
        workersReady: ready.length,
        workerRestarts: this.#workerRestarts,
        failedHandoffs: this.#failedHandoffs,
      },
    };
  }

  /** Test hook: makes connection worker `index` throw (the worker refuses unless config.testHooks). */
  crashWorkerForTest(index: number): Promise<void> {
    const slot = this.#slots[index]!;
    // The worker may die before its answer crosses back; its exit answers then.
    return Promise.race([slot.control.crash(), slot.exited]);
  }

  /** Test hook: keeps connection worker `index` busy for `ms` (the worker refuses unless config.testHooks). */
  blockWorkerForTest(index: number, ms: number): Promise<void> {
    return this.#slots[index]!.control.block(ms);
  }

  /** Graceful shutdown of every thread; see ConnectionWorkerControl.shutdown. A worker that dies meanwhile is skipped. */
  async stop(notice: Notice): Promise<void> {
    this.#stopping = true;
    this.#stopLoadGauge.abort();
    for (const timer of this.#restartTimers) clearTimeout(timer);
    this.#restartTimers.clear();
    // A starting worker holds no connection, but the coordinator's drain barrier would wait for it: end it.
    await Promise.all(this.#slots.filter((slot) => slot.state === 'starting').map((slot) => slot.worker.terminate()));
    const ready = this.#slots.filter((slot) => slot.state === 'ready');
    await Promise.all(ready.map((slot) => Promise.race([slot.control.shutdown(notice), slot.exited])));
    await Promise.race([this.#coordinatorControl.stop(), sleep(coordinatorStopTimeoutMs)]).catch((error: unknown) =>
      this.#log.warn({ err: error }, 'the coordinator did not stop cleanly'),
    );
    await Promise.all([...this.#slots.map((slot) => slot.worker.terminate()), this.#coordinator.terminate()]);
  }

  #spawnConnectionWorker(index: number, generation: number): ConnectionWorkerSlot {
    const workerId = this.#nextWorkerId++;
    const toCoordinator = new MessageChannel();
    const rings = allocateWorkerRings();
    const control = new MessageChannel();
    const toSupervisor = new MessageChannel();
    const data: ConnectionWorkerData = {
      workerId,
      slot: index,
      generation,
      config: this.#config,
      coordinatorPort: toCoordinator.port2,
      coordinatorRings: rings,
      controlPort: control.port2,
      supervisorPort: toSupervisor.port2,
    };
    const worker = new Worker(connectionWorkerScript, {
      workerData: data,
      transferList: [toCoordinator.port2, control.port2, toSupervisor.port2],
    });
    const attach: SupervisorToCoordinator = { type: 'attach-worker', workerId, port: toCoordinator.port1, rings };
    this.#coordinator.postMessage(attach, [toCoordinator.port1]);
    const supervisorControl: SupervisorControl = { stats: () => this.stats() };
    exposeControl(supervisorControl, toSupervisor.port1);
    const exited = Promise.withResolvers<void>();
    const slot: ConnectionWorkerSlot = {
      index,
      generation,
      workerId,
      worker,
      control: wrapControl<ConnectionWorkerControl>(control.port1),
      state: 'starting',
      readyAtMs: 0,
      unacknowledged: new Set(),
      exited: exited.promise,
      error: undefined,
    };
    worker.on('message', (batch: ConnectionWorkerToAcceptor[]) => {
      for (const message of batch) {
        if (message.type === 'connection-closed') this.#ledger.remove(message.connectionId);
        else if (message.type === 'socket-adopted') slot.unacknowledged.delete(message.connectionId);
        else this.#onWorkerReady(slot);
      }
    });
    // The exit record says why; an 'error' is always followed by 'exit'.
    worker.on('error', (error) => (slot.error = error));
    worker.on('exit', (exitCode) => {
      exited.resolve();
      this.#onWorkerExit(slot, exitCode, [control.port1, toSupervisor.port1]);
    });
    return slot;
  }

  #onWorkerReady(slot: ConnectionWorkerSlot): void {
    if (slot.state !== 'starting') return; // terminated by stop() while its ready message was on the way
    slot.state = 'ready';
    slot.readyAtMs = performance.now();
    const { index, workerId, generation } = slot;
    // Replacements are news to an operator; the first workers are part of the start-up record.
    this.#log[generation > 1 ? 'info' : 'debug']({ slot: index, workerId, generation }, 'connection worker ready');
    if (generation === 1) this.#firstWorkerSettled();
  }

  #onWorkerExit(slot: ConnectionWorkerSlot, exitCode: number, ports: { close(): void }[]): void {
    const wasReady = slot.state === 'ready';
    slot.state = 'dead';
    for (const port of ports) port.close();
    this.#ledger.removeWorker(slot.workerId);
    const detach: SupervisorToCoordinator = { type: 'detach-worker', workerId: slot.workerId };
    this.#coordinator.postMessage(detach);
    const { index, workerId, generation } = slot;
    if (slot.unacknowledged.size > 0) {
      // The sockets died with the worker (their handles were its own); their clients only saw a close.
      this.#failedHandoffs += slot.unacknowledged.size;
      this.#log.warn(
        { slot: index, workerId, failedHandoffs: slot.unacknowledged.size, connectionIds: [...slot.unacknowledged].slice(0, 20) },
        'handoff failed: the worker died before adopting the socket',
      );
    }
    if (generation === 1 && !wasReady) this.#firstWorkerSettled(slot.error);
    if (this.#stopping) return;
    this.#workerRestarts++;
    const restartInMs = this.#backoffs[index]!.nextDelayMs(wasReady ? performance.now() - slot.readyAtMs : 0);
    this.#log.error(
      { slot: index, workerId, generation, exitCode, wasReady, restartInMs, err: slot.error },
      'connection worker exited; restarting it',
    );
    const timer = setTimeout(() => {
      this.#restartTimers.delete(timer);
      this.#slots[index] = this.#spawnConnectionWorker(index, generation + 1);
      this.#log.debug({ slot: index, workerId: this.#slots[index].workerId, generation: generation + 1 }, 'connection worker starting');
    }, restartInMs);
    this.#restartTimers.add(timer);
  }

  #firstWorkerSettled(error?: unknown): void {
    this.#firstWorkersSettled++;
    if (this.#firstWorkersSettled < this.#config.workers) return;
    if (this.#slots.some((slot) => slot.state === 'ready')) this.#started.resolve();
    else this.#started.reject(new Error(`no connection worker could start: ${error instanceof Error ? error.message : String(error)}`));
  }
}

/** The answer, or undefined once the thread has exited (if `exited` is given) or statsTimeoutMs has passed. */
async function answerWithin<T>(answer: Promise<T>, exited?: Promise<void>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), statsTimeoutMs)));
  try {
    return await Promise.race([answer, timedOut, ...(exited === undefined ? [] : [exited.then(() => undefined)])]);
  } finally {
    clearTimeout(timer);
  }
}
