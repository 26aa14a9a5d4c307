// Hot-path ops between two real threads: one postMessage per op (a structured clone and a wake-up each)
// against arrays of 64 per postMessage and against the project's BatchedPort, which posts one array per
// event-loop turn. The ops are the coordinator's real `say` ops carrying a 64-byte line. The last task
// packs the lines of 64 ops into one transferred ArrayBuffer (ARCHITECTURE.md's measured 4.6 M/s): it
// shows what is left once the per-object structured clone is gone.
import { once } from 'node:events';
import { MessageChannel, Worker } from 'node:worker_threads';
import { BatchedPort } from '../../src/batched-port.ts';
import { chatLine } from '../../src/protocol/server-lines.ts';
import type { WorkerOp } from '../../src/thread-messages.ts';
import type { SuiteFactory } from './micro-suite.ts';
import type { MessageSinkData } from './message-sink-worker.ts';

const lineBytes = 64;
const messagesPerOp = 4096;
const arrayLength = 64;

// Distinct objects: structured clone sends a repeated reference only once, which would flatter batching.
type SayOp = Extract<WorkerOp, { type: 'say' }>;

function sayOps(): SayOp[] {
  const padding = lineBytes - chatLine('lobby', 'alice', '').length;
  return Array.from({ length: messagesPerOp }, (_, i) => ({
    type: 'say',
    connectionId: 1,
    room: 'lobby',
    kind: 'say',
    text: String(i).padEnd(padding, '.'),
  }));
}

const open: SuiteFactory = async () => {
  const { port1, port2 } = new MessageChannel();
  const data: MessageSinkData = { port: port2, messagesPerAck: messagesPerOp };
  const sink = new Worker(new URL('./message-sink-worker.ts', import.meta.url), { workerData: data, transferList: [port2] });
  await once(sink, 'online');
  const acked = () => once(port1, 'message');

  const ops = sayOps();
  const arrays = Array.from({ length: messagesPerOp / arrayLength }, (_, i) => ops.slice(i * arrayLength, (i + 1) * arrayLength));
  const batched = new BatchedPort<WorkerOp>(port1);

  const unbatched = 'one postMessage per message';
  return {
    concern: 'cross-thread',
    tasks: [
      {
        name: unbatched,
        unit: 'msgs',
        unitsPerOp: messagesPerOp,
        fn: async () => {
          const ack = acked();
          for (const op of ops) port1.postMessage(op);
          await ack;
        },
      },
      {
        name: `arrays of ${arrayLength}`,
        unit: 'msgs',
        unitsPerOp: messagesPerOp,
        baseline: unbatched,
        fn: async () => {
          const ack = acked();
          for (const array of arrays) port1.postMessage(array);
          await ack;
        },
      },
      {
        name: 'BatchedPort (one array per turn)',
        unit: 'msgs',
        unitsPerOp: messagesPerOp,
        baseline: unbatched,
        fn: async () => {
          const ack = acked();
          for (const op of ops) batched.send(op);
          await ack;
        },
      },
      {
        name: `${arrayLength} lines per transferred ArrayBuffer`,
        unit: 'msgs',
        unitsPerOp: messagesPerOp,
        baseline: unbatched,
        fn: async () => {
          const ack = acked();
          for (let start = 0; start < ops.length; start += arrayLength) {
            // Not from Buffer's shared pool: the whole ArrayBuffer is handed to the other thread.
            const packed = Buffer.allocUnsafeSlow(arrayLength * lineBytes);
            let offset = 0;
            for (let i = start; i < start + arrayLength; i++) offset += packed.write(ops[i]!.text, offset);
            port1.postMessage(packed.buffer, [packed.buffer]);
          }
          await ack;
        },
      },
    ],
    async close() {
      port1.close();
      await sink.terminate();
    },
  };
};
export default open;
