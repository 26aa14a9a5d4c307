// The control plane: comlink RPC between the supervisor and the other threads, on a dedicated port per
// thread so it never mixes with socket handoffs or hot-path batches.
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { MessagePort } from 'node:worker_threads';

export interface ConnectionWorkerStats {
  workerId: number;
  connections: number;
  rooms: number;
  messagesIn: number;
  deliveriesOut: number;
  bytesOut: number;
  queuedBytes: number;
  slowConsumersDisconnected: number;
}

export interface ConnectionWorkerControl {
  stats(): ConnectionWorkerStats;
  /** Tells every client why, flushes what is queued and closes every connection. */
  closeAll(reasonLine: string): Promise<void>;
}

export interface CoordinatorStats {
  nicks: number;
  rooms: number;
  roomMessages: number;
  forwards: number;
  workers: number;
}

export interface CoordinatorControl {
  stats(): CoordinatorStats;
}

export function exposeControl(api: object, port: MessagePort): void {
  Comlink.expose(api, nodeEndpoint(port));
}

export function wrapControl<Api>(port: MessagePort): Comlink.Remote<Api> {
  return Comlink.wrap<Api>(nodeEndpoint(port));
}
