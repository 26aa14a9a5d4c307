// A raw TCP client that records every line the server sends, for asserting on exact protocol bytes.
import net from 'node:net';
import { once } from 'node:events';

export class LineClient {
  readonly socket: net.Socket;
  readonly lines: string[] = [];
  #buffered = '';
  #waiters: Array<() => void> = [];
  closed = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      this.#buffered += text;
      let newline: number;
      while ((newline = this.#buffered.indexOf('\n')) !== -1) {
        this.lines.push(this.#buffered.slice(0, newline));
        this.#buffered = this.#buffered.slice(newline + 1);
      }
      this.#wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<LineClient> {
    const socket = net.connect(port, host);
    await once(socket, 'connect');
    return new LineClient(socket);
  }

  /** Connects, picks a nick and waits until it is in the lobby (its own join notice arrived). */
  static async joined(port: number, nick: string): Promise<LineClient> {
    const client = await LineClient.connect(port);
    client.send(nick);
    await client.waitFor((line) => line === `[lobby] -- ${nick} joined`);
    return client;
  }

  send(line: string): void {
    this.socket.write(`${line}\n`);
  }

  /** Resolves with the first line (from index `from` on) that matches; rejects after timeoutMs. */
  async waitFor(match: (line: string) => boolean, timeoutMs = 10_000, from = 0): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.slice(from).find(match);
      if (found !== undefined) return found;
      if (this.closed) throw new Error(`connection closed while waiting; lines:\n${this.lines.join('\n')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting; last lines:\n${this.lines.slice(-20).join('\n')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until `count` lines match, returning them in order of arrival. */
  async waitForCount(match: (line: string) => boolean, count: number, timeoutMs = 10_000): Promise<string[]> {
    await this.waitFor(() => this.lines.filter(match).length >= count, timeoutMs);
    return this.lines.filter(match);
  }

  async waitForClose(timeoutMs = 10_000): Promise<void> {
    if (this.closed) return;
    // The signal's timer is unref'd, so a test does not wait it out once the socket has closed.
    await once(this.socket, 'close', { signal: AbortSignal.timeout(timeoutMs) }).catch((error: Error) => {
      throw error.name === 'AbortError' ? new Error('connection did not close') : error;
    });
  }

  close(): void {
    this.socket.destroy();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
