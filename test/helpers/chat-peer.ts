// A chat client for high-volume end-to-end tests. It sends numbered lines (`#0`, `#1`, ...) and keeps
// only the numbered room lines it receives, as `nick#seq` keys, so tens of thousands of messages can be
// checked for loss, duplication and order without keeping (or rescanning) every line like LineClient.
import { ArrivalWaiters } from './arrival-waiters.ts';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';

const numberedLine = /^\[[^\]]+\] <([^>]+)> #(\d+)(?: |$)/;

export class ChatPeer {
  readonly nick: string;
  readonly socket: net.Socket;
  /** Numbered room lines received after this peer's own join notice, as `nick#seq`, in arrival order. */
  readonly received: string[] = [];
  /** `!! CODE ...` lines received. */
  readonly errors: string[] = [];
  /** The last complete line received, whatever it was. */
  lastLine = '';
  sent = 0;
  closed = false;
  // History replayed on join comes before the join notice and would repeat lines: count from the notice on.
  #joined = false;
  #partial = '';
  readonly #waiters = new ArrivalWaiters();

  private constructor(nick: string, socket: net.Socket) {
    this.nick = nick;
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => this.#receive(text));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
  }

  /** Connects (optionally from another loopback address), chooses `nick` and waits for its join notice. */
  static async join(port: number, nick: string, localAddress?: string): Promise<ChatPeer> {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    await once(socket, 'connect');
    const peer = new ChatPeer(nick, socket);
    socket.write(`${nick}\n`);
    await peer.until(() => peer.#joined, 10_000, 'its join notice');
    return peer;
  }

  /** Sends the next numbered line; `padding` makes it longer. */
  sendNext(padding = ''): void {
    this.socket.write(padding === '' ? `#${this.sent++}\n` : `#${this.sent++} ${padding}\n`);
  }

  /** How many numbered lines from `nick` arrived. */
  countFrom(nick: string): number {
    const prefix = `${nick}#`;
    return this.received.reduce((count, key) => (key.startsWith(prefix) ? count + 1 : count), 0);
  }

  /** Resolves when `condition()` holds, re-checked on each arrival; rejects on close or timeout. */
  until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return this.#waiters.until(condition, timeoutMs, {
      closed: () => this.closed,
      closedError: () => new Error(`${this.nick} was closed while waiting for ${what}; errors: ${this.errors.join(' | ')}`),
      timeoutError: () => new Error(`${this.nick} timed out waiting for ${what} (${this.received.length} received)`),
    });
  }

  close(): void {
    this.socket.destroy();
  }

  #receive(text: string): void {
    const lines = (this.#partial + text).split('\n');
    this.#partial = lines.pop()!;
    for (const line of lines) {
      this.lastLine = line;
      if (!this.#joined) {
        this.#joined = line === `[lobby] -- ${this.nick} joined`;
        continue;
      }
      const numbered = numberedLine.exec(line);
      if (numbered !== null) this.received.push(`${numbered[1]}#${numbered[2]}`);
      else if (line.startsWith('!! ')) this.errors.push(line);
    }
    this.#wake();
  }

  #wake(): void {
    this.#waiters.wake();
  }
}

/** Index of the first position where the arrays differ, or -1 if they are equal. */
function firstDifference(a: readonly string[], b: readonly string[]): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Asserts that `sequence` differs from `expected` nowhere, showing the first difference if it does. */
export function assertSameSequence(sequence: readonly string[], expected: readonly string[], message: string): void {
  const at = firstDifference(sequence, expected);
  if (at === -1) return;
  assert.fail(
    `${message}: first difference at index ${at} of ${sequence.length} (expected ${expected.length}): ` +
      `got ${JSON.stringify(sequence.slice(at, at + 3))}, expected ${JSON.stringify(expected.slice(at, at + 3))}`,
  );
}

/**
 * Every receiver got every numbered line of every sender exactly once, each sender's lines in the order
 * sent, and all receivers saw one and the same interleaving (the room's single order).
 */
export function assertLossless(receivers: readonly ChatPeer[], senders: readonly ChatPeer[]): void {
  const senderNicks = new Set(senders.map((sender) => sender.nick));
  const fromSenders = receivers.map((receiver) => receiver.received.filter((key) => senderNicks.has(key.slice(0, key.lastIndexOf('#')))));
  for (const [index, receiver] of receivers.entries()) {
    for (const sender of senders) {
      const prefix = `${sender.nick}#`;
      const own = fromSenders[index]!.filter((key) => key.startsWith(prefix));
      const expected = Array.from({ length: sender.sent }, (_, seq) => `${prefix}${seq}`);
      assertSameSequence(own, expected, `${receiver.nick} got ${sender.nick}'s lines`);
    }
    assertSameSequence(fromSenders[index]!, fromSenders[0]!, `${receiver.nick} saw the order ${receivers[0]!.nick} saw`);
  }
}
