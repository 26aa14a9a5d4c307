// The two rings between a connection worker and the coordinator, one per direction (spsc-ring.ts), made
// by the supervisor with each worker, so a replacement worker starts on fresh, empty rings. Besides them
// the pair keeps its MessagePort, for the rare ops the rings leave to it (ring-port.ts).
//
// 1 MiB a direction: a chat line takes about 100 bytes of a ring, so a full window (flow-window.ts, 8192
// ops) of them fits; larger ops or a fuller window wait in the sender, counted by the window.
import { SpscRing } from './spsc-ring.ts';

export const workerRingBytes = 1 << 20;

export interface WorkerRings {
  toCoordinator: SharedArrayBuffer;
  toWorker: SharedArrayBuffer;
}

export function allocateWorkerRings(): WorkerRings {
  return { toCoordinator: SpscRing.allocate(workerRingBytes), toWorker: SpscRing.allocate(workerRingBytes) };
}
