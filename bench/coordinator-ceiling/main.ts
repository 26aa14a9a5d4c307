// `npm run bench:coordinator`: the coordinator thread's ceiling, end to end. A real coordinator worker
// (workers/coordinator/coordinator-worker.ts) is attached to K fake connection workers, all played by this
// thread over real rings and ports (worker-rings.ts): each publishes its members' `say` ops in batches of
// B (RingSender.flush after each), keeps
// at most the worker→coordinator window un-acknowledged as a real worker does, and acknowledges the
// room events it gets back. Per room shape (room-shapes.ts) and batch size it prints room lines per
// second and the coordinator thread's CPU per line (its own thread CPU time over the lines it sequenced).
//
// This thread does the K workers' share of the posting and cloning; when the coordinator's CPU share of
// the wall clock is well under 100 %, this thread (or another process on the machine) was the limit, and
// 1 / (CPU per line) is what the coordinator could do with a core to itself.
import { Command, InvalidArgumentError } from 'commander';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { type CoordinatorControl, wrapControl } from '../../src/control-api.ts';
import { Acknowledger, workerToCoordinatorWindow } from '../../src/flow-window.ts';
import { coordinatorOpCodec, workerOpCodec } from '../../src/ring-op-codecs.ts';
import { RingReceiver, RingSender } from '../../src/ring-port.ts';
import { SpscRing } from '../../src/spsc-ring.ts';
import { allocateWorkerRings, type WorkerRings } from '../../src/worker-rings.ts';
import type { CoordinatorData, CoordinatorOp, SupervisorToCoordinator, WorkerOp } from '../../src/thread-messages.ts';
import { populate, type RoomShape, roomShapes, shapeConfig } from './room-shapes.ts';

const positive = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a positive whole number');
  return parsed;
};
const list = (value: string): number[] => value.split(',').map(positive);

const options = new Command('bench:coordinator')
  .description("The coordinator thread's ceiling: room lines per second and its CPU per line, per room shape and batch size.")
  .option('--batches <list>', 'say ops per publish', list, [1, 16, 256])
  .option('--runs <n>', 'runs of each shape and batch size, interleaved', positive, 3)
  .option('--measure-ms <ms>', 'measured time per run (after a warm-up of a quarter of it)', positive, 2000)
  .option('--only <text>', 'run only the shapes whose name contains this')
  .option('--workers <n>', "fake connection workers (default: each shape's own)", positive)
  .option('--window <units>', 'say ops each fake worker keeps un-acknowledged at most', positive, workerToCoordinatorWindow.highWater)
  .allowExcessArguments(false)
  .parse(process.argv.slice(2), { from: 'user' })
  .opts<{ batches: number[]; runs: number; measureMs: number; only?: string; window: number; workers?: number }>();

const coordinatorScript = new URL('../../workers/coordinator/coordinator-worker.ts', import.meta.url);
const saysPerWorker = 4096;

interface RunResult {
  linesPerSecond: number;
  eventsOutPerSecond: number;
  /** Coordinator thread CPU per room line sequenced, µs. */
  coordinatorCpuUs: number;
  /** Coordinator thread CPU over wall time, 0..1. */
  coordinatorCpuShare: number;
  /** This (driving) thread's CPU over wall time. */
  driverCpuShare: number;
  /** Share of the time the coordinator held input because a fake worker had not acknowledged enough. */
  overloadShare: number;
}

/** One fake connection worker: its port, its says, and its side of both flow-control windows. */
interface FakeWorker {
  port: MessagePort;
  rings: WorkerRings;
  sender: RingSender<WorkerOp>;
  receiver?: RingReceiver<CoordinatorOp>;
  batches: WorkerOp[][];
  next: number;
  inFlight: number;
  handled: Acknowledger;
  helloResults: number;
}

async function run(shape: RoomShape, batchSize: number): Promise<RunResult> {
  const control = new MessageChannel();
  const data: CoordinatorData = { config: shapeConfig, controlPort: control.port2 };
  const coordinator = new Worker(coordinatorScript, { workerData: data, transferList: [control.port2] });
  const stats = wrapControl<CoordinatorControl>(control.port1);
  const { hellos, says } = populate(shape, saysPerWorker);
  let eventsOut = 0;
  let measuring = true;
  const fakes = says.map((ops, workerId): FakeWorker => {
    const channel = new MessageChannel();
    const rings = allocateWorkerRings();
    const attach: SupervisorToCoordinator = { type: 'attach-worker', workerId, port: channel.port1, rings };
    coordinator.postMessage(attach, [channel.port1]);
    const batches: WorkerOp[][] = [];
    for (let start = 0; start < ops.length; start += batchSize) batches.push(ops.slice(start, start + batchSize));
    const sender = new RingSender(new SpscRing(rings.toCoordinator), channel.port2, workerOpCodec);
    return { port: channel.port2, rings, sender, batches, next: 0, inFlight: 0, handled: new Acknowledger(), helloResults: 0 };
  });
  // As a connection worker does: post while the window has room; acknowledgements make more room.
  const topUp = (fake: FakeWorker) => {
    while (measuring && fake.inFlight + batchSize <= options.window) {
      const batch = fake.batches[fake.next]!;
      fake.next = (fake.next + 1) % fake.batches.length;
      for (const op of batch) fake.sender.send(op);
      fake.sender.flush();
      fake.inFlight += batch.length;
    }
  };
  let populated = Promise.withResolvers<void>();
  let members = 0;
  const totalMembers = shape.rooms * shape.membersPerRoom;
  for (const fake of fakes) {
    fake.receiver = new RingReceiver(new SpscRing(fake.rings.toWorker), fake.port, coordinatorOpCodec, (batch) => {
      let units = 0;
      for (const op of batch) {
        if (op.type === 'ack') {
          fake.inFlight -= op.units;
          continue;
        }
        if (op.type === 'overload') continue;
        units++;
        if (op.type === 'deliver') eventsOut++;
        else if (op.type === 'hello-result' && ++members === totalMembers) populated.resolve();
      }
      const due = fake.handled.handled(units);
      if (due > 0) fake.sender.send({ type: 'ack', units: due });
      topUp(fake);
    });
  }
  hellos.forEach((ops, worker) => {
    for (const op of ops) fakes[worker]!.sender.send(op);
    fakes[worker]!.inFlight += ops.length;
  });
  await populated.promise;
  populated = Promise.withResolvers();

  for (const fake of fakes) topUp(fake);
  await new Promise((resolve) => setTimeout(resolve, options.measureMs / 4));
  const start = {
    at: performance.now(),
    stats: await stats.stats(),
    eventsOut,
    coordinatorCpu: await coordinator.cpuUsage(),
    driverCpu: process.threadCpuUsage(),
  };
  await new Promise((resolve) => setTimeout(resolve, options.measureMs));
  const end = {
    at: performance.now(),
    stats: await stats.stats(),
    eventsOut,
    coordinatorCpu: await coordinator.cpuUsage(),
    driverCpu: process.threadCpuUsage(),
  };
  measuring = false;
  const seconds = (end.at - start.at) / 1000;
  const cpuUs = (usage: NodeJS.CpuUsage) => usage.user + usage.system;
  const coordinatorCpuUs = cpuUs(end.coordinatorCpu) - cpuUs(start.coordinatorCpu);
  const lines = end.stats.roomMessages - start.stats.roomMessages;
  for (const fake of fakes) {
    fake.receiver?.close();
    fake.sender.close();
    fake.port.close();
  }
  control.port1.close();
  await coordinator.terminate();
  return {
    linesPerSecond: lines / seconds,
    eventsOutPerSecond: (end.eventsOut - start.eventsOut) / seconds,
    coordinatorCpuUs: coordinatorCpuUs / lines,
    coordinatorCpuShare: coordinatorCpuUs / 1e6 / seconds,
    driverCpuShare: (cpuUs(end.driverCpu) - cpuUs(start.driverCpu)) / 1e6 / seconds,
    overloadShare: (end.stats.overloadMs - start.stats.overloadMs) / 1000 / seconds,
  };
}

const shapes = roomShapes
  .filter((shape) => options.only === undefined || shape.name.includes(options.only))
  .map((shape) => (options.workers === undefined ? shape : { ...shape, workers: options.workers }));
const results = new Map<string, RunResult[]>();
const key = (shape: RoomShape, batch: number) => `${shape.name}|${batch}`;
// Interleaved: run r of every case before run r+1 of any, so drift in the machine's load spreads evenly.
for (let r = 0; r < options.runs; r++) {
  for (const shape of shapes) {
    for (const batch of options.batches) {
      process.stderr.write(`run ${r + 1}/${options.runs}: ${shape.name}, ${batch} says per publish\n`);
      const result = await run(shape, batch);
      results.set(key(shape, batch), [...(results.get(key(shape, batch)) ?? []), result]);
    }
  }
}

const median = (values: number[]) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)]!;
const spread = (values: number[], format: (value: number) => string) =>
  `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;
const kilo = (value: number) => `${(value / 1000).toFixed(0)} k`;
const percent = (value: number) => `${(value * 100).toFixed(0)}%`;

console.log(
  `${new Date().toISOString()}  Node ${process.version}  ${os.availableParallelism()} × ${os.cpus()[0]?.model ?? 'unknown'}  load ${os.loadavg()[0]!.toFixed(2)}`,
);
console.log(
  `median (min–max) of ${options.runs} runs of ${options.measureMs} ms, window ${options.window}; events out = room events received by the fake workers\n`,
);
const columns: [string, (result: RunResult) => number, (value: number) => string][] = [
  ['room lines/s', (r) => r.linesPerSecond, kilo],
  ['events out/s', (r) => r.eventsOutPerSecond, kilo],
  ['coordinator µs CPU/line', (r) => r.coordinatorCpuUs, (value) => value.toFixed(2)],
  ['coordinator CPU', (r) => r.coordinatorCpuShare, percent],
  ['driver CPU', (r) => r.driverCpuShare, percent],
  ['overload', (r) => r.overloadShare, percent],
];
const rows = [['shape', 'says/publish', ...columns.map(([title]) => title)]];
for (const shape of shapes) {
  for (const batch of options.batches) {
    const runs = results.get(key(shape, batch))!;
    rows.push([
      `${shape.name} over ${shape.workers} workers`,
      String(batch),
      ...columns.map(([, figure, format]) => spread(runs.map(figure), format)),
    ]);
  }
}
const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
