/**
 * The macro benchmark's scenarios: one load shape each, in a full and a quick size. Scenario 4 (connection
 * capacity) is driven by capacity-run.ts; its shape lives here with the others.
 */
import type { RunParams } from '../loadtest/report.ts';
import type { ServerSpec } from './servers.ts';

/** The load tool's parameters a scenario fixes (`rate` 0 = as fast as `window` in-flight messages allow). */
export type LoadShape = Pick<RunParams, 'clients' | 'rooms' | 'publishers' | 'rate' | 'window' | 'size' | 'durationS' | 'warmupS'> & {
  /** Clients spread round-robin over roomcast's line, IRC and WebSocket doors (client i on door i mod 3). */
  mixedDoors?: boolean;
  /** Open loop: the load tool's send schedule at a fixed `rate` (openLoopArrivals). */
  arrivals?: 'staggered' | 'poisson';
};

export interface CapacityShape {
  /** Load-tool processes: each may hold at most 20,000 files. */
  processes: number;
  clientsPerProcess: number;
  rooms: number;
  /**
   * Connects/s each process aims for. Every client starts in the lobby until it has joined its room, so a
   * ramp faster than the server's handshakes grows the lobby and its join notices quadratically: at
   * 10,000/s only ~1,200 of 19,000 were ready in the tool's timeout. Stay below the handshake rate.
   */
  rampPerProcess: number;
  holdS: number;
  /** Raw connections opened past the generator's to reach the server's cap. */
  probeConnections: number;
  /** roomcast flags for this shape (quick mode lowers the cap to reach it with fewer clients). */
  roomcastArgs: string[];
}

interface ScenarioBase {
  id: number;
  title: string;
  /** Why the shape is what it is, printed in the report. */
  note: string;
  serves(server: ServerSpec): boolean;
}

export type Scenario =
  | (ScenarioBase & { kind: 'load'; shape(quick: boolean): LoadShape })
  | (ScenarioBase & { kind: 'capacity'; shape(quick: boolean): CapacityShape });

/**
 * 64 in-flight messages per publisher: on this box roomcast reached ~80 % of its 256-window throughput
 * at a third of the latency (p50 12 ms vs 39 ms), so the figure is fan-out rather than queue length.
 */
const floodWindow = 64;
/** Scenario 1 again with deep queues: does the workers' per-CPU-second cost hold when batches are large? */
const deepWindow = 512;
/**
 * The open-loop scenarios' send schedule: Poisson arrivals at the fixed total rate, so sends neither
 * arrive in lockstep bursts nor wait for the server (`--arrivals poisson`, bench/loadtest/main.ts).
 */
export const openLoopArrivals: LoadShape['arrivals'] = 'poisson';
const timing = (quick: boolean) => (quick ? { durationS: 3, warmupS: 1 } : { durationS: 5, warmupS: 1 });
const isRoomcast = (s: ServerSpec): boolean => s.kind === 'roomcast';
/** Fewer servers outside scenario 1 keep the full report near 20 minutes on 2 cores. */
const roomcastCoalescingBrokers = (s: ServerSpec): boolean => isRoomcast(s) || s.kind === 'broker' || s.id === 'coalescing';
const roomcastBrokers = (s: ServerSpec): boolean => isRoomcast(s) || s.kind === 'broker';

export const scenarios: Scenario[] = [
  {
    id: 1,
    kind: 'load',
    title: 'one room, 200 clients, 4 publishers, 64 B, as fast as possible',
    note: `window ${floodWindow} in-flight messages per publisher (a publisher's own echo is its ack)`,
    serves: () => true,
    shape: (quick) => ({ clients: 200, rooms: 1, publishers: 4, rate: 0, window: floodWindow, size: 64, ...timing(quick) }),
  },
  {
    id: 6,
    kind: 'load',
    title: `scenario 1 at window ${deepWindow}: one room, 200 clients, 4 publishers, 64 B, as fast as possible`,
    note: `closed loop, window ${deepWindow} in-flight messages per publisher: large batches per turn; roomcast and the coalescing baseline only (the bar of the per-CPU-second target)`,
    serves: (s) => isRoomcast(s) || s.id === 'coalescing',
    shape: (quick) => ({ clients: 200, rooms: 1, publishers: 4, rate: 0, window: deepWindow, size: 64, ...timing(quick) }),
  },
  {
    id: 2,
    kind: 'load',
    title: 'one room, 1,000 clients, 1 publisher, 64 B, as fast as possible',
    note: `window ${floodWindow} in-flight messages; the naive and seed baselines and the sink run in scenario 1 only`,
    serves: roomcastCoalescingBrokers,
    shape: (quick) => ({ clients: 1000, rooms: 1, publishers: 1, rate: 0, window: floodWindow, size: 64, ...timing(quick) }),
  },
  {
    id: 3,
    kind: 'load',
    title: '50 rooms × 20 clients, every member publishing 5 msg/s (5,000 msg/s, 100,000 deliveries/s)',
    note: `open loop: ${openLoopArrivals} arrivals at a fixed total rate, latency from the scheduled send time (no coordinated omission); the baselines have no rooms`,
    serves: roomcastBrokers,
    shape: (quick) => ({
      clients: 1000,
      rooms: 50,
      publishers: 1000,
      rate: 5000,
      window: floodWindow,
      size: 64,
      arrivals: openLoopArrivals,
      ...timing(quick),
    }),
  },
  {
    id: 7,
    kind: 'load',
    title: 'open loop: one room, 200 clients, 4 publishers, 1,000 msg/s total (200,000 deliveries/s), 64 B',
    note: `${openLoopArrivals} arrivals at a fixed total rate, latency from the scheduled send time: the latency of a busy room that is not overloaded`,
    serves: roomcastBrokers,
    shape: (quick) => ({
      clients: 200,
      rooms: 1,
      publishers: 4,
      rate: 1000,
      window: floodWindow,
      size: 64,
      arrivals: openLoopArrivals,
      ...timing(quick),
    }),
  },
  {
    id: 5,
    kind: 'load',
    title: 'mixed doors: one room, 201 clients a third each on the line, IRC and WebSocket doors, 4 publishers, 64 B, as fast as possible',
    note: `clients round-robin over the doors, so publishers 0–3 speak line, IRC, WebSocket, line; window ${floodWindow}; roomcast only (the others have one protocol); encodings per room run from the server's stats`,
    serves: isRoomcast,
    shape: (quick) => ({
      clients: 201,
      rooms: 1,
      publishers: 4,
      rate: 0,
      window: floodWindow,
      size: 64,
      mixedDoors: true,
      ...timing(quick),
    }),
  },
  {
    id: 4,
    kind: 'capacity',
    title: 'connection capacity: 19,000 concurrent clients from 4 load processes, then past the server cap',
    note: "roomcast only: its own connection cap and refusal are what is tested; Redis's default configuration stops at 10,000 clients",
    serves: isRoomcast,
    shape: (quick) =>
      quick
        ? {
            processes: 2,
            clientsPerProcess: 2000,
            rooms: 200,
            rampPerProcess: 300,
            holdS: 5,
            probeConnections: 200,
            roomcastArgs: ['--max-connections', '4100'],
          }
        : { processes: 4, clientsPerProcess: 4750, rooms: 950, rampPerProcess: 200, holdS: 8, probeConnections: 1000, roomcastArgs: [] },
  },
];

/** The load tool's arguments for a shape (target, pid and output file are added by the caller). */
export function loadArgs(shape: LoadShape): string[] {
  return [
    '--clients',
    String(shape.clients),
    '--rooms',
    String(shape.rooms),
    '--publishers',
    String(shape.publishers),
    '--rate',
    String(shape.rate),
    '--window',
    String(shape.window),
    '--size',
    String(shape.size),
    '--duration',
    String(shape.durationS),
    '--warmup',
    String(shape.warmupS),
    ...(shape.arrivals === undefined ? [] : ['--arrivals', shape.arrivals]),
  ];
}
