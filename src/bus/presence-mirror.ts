// What a NATS node knows of the other nodes: when each last renewed its liveness and which users it has,
// as told by its watches of the `nodes` and `members` KV buckets. Listings (/rooms, /who, WHOIS) are
// answered from here without a request, and dead nodes are found here for reaping.
//
// Liveness is kept as "last heard of", not read back from the bucket: on nats-server 2.9 a key removed by
// the bucket's max_age leaves no delete marker, so a watch is never told that a node's liveness expired
// (docs/design/multi-node-bus.md §3.2). Time is passed in so the logic is testable without waiting.
import type { NodeMember } from './bus.ts';

export class PresenceMirror {
  readonly #ttlMs: number;
  /** node → when it was last heard of (a liveness put, or a member put from a node not yet seen). */
  readonly #lastHeardMs = new Map<string, number>();
  readonly #members = new Map<string, Map<number, NodeMember>>();

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  nodeHeard(node: string, nowMs: number): void {
    this.#lastHeardMs.set(node, nowMs);
  }

  /** Its liveness key was deleted: it stopped, or was reaped. */
  nodeGone(node: string): void {
    this.#lastHeardMs.delete(node);
  }

  memberSet(node: string, member: NodeMember, nowMs: number): void {
    // A node known only by its members (its liveness expired before this node started watching) still
    // gets one TTL to show up, and is reaped after that like any other.
    if (!this.#lastHeardMs.has(node)) this.#lastHeardMs.set(node, nowMs);
    let members = this.#members.get(node);
    if (members === undefined) this.#members.set(node, (members = new Map()));
    members.set(member.connectionId, member);
  }

  memberGone(node: string, connectionId: number): void {
    const members = this.#members.get(node);
    members?.delete(connectionId);
    if (members?.size === 0) this.#members.delete(node);
  }

  /** After this node's own outage nobody could be heard: everyone gets a fresh TTL to renew. */
  heardEveryoneAt(nowMs: number): void {
    for (const node of this.#lastHeardMs.keys()) this.#lastHeardMs.set(node, nowMs);
  }

  isLive(node: string, nowMs: number): boolean {
    const lastHeardMs = this.#lastHeardMs.get(node);
    return lastHeardMs !== undefined && nowMs - lastHeardMs <= this.#ttlMs;
  }

  /** Nodes other than `self` not heard of for longer than the TTL. */
  deadNodes(self: string, nowMs: number): string[] {
    return [...this.#lastHeardMs.keys()].filter((node) => node !== self && !this.isLive(node, nowMs));
  }

  membersOf(node: string): NodeMember[] {
    return [...(this.#members.get(node)?.values() ?? [])];
  }

  member(node: string, connectionId: number): NodeMember | undefined {
    return this.#members.get(node)?.get(connectionId);
  }

  /** The members of every live node but `self` (whose own members the caller knows first-hand). */
  *liveMembers(self: string, nowMs: number): Iterable<NodeMember> {
    for (const [node, members] of this.#members) {
      if (node !== self && this.isLive(node, nowMs)) yield* members.values();
    }
  }
}
