// The room shapes the coordinator's ceiling is measured on (bench/micro/coordinator-ceiling.bench.ts for
// the pure Coordinator, bench/coordinator-ceiling/main.ts for its thread): how many rooms, how many
// members each, spread over how many connection workers. Members are dealt round-robin to the workers,
// as the acceptor's least-loaded hand-off does, so every room has members on every worker it can.
import { defaultConfig, type ServerConfig } from '../../src/config.ts';
import type { WorkerOp } from '../../src/thread-messages.ts';

export interface RoomShape {
  name: string;
  rooms: number;
  membersPerRoom: number;
  workers: number;
}

export const roomShapes: readonly RoomShape[] = [
  { name: '1 room × 200 members', rooms: 1, membersPerRoom: 200, workers: 2 },
  { name: '50 rooms × 20 members', rooms: 50, membersPerRoom: 20, workers: 2 },
  { name: '1000 rooms × 2 members', rooms: 1000, membersPerRoom: 2, workers: 2 },
];

/** Room limits out of the way: every room of a shape is created by its first member. */
export const shapeConfig: ServerConfig = {
  ...defaultConfig,
  maxRooms: 100_000,
  roomCreationsPerMinute: 100_000,
  logLevel: 'error',
};

export type SayOp = Extract<WorkerOp, { type: 'say' }>;

export interface Population {
  /** Per worker, the hello of each of its members (each joins its room). */
  hellos: Extract<WorkerOp, { type: 'hello' }>[][];
  /**
   * Per worker, says that go round its rooms, each from one of its own members there, 64-byte lines. A
   * room's lines come from every worker with members in it, as many from each.
   */
  says: SayOp[][];
}

const line = (i: number) => `line ${i} `.padEnd(64, '.');

/** The members of `shape` and, for each worker, `saysPerWorker` says spread evenly over the rooms. */
export function populate(shape: RoomShape, saysPerWorker: number): Population {
  const hellos: Population['hellos'] = Array.from({ length: shape.workers }, () => []);
  /** Per worker, per room, the connection of one of its members there. */
  const senders: (number | undefined)[][] = Array.from({ length: shape.workers }, () => []);
  let connectionId = 0;
  for (let room = 0; room < shape.rooms; room++) {
    for (let member = 0; member < shape.membersPerRoom; member++) {
      connectionId++;
      const worker = connectionId % shape.workers;
      hellos[worker]!.push({ type: 'hello', connectionId, nick: `u${connectionId}`, room: `room${room}`, address: '127.0.0.1' });
      senders[worker]![room] ??= connectionId;
    }
  }
  const says = senders.map((byRoom) => {
    const rooms = byRoom.flatMap((sender, room) => (sender === undefined ? [] : [{ sender, room }]));
    return Array.from({ length: saysPerWorker }, (_, i): SayOp => {
      const { sender, room } = rooms[i % rooms.length]!;
      return { type: 'say', connectionId: sender, room: `room${room}`, kind: 'say', text: line(i) };
    });
  });
  return { hellos, says };
}
