// The soak's clients. Steady clients stay for the whole run in one room and check, line by line, that
// every numbered line of every other steady member arrives once and in order. Churn clients come and go
// in the ways real ones do: politely, abruptly (RST), reading slowly, or never finishing the handshake.
import { once } from 'node:events';
import net from 'node:net';

const numberedLine = /^\[([^\]]+)\] <(s\d+)> #(\d+) /;

/** A line-splitting socket that hands each complete line to `onLine`. */
function openLines(port: number, onLine: (line: string) => void): net.Socket {
  const socket = net.connect(port, '127.0.0.1');
  let partial = '';
  socket.setEncoding('utf8');
  socket.on('data', (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop()!;
    for (const line of lines) onLine(line);
  });
  socket.on('error', () => {});
  return socket;
}

/** Resolves once `predicate` has matched a line; the socket's onLine must call the returned `feed`. */
function lineWaiter(): { feed(line: string): void; until(predicate: (line: string) => boolean, timeoutMs: number): Promise<void> } {
  let pending: { predicate: (line: string) => boolean; resolve(): void } | undefined;
  return {
    feed(line) {
      if (pending?.predicate(line)) {
        const { resolve } = pending;
        pending = undefined;
        resolve();
      }
    },
    until(predicate, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('timed out waiting for the server')), timeoutMs);
        pending = {
          predicate,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      });
    },
  };
}

export interface Integrity {
  received: number;
  lost: number;
  duplicatedOrReordered: number;
}

export class SteadyClient {
  readonly nick: string;
  readonly room: string;
  sent = 0;
  closed = false;
  readonly errors: string[] = [];
  readonly #socket: net.Socket;
  readonly #waiter = lineWaiter();
  /** Next sequence number expected from each steady sender in the room. */
  readonly #expected = new Map<string, number>();
  #integrity: Integrity = { received: 0, lost: 0, duplicatedOrReordered: 0 };

  private constructor(port: number, nick: string, room: string) {
    this.nick = nick;
    this.room = room;
    this.#socket = openLines(port, (line) => this.#line(line));
    this.#socket.on('close', () => (this.closed = true));
  }

  /** Joins `room` and leaves the lobby (so hundreds of clients do not all share one room's notices). */
  static async start(port: number, nick: string, room: string): Promise<SteadyClient> {
    const client = new SteadyClient(port, nick, room);
    await once(client.#socket, 'connect');
    const joined = client.#waiter.until((line) => line === `[lobby] -- ${nick} joined`, 10_000);
    client.#socket.write(`${nick}\n`);
    await joined;
    const inRoom = client.#waiter.until((line) => line === `[${room}] -- ${nick} joined`, 10_000);
    client.#socket.write(`/join ${room}\n`);
    await inRoom;
    const parted = client.#waiter.until((line) => line.startsWith('-- You left lobby.'), 10_000);
    client.#socket.write('/part lobby\n');
    await parted;
    return client;
  }

  sendNext(payload: string): void {
    if (!this.closed) this.#socket.write(`#${this.sent++} ${payload}\n`);
  }

  /** Lines still missing, given how many each steady sender of the room has sent so far. */
  missingFrom(senders: readonly SteadyClient[]): number {
    let missing = 0;
    for (const sender of senders) missing += sender.sent - (this.#expected.get(sender.nick) ?? 0);
    return missing;
  }

  /** Final accounting: whatever a sender sent that never arrived counts as lost. */
  integrity(senders: readonly SteadyClient[]): Integrity {
    return { ...this.#integrity, lost: this.#integrity.lost + Math.max(0, this.missingFrom(senders)) };
  }

  close(): void {
    this.#socket.end('/quit soak over\n');
  }

  #line(line: string): void {
    this.#waiter.feed(line);
    const numbered = numberedLine.exec(line);
    if (numbered === null) {
      if (line.startsWith('!! ')) this.errors.push(line);
      return;
    }
    const [, room, sender, seqText] = numbered;
    if (room !== this.room) return;
    const seq = Number(seqText);
    const expected = this.#expected.get(sender!) ?? 0;
    this.#integrity.received++;
    if (seq > expected) this.#integrity.lost += seq - expected;
    if (seq < expected) this.#integrity.duplicatedOrReordered++;
    else this.#expected.set(sender!, seq + 1);
  }
}

export type ChurnKind = 'polite' | 'abrupt' | 'slow-reader' | 'never-named';
export const churnKinds: readonly ChurnKind[] = ['polite', 'abrupt', 'slow-reader', 'never-named'];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One short-lived client; resolves when its connection is closed. A never-named one waits for the
 * server's handshake timeout; the others join a room, say a few lines and leave their way.
 */
export async function churnOnce(port: number, nick: string, room: string, kind: ChurnKind, random: () => number): Promise<void> {
  const waiter = lineWaiter();
  const socket = openLines(port, (line) => waiter.feed(line));
  const closed = once(socket, 'close');
  const giveUp = setTimeout(() => socket.destroy(), 60_000);
  try {
    await once(socket, 'connect');
    if (kind === 'never-named') {
      await closed;
      return;
    }
    const joined = waiter.until((line) => line === `[lobby] -- ${nick} joined`, 10_000);
    socket.write(`${nick}\n/join ${room}\n`);
    await joined;
    if (kind === 'slow-reader') socket.pause();
    const lines = 1 + Math.floor(random() * 5);
    for (let i = 0; i < lines; i++) {
      socket.write(`churn line ${i} from ${nick}\n`);
      await pause(100 + random() * 400);
    }
    if (kind === 'slow-reader') {
      await pause(2000 + random() * 8000);
      socket.resume();
    }
    if (kind === 'abrupt') socket.resetAndDestroy();
    else socket.end('/quit churn\n');
    await closed;
  } catch {
    socket.destroy();
  } finally {
    clearTimeout(giveUp);
  }
}
