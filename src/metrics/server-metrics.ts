// What roomcast tells Prometheus: every metric, declared in the tables below, and how one ServerStats
// fills them. The figures are gathered from every thread when Prometheus scrapes (Supervisor.stats() over
// the control plane), so the hot path pays nothing for metrics.
//
// A new field in AcceptorStats, CoordinatorStats or ConnectionWorkerStats is one line in the matching
// table: each table is typed to have an entry for every numeric field, so tsc names the table to extend.
// Entries that share a metric name form one family told apart by their labels (same type and help).
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { AcceptorStats, BusStats, ConnectionWorkerStats, CoordinatorStats, ServerStats } from '../control-api.ts';
import type { ThreadLoad } from '../thread-load.ts';
import { WorkerCounterTotals } from './worker-counter-totals.ts';

interface MetricSpec {
  type: 'counter' | 'gauge';
  name: string;
  help: string;
  labels: Readonly<Record<string, string>>;
  /** Multiplies the stats figure: times are kept in ms, and Prometheus wants seconds. */
  scale?: number;
}

const counter = (name: string, help: string, labels: Record<string, string> = {}): MetricSpec => ({ type: 'counter', name, help, labels });
const millisecondsAsSeconds = (name: string, help: string): MetricSpec => ({ ...counter(name, help), scale: 1 / 1000 });
const gauge = (name: string, help: string, labels: Record<string, string> = {}): MetricSpec => ({ type: 'gauge', name, help, labels });
const millisecondsAsSecondsGauge = (name: string, help: string, labels: Record<string, string>): MetricSpec => ({
  ...gauge(name, help, labels),
  scale: 1 / 1000,
});

type NumericKey<Stats> = { [Key in keyof Stats]-?: Stats[Key] extends number ? Key : never }[keyof Stats];

const refused = 'Connections refused when accepted, by reason (the client was told why)';
const disconnects = 'Connections the server closed on a client, by reason';

/** The main thread (acceptor and supervisor). */
const acceptorMetrics: Record<Exclude<NumericKey<AcceptorStats>, keyof ThreadLoad>, MetricSpec> = {
  liveConnections: gauge('roomcast_connections', 'Open client connections'),
  accepted: counter('roomcast_connections_accepted_total', 'Connections admitted and handed to a connection worker'),
  refusedServerFull: counter('roomcast_connections_refused_total', refused, { reason: 'server_full' }),
  refusedPerIpLimit: counter('roomcast_connections_refused_total', refused, { reason: 'per_ip_limit' }),
  refusedTooFast: counter('roomcast_connections_refused_total', refused, { reason: 'connecting_too_fast' }),
  refusedUnavailable: counter('roomcast_connections_refused_total', refused, { reason: 'no_worker_ready' }),
  workersReady: gauge('roomcast_workers_ready', 'Connection workers ready to take connections'),
  workerRestarts: counter('roomcast_worker_restarts_total', 'Connection workers that died and were replaced'),
  failedHandoffs: counter('roomcast_failed_handoffs_total', 'Sockets handed to a worker that died before adopting them'),
};

/** With --bus only: this node's link to the bus and what its room feeds met. */
const busMetrics: Record<NumericKey<BusStats>, MetricSpec> = {
  publishing: gauge('roomcast_bus_publishes_in_flight', 'Room events this node published and the bus has not answered yet'),
  gapFills: counter('roomcast_bus_gap_fills_total', 'Gaps in a room feed read back from the bus'),
  resets: counter('roomcast_bus_resets_total', 'Rooms restarted because the bus lost their history'),
  missed: counter('roomcast_bus_missed_gaps_total', 'Gaps the bus no longer held: members were told lines were missed'),
};
const busUp = gauge('roomcast_bus_up', '1 while this node is connected to its bus, 0 while it is not (absent without --bus)');

const coordinatorMetrics: Record<Exclude<NumericKey<CoordinatorStats>, keyof ThreadLoad>, MetricSpec> = {
  nicks: gauge('roomcast_nicks', 'Nicknames in use'),
  rooms: gauge('roomcast_rooms', 'Rooms that exist'),
  roomMessages: counter('roomcast_room_lines_total', 'Lines broadcast in rooms, notices included, each counted once'),
  forwards: counter('roomcast_coordinator_forwards_total', 'Room lines the coordinator sent on, one per worker with members'),
  workers: gauge('roomcast_coordinator_workers_with_members', 'Connection workers with at least one chatting client'),
  overloadMs: millisecondsAsSeconds('roomcast_overload_seconds_total', 'Time the coordinator held input because a worker was behind'),
  overloads: counter('roomcast_overloads_total', 'Times the coordinator called overload'),
  workerBacklogUnits: gauge('roomcast_coordinator_to_worker_backlog_units', 'Units sent to workers and not yet acknowledged'),
  workerBacklogPeakUnits: gauge('roomcast_coordinator_to_worker_backlog_peak_units', 'Highest backlog to one worker since start'),
};

/**
 * Counters are summed over every worker the server has run, dead ones included (WorkerCounterTotals);
 * gauges get one series per worker thread (label `thread`).
 */
const workerMetrics: Record<Exclude<NumericKey<ConnectionWorkerStats>, 'workerId' | keyof ThreadLoad>, MetricSpec> = {
  connections: gauge('roomcast_worker_connections', 'Client connections each connection worker serves'),
  rooms: gauge('roomcast_worker_rooms', 'Rooms with members on each connection worker'),
  queuedBytes: gauge('roomcast_queued_bytes', 'Output waiting to be written to clients, per connection worker'),
  messagesIn: counter('roomcast_messages_in_total', 'Lines received from clients'),
  deliveriesOut: counter('roomcast_deliveries_out_total', 'Lines queued for clients, one per recipient'),
  bytesOut: counter('roomcast_bytes_out_total', 'Bytes written to client sockets'),
  socketWrites: counter('roomcast_socket_writes_total', 'socket.write calls; deliveries per write is how well output coalesces'),
  roomRuns: counter(
    'roomcast_room_runs_total',
    'Runs of room lines handed out to local members, each encoded once per wire protocol among them',
  ),
  roomRunEncodings: counter(
    'roomcast_room_run_encodings_total',
    'Encodings of room-line runs; per run, never more than the wire protocols among its members',
  ),
  slowConsumersDisconnected: counter('roomcast_disconnects_total', disconnects, { reason: 'slow_consumer' }),
  writeStallDisconnects: counter('roomcast_disconnects_total', disconnects, { reason: 'write_stall' }),
  floodDisconnects: counter('roomcast_disconnects_total', disconnects, { reason: 'flood' }),
  timeoutDisconnects: counter('roomcast_disconnects_total', disconnects, { reason: 'timeout' }),
  kicks: counter('roomcast_disconnects_total', disconnects, { reason: 'kick' }),
  linesDroppedForFlooding: counter('roomcast_flood_lines_dropped_total', 'Lines dropped because their sender went over a flood limit'),
  backpressureMs: millisecondsAsSeconds('roomcast_input_paused_seconds_total', 'Time workers stopped reading sockets (back-pressure)'),
  backpressurePauses: counter('roomcast_input_pauses_total', 'Times workers stopped reading sockets (back-pressure)'),
  coordinatorBacklogUnits: gauge(
    'roomcast_worker_to_coordinator_backlog_units',
    'Units a worker sent the coordinator not yet acknowledged',
  ),
  coordinatorBacklogPeakUnits: gauge(
    'roomcast_worker_to_coordinator_backlog_peak_units',
    'Highest backlog of one worker to the coordinator',
  ),
  internalErrors: counter('roomcast_internal_errors_total', 'Server bugs met while serving a client (that client was disconnected)'),
};

const loopDelay =
  'How late the event loop came back to a 10 ms timer, by quantile over the last full window: long turns, GC pauses, waiting for a core';

/**
 * Every thread: `thread` is acceptor, coordinator or worker-<id>, as in the logs. The window is a
 * second, or --stats-interval-ms when set (thread-load.ts).
 */
const threadMetrics: Record<keyof ThreadLoad, MetricSpec> = {
  eventLoopUtilization: gauge('roomcast_thread_event_loop_utilization', 'Event-loop utilisation over the last full window, 0 to 1'),
  eventLoopDelayP50Ms: millisecondsAsSecondsGauge('roomcast_thread_event_loop_delay_seconds', loopDelay, { quantile: '0.5' }),
  eventLoopDelayP99Ms: millisecondsAsSecondsGauge('roomcast_thread_event_loop_delay_seconds', loopDelay, { quantile: '0.99' }),
  eventLoopDelayMaxMs: millisecondsAsSecondsGauge('roomcast_thread_event_loop_delay_seconds', loopDelay, { quantile: '1' }),
  heapUsedBytes: gauge('roomcast_thread_heap_used_bytes', 'V8 heap in use'),
};

type Entries<Table> = [keyof Table & string, MetricSpec][];
const entries = <Table extends object>(table: Table) => Object.entries(table) as Entries<Table>;
const workerCounters = entries(workerMetrics).filter(([, spec]) => spec.type === 'counter');
const workerGauges = entries(workerMetrics).filter(([, spec]) => spec.type === 'gauge');

/** The longest a scrape waits for the threads; a thread that died mid-call never answers. */
export const defaultStatsTimeoutMs = 5000;

let processRegistry: Registry | undefined;

/**
 * prom-client's process metrics (CPU, memory, file descriptors, GC, the main thread's event-loop lag),
 * registered once per process: they describe the process, not one server, and cannot be stopped.
 */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export class ServerMetrics {
  readonly #stats: () => Promise<ServerStats>;
  readonly #statsTimeoutMs: number;
  readonly #own = new Registry();
  #registry: Registry;
  readonly #families = new Map<string, { spec: MetricSpec; metric: Counter | Gauge }>();
  readonly #workerTotals = new WorkerCounterTotals(workerCounters.map(([key]) => key));
  #scrape: Promise<string> | undefined;

  constructor(stats: () => Promise<ServerStats>, statsTimeoutMs = defaultStatsTimeoutMs) {
    this.#stats = stats;
    this.#statsTimeoutMs = statsTimeoutMs;
    for (const [, spec] of [...entries(acceptorMetrics), ...entries(coordinatorMetrics), ...workerCounters]) this.#define(spec, false);
    for (const [, spec] of [...workerGauges, ...entries(threadMetrics)]) this.#define(spec, true);
    this.#registry = Registry.merge([processMetrics(), this.#own]);
  }

  get contentType(): string {
    return this.#registry.contentType;
  }

  /**
   * The Prometheus text exposition of the whole server now. Scrapes that overlap share one round of
   * stats, so snapshots reach the worker totals in the order they were taken.
   */
  scrape(): Promise<string> {
    this.#scrape ??= this.#gather().finally(() => (this.#scrape = undefined));
    return this.#scrape;
  }

  async #gather(): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the server's threads did not answer within ${this.#statsTimeoutMs} ms`)),
        this.#statsTimeoutMs,
      );
    });
    try {
      this.#record(await Promise.race([this.#stats(), timeout]));
    } finally {
      clearTimeout(timer);
    }
    return this.#registry.metrics();
  }

  #define(spec: MetricSpec, perThread: boolean): void {
    const family = this.#families.get(spec.name);
    if (family !== undefined) {
      if (family.spec.type !== spec.type || family.spec.help !== spec.help) throw new Error(`${spec.name} is declared twice differently`);
      return;
    }
    const labelNames = [...Object.keys(spec.labels), ...(perThread ? ['thread'] : [])];
    const config = { name: spec.name, help: spec.help, labelNames, registers: [this.#own] };
    this.#families.set(spec.name, { spec, metric: spec.type === 'counter' ? new Counter(config) : new Gauge(config) });
  }

  #record({ acceptor, coordinator, workers }: ServerStats): void {
    // Series of threads that are gone must not linger, so every value is set afresh.
    for (const { metric } of this.#families.values()) metric.reset();
    for (const [key, spec] of entries(acceptorMetrics)) this.#set(spec, acceptor[key]);
    for (const [key, spec] of entries(coordinatorMetrics)) this.#set(spec, coordinator[key]);
    const { bus } = coordinator;
    if (bus !== undefined) {
      // Defined on a node's first record with a bus: without one, no bus series at all (not a 0 that reads as down).
      if (!this.#families.has(busUp.name)) {
        for (const [, spec] of entries(busMetrics)) this.#define(spec, false);
        this.#define(busUp, false);
        // A merged registry holds the metrics it was made with: make it again with these.
        this.#registry = Registry.merge([processMetrics(), this.#own]);
      }
      for (const [key, spec] of entries(busMetrics)) this.#set(spec, bus[key]);
      this.#set(busUp, bus.up ? 1 : 0);
    }
    const totals = this.#workerTotals.update(workers);
    for (const [key, spec] of workerCounters) this.#set(spec, totals[key]);
    const threads: [string, ThreadLoad][] = [
      ['acceptor', acceptor],
      ['coordinator', coordinator],
      ...workers.map((worker): [string, ThreadLoad] => [`worker-${worker.workerId}`, worker]),
    ];
    for (const [thread, load] of threads) {
      for (const [key, spec] of entries(threadMetrics)) this.#set(spec, load[key], thread);
    }
    for (const worker of workers) {
      for (const [key, spec] of workerGauges) this.#set(spec, worker[key], `worker-${worker.workerId}`);
    }
  }

  #set(spec: MetricSpec, value: number, thread?: string): void {
    const labels = thread === undefined ? spec.labels : { ...spec.labels, thread };
    const { metric } = this.#families.get(spec.name)!;
    const scaled = value * (spec.scale ?? 1);
    if (metric instanceof Counter) metric.inc(labels, scaled);
    else metric.set(labels, scaled);
  }
}
