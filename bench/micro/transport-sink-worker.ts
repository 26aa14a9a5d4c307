// The receiving thread of cross-thread.bench.ts: it receives a worker's `say` ops either as the arrays
// BatchedPort posts or through a ring (RingReceiver, decoding each op), counts them, and acknowledges
// every `opsPerAck` on the ack port, so the sender times delivery into objects on another thread, not
// just the cost of sending.
import { workerData, type MessagePort } from 'node:worker_threads';
import { RingReceiver } from '../../src/ring-port.ts';
import { workerOpCodec } from '../../src/ring-op-codecs.ts';
import { SpscRing } from '../../src/spsc-ring.ts';
import type { WorkerOp } from '../../src/thread-messages.ts';

export interface TransportSinkData {
  /** Arrays of ops arrive here, and acknowledgements leave from here. */
  port: MessagePort;
  ring: SharedArrayBuffer;
  /** The ring's port for ops it does not encode (none in the benchmark). */
  ringPort: MessagePort;
  opsPerAck: number;
}

const { port, ring, ringPort, opsPerAck } = workerData as TransportSinkData;
let received = 0;
/** Touches every op, as a real receiver would, so neither transport can skip building them. */
let textBytes = 0;

function count(ops: WorkerOp[]): void {
  for (const op of ops) if (op.type === 'say') textBytes += op.text.length;
  received += ops.length;
  while (received >= opsPerAck) {
    received -= opsPerAck;
    port.postMessage(textBytes);
  }
}

port.on('message', count);
new RingReceiver(new SpscRing(ring), ringPort, workerOpCodec, count);
