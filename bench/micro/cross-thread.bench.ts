// The worker → coordinator hot path between two real threads: batches of N `say` ops per event-loop
// turn (N = 1, 16, 256), sent as today, one structured-cloned array per turn (BatchedPort), against the
// shared-memory ring (RingSender: encoded in place, published once per turn, the reader woken only when
// it sleeps). Each op carries a 64-byte chat line; the receiving thread decodes every op into an object.
// The CPU column is the whole process's, both threads, per op.
import { once } from 'node:events';
import { MessageChannel, Worker } from 'node:worker_threads';
import { BatchedPort } from '../../src/batched-port.ts';
import { chatLine } from '../../src/protocol/server-lines.ts';
import { RingSender } from '../../src/ring-port.ts';
import { workerOpCodec } from '../../src/ring-op-codecs.ts';
import { SpscRing } from '../../src/spsc-ring.ts';
import type { WorkerOp } from '../../src/thread-messages.ts';
import type { MicroTask, SuiteFactory } from './micro-suite.ts';
import type { TransportSinkData } from './transport-sink-worker.ts';

const lineBytes = 64;
const opsPerCall = 4096;
const batchSizes = [1, 16, 256];
const ringBytes = 1 << 20;

// Distinct objects: structured clone sends a repeated reference only once, which would flatter arrays.
function sayOps(): WorkerOp[] {
  const padding = lineBytes - chatLine('lobby', 'alice', '').length;
  return Array.from({ length: opsPerCall }, (_, i) => ({
    type: 'say',
    connectionId: i,
    room: 'lobby',
    kind: 'say',
    text: String(i).padEnd(padding, '.'),
  }));
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const open: SuiteFactory = async () => {
  const channel = new MessageChannel();
  const ringChannel = new MessageChannel();
  const ring = SpscRing.allocate(ringBytes);
  const data: TransportSinkData = { port: channel.port2, ring, ringPort: ringChannel.port2, opsPerAck: opsPerCall };
  const sink = new Worker(new URL('./transport-sink-worker.ts', import.meta.url), {
    workerData: data,
    transferList: [channel.port2, ringChannel.port2],
  });
  await once(sink, 'online');
  const acked = () => once(channel.port1, 'message');

  const ops = sayOps();
  const senders = {
    postMessage: new BatchedPort<WorkerOp>(channel.port1),
    ring: new RingSender<WorkerOp>(new SpscRing(ring), ringChannel.port1, workerOpCodec),
  };
  const tasks: MicroTask[] = [];
  for (const batch of batchSizes) {
    const baseline = `postMessage arrays, ${batch} per turn`;
    for (const [transport, sender] of Object.entries(senders)) {
      tasks.push({
        name: transport === 'ring' ? `ring, ${batch} per turn` : baseline,
        unit: 'ops',
        unitsPerOp: opsPerCall,
        baseline: transport === 'ring' ? baseline : undefined,
        fn: async () => {
          const ack = acked();
          for (let start = 0; start < opsPerCall; start += batch) {
            for (let i = start; i < start + batch; i++) sender.send(ops[i]!);
            await nextTurn();
          }
          await ack;
        },
      });
    }
  }
  return {
    concern: 'cross-thread',
    tasks,
    async close() {
      senders.ring.close();
      channel.port1.close();
      ringChannel.port1.close();
      await sink.terminate();
    },
  };
};
export default open;
