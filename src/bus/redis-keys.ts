// Where RedisBus keeps things (docs/design/multi-node-bus.md §2.1). `P` is the bus prefix. A room's keys
// share the hash tag `{R}`, as Centrifugo names its stream and meta keys (broker_redis.go
// historyStreamKey/historyMetaKey), so the append script touches one slot; its idempotency results live
// under the room too, which also scopes an idempotency key to its room. Room names, nick keys and node
// ids are `[a-z0-9_-]`, safe inside keys and channel names.

export interface RedisKeys {
  /** Stream of the room's events, IDs `<seq>-0`. */
  roomStream(room: string): string;
  /** Hash `e` (epoch) and `s` (top seq). */
  roomMeta(room: string): string;
  /** Hash `e`, `s` of a publish already done with this idempotency key. */
  roomIdempotency(room: string, idempotencyKey: string): string;
  /** Pub/sub channel carrying `seq epoch payload`. */
  roomChannel(room: string): string;
  /** String `node|conn|nick` of the nick's holder. */
  nick(nickKey: string): string;
  /** Zset node → the time (ms) its liveness expires. */
  readonly nodes: string;
  /** Hash connectionId → JSON NodeMember of one node's users. */
  node(node: string): string;
  /** Pub/sub channel of messages to one node. */
  nodeInbox(node: string): string;
  /** String naming the node that won the right to reap `node`. */
  reap(node: string): string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    roomStream: (room) => `${prefix}:room:{${room}}:stream`,
    roomMeta: (room) => `${prefix}:room:{${room}}:meta`,
    roomIdempotency: (room, idempotencyKey) => `${prefix}:room:{${room}}:idem:${idempotencyKey}`,
    roomChannel: (room) => `${prefix}:room:{${room}}`,
    nick: (nickKey) => `${prefix}:nick:{${nickKey}}`,
    nodes: `${prefix}:nodes`,
    node: (node) => `${prefix}:node:{${node}}`,
    nodeInbox: (node) => `${prefix}:node:{${node}}:inbox`,
    reap: (node) => `${prefix}:reap:{${node}}`,
  };
}
