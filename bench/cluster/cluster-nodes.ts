/**
 * A configuration's roomcast nodes as child processes, each on free ports and, with a bus, sharing rooms
 * under a prefix of their own (a fresh namespace per run: no nicks, rooms or history left by the last one).
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type ChildServer, startChildServer } from '../../harness/child-server.ts';
import { privateBroker, type PrivateBroker } from '../macro/private-brokers.ts';
import { roomcastBenchFlags } from '../macro/servers.ts';
import type { ClusterConfiguration } from './configurations.ts';

const mainScript = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface RunningCluster {
  nodes: ChildServer[];
  /** The report's own broker (it outlives the run), or null for the node without a bus. */
  broker: PrivateBroker | null;
  /** The nodes' line addresses: the load tool spreads its clients over them round-robin. */
  targets: string[];
  /** Every process measured as "the server": the nodes, then the broker. */
  pids: number[];
  stop(): Promise<void>;
}

/** A node's command line after `node src/main.ts` (the report prints it). */
export function nodeArgs(busUrl: string | null, prefix: string): string[] {
  return ['--port', '0', '--workers', '1', ...roomcastBenchFlags, ...(busUrl === null ? [] : ['--bus', busUrl, '--bus-prefix', prefix])];
}

export async function startCluster(c: ClusterConfiguration): Promise<RunningCluster> {
  const broker = c.bus === null ? null : await privateBroker(c.bus, { jetstream: true });
  const url = broker === null ? null : `${broker.id}://${broker.host}:${broker.port}`;
  const args = nodeArgs(url, `bench-${randomBytes(4).toString('hex')}`);
  const started = await Promise.allSettled(
    Array.from({ length: c.nodes }, () => startChildServer(process.execPath, [mainScript, ...args])),
  );
  const nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed !== undefined) {
    await stop();
    throw (failed as PromiseRejectedResult).reason;
  }
  return {
    nodes,
    broker,
    targets: nodes.map((n) => `${n.host}:${n.port}`),
    pids: [...nodes.map((n) => n.pid), ...(broker === null ? [] : [broker.pid])],
    stop,
  };
}
