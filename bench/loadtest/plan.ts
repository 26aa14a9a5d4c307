import { maxPublisherId } from '../loadgen/payload-codec.ts';
import type { ClientSpec, ProtocolName } from '../loadgen/types.ts';

export interface PlanOptions {
  protocol: ProtocolName;
  clients: number;
  rooms: number;
  publishers: number;
  threads: number;
  targets: number;
  /** With one room: its name (default: named for the run). */
  room?: string;
  /** Distinguishes this run's NATS subjects / Redis channels from other runs on the shared brokers. */
  runTag: string;
}

export interface Plan {
  roomNames: string[];
  /** Clients per shard. */
  shards: ClientSpec[][];
  /** Indexed by publisher id. */
  publisherRoom: number[];
  publisherLocalIndex: number[];
  /** Publisher ids per room, in room-local index order. */
  roomPublishers: number[][];
}

/**
 * The run's own rooms, lt-<tag> (one room, or --room) or lt-<tag>-r<i>, so a run on a shared server never
 * speaks in a room people use. Broker subjects/channels get the very same names: no longer than roomcast's,
 * so no server pays more per message for its names.
 */
function roomNames(o: PlanOptions): string[] {
  if (o.rooms === 1) return [o.room ?? `lt-${o.runTag}`];
  return Array.from({ length: o.rooms }, (_, i) => `lt-${o.runTag}-r${i}`);
}

/**
 * Client i is in room i mod rooms, on target i mod targets, in shard i mod threads; clients 0..publishers-1
 * publish (publisher id = client id), so publishers spread evenly over rooms and shards.
 */
export function makePlan(o: PlanOptions): Plan {
  if (o.clients < 1 || o.rooms < 1 || o.threads < 1 || o.targets < 1)
    throw new RangeError('clients, rooms, threads and targets must be ≥ 1');
  if (o.rooms > o.clients) throw new RangeError(`--rooms ${o.rooms} > --clients ${o.clients}: a room would be empty`);
  if (o.publishers < 0 || o.publishers > o.clients) throw new RangeError(`--publishers must be between 0 and --clients`);
  // Publisher id maxPublisherId is reserved for the sink server.
  if (o.publishers > maxPublisherId) throw new RangeError(`at most ${maxPublisherId} publishers`);
  if (o.protocol === 'seed' && o.rooms !== 1) throw new RangeError('the seed server has no rooms: use --rooms 1');
  const shards: ClientSpec[][] = Array.from({ length: Math.min(o.threads, o.clients) }, () => []);
  const publisherRoom: number[] = [];
  const publisherLocalIndex: number[] = [];
  const roomPublishers: number[][] = Array.from({ length: o.rooms }, () => []);
  for (let id = 0; id < o.clients; id++) {
    const room = id % o.rooms;
    const publisher = id < o.publishers ? id : -1;
    if (publisher >= 0) {
      publisherRoom.push(room);
      publisherLocalIndex.push(roomPublishers[room].length);
      roomPublishers[room].push(publisher);
    }
    shards[id % shards.length].push({ id, room, target: id % o.targets, publisher });
  }
  return { roomNames: roomNames(o), shards, publisherRoom, publisherLocalIndex, roomPublishers };
}
