// The client's connection to a roomcast server: TCP with line framing, the nick handshake, and
// reconnecting (with backoff) until the user quits. After a reconnect it claims the same nick and
// re-joins the same rooms. No terminal here: what to show is handed to a ChatListener.
//
// Lines the user types before the session is ready (connecting, claiming the nick, reconnecting) are
// held and sent, in order, right after the server's hello and the re-joins: piped input that arrives
// before the socket is open is not lost, and a line typed during an outage goes out once it is over.
import net from 'node:net';
import { parseCommand } from '../protocol/command-parser.ts';
import { LineFramer } from '../protocol/line-framer.ts';
import { retryDelayMs, type BackoffPolicy } from './backoff.ts';
import { parseServerLine, type ServerLine } from './server-line.ts';
import { SessionState } from './session-state.ts';

export interface ChatConnectionOptions {
  host: string;
  port: number;
  nick: string | undefined;
  backoff: BackoffPolicy;
  /** How long a quit waits for the server to close the connection before closing it itself. */
  quitTimeoutMs: number;
}

export interface ChatListener {
  serverLine(raw: string, line: ServerLine): void;
  status(text: string): void;
  /** The nick, the current room or the phase changed: time to redraw the prompt. */
  changed(): void;
  /** The user quit and the connection is gone; nothing more will be reported. */
  finished(): void;
}

// The server never sends lines near this long; it bounds what a broken server can make us buffer.
const maxServerLineBytes = 1024 * 1024;
const maxHeldLines = 1000;

export class ChatConnection {
  readonly state: SessionState;
  readonly #options: ChatConnectionOptions;
  readonly #listener: ChatListener;
  #socket: net.Socket | undefined;
  #framer = new LineFramer(maxServerLineBytes);
  /** Failed attempts since the last session that reached the hello; drives the backoff. */
  #attempt = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #held: string[] = [];
  #quitting = false;
  #finished = false;

  constructor(options: ChatConnectionOptions, listener: ChatListener) {
    this.#options = options;
    this.#listener = listener;
    this.state = new SessionState(options.nick);
  }

  get #address(): string {
    return `${this.#options.host}:${this.#options.port}`;
  }

  start(): void {
    this.#connect();
  }

  /** A line the user typed. Sent unchanged; `/quit` also ends the client once the server has closed. */
  type(line: string): void {
    if (this.#quitting) return;
    if (parseCommand(line).kind === 'quit') return this.quit(line);
    if (this.state.nick === undefined) {
      if (this.state.chooseNick(line)) this.#send(line);
      return this.#listener.changed();
    }
    if (this.state.phase === 'chatting') return this.#send(line);
    this.#hold(line);
  }

  /** Leaves: says `quitLine` to the server if a session is open or about to be, then finishes. */
  quit(quitLine = '/quit'): void {
    if (this.#quitting) return;
    this.#quitting = true;
    clearTimeout(this.#retryTimer);
    const socket = this.#socket;
    const phase = this.state.phase;
    if (socket === undefined || phase === 'naming' || (phase === 'offline' && !socket.connecting)) {
      socket?.destroy();
      return this.#finish();
    }
    if (phase === 'chatting') this.#send(quitLine);
    else this.#held.push(quitLine); // goes out after the hello, behind the lines typed before it
    setTimeout(() => this.#socket?.destroy(), this.#options.quitTimeoutMs).unref();
  }

  #connect(): void {
    this.#framer = new LineFramer(maxServerLineBytes);
    const socket = net.connect(this.#options.port, this.#options.host);
    this.#socket = socket;
    let failure = 'closed by the server';
    socket.setNoDelay(true);
    socket.on('connect', () => {
      const nick = this.state.connected();
      // Quitting before a nick was ever chosen: there is nothing to say to the server.
      if (nick === undefined && this.#quitting) return socket.destroy();
      if (nick !== undefined) this.#send(nick);
      this.#listener.status(`connected to ${this.#address}`);
      this.#listener.changed();
    });
    socket.on('data', (chunk: Buffer) =>
      this.#framer.push(chunk, {
        line: (bytes) => this.#receive(bytes.toString('utf8')),
        overflow: () => this.#listener.status(`dropped a line over ${maxServerLineBytes} bytes from the server`),
      }),
    );
    socket.on('error', (error: NodeJS.ErrnoException) => (failure = error.code ?? error.message));
    socket.on('close', () => this.#closed(socket, failure));
  }

  #receive(raw: string): void {
    const line = parseServerLine(raw);
    const observation = this.state.observe(line);
    this.#listener.serverLine(raw, line);
    switch (observation.kind) {
      case 'welcomed': {
        this.#attempt = 0;
        const held = this.#held;
        this.#held = [];
        for (const command of [...observation.rejoin, ...held]) this.#send(command);
        if (observation.rejoin.length > 0) this.#listener.status(`restoring your rooms: ${observation.rejoin.join(', ')}`);
        return this.#listener.changed();
      }
      case 'nick-refused':
        this.#listener.status('that nickname was refused; type another one');
        return this.#listener.changed();
      case 'changed':
        return this.#listener.changed();
      case 'none':
        return;
    }
  }

  #closed(socket: net.Socket, failure: string): void {
    if (socket !== this.#socket) return;
    const wasConnected = this.state.phase !== 'offline';
    this.state.disconnected();
    if (this.#quitting) return this.#finish();
    const delayMs = retryDelayMs(this.#attempt, this.#options.backoff);
    this.#attempt++;
    const what = wasConnected
      ? `lost the connection to ${this.#address} (${failure})`
      : `could not connect to ${this.#address} (${failure})`;
    this.#listener.status(`${what}; retrying in ${delayMs < 1000 ? `${delayMs} ms` : `${(delayMs / 1000).toFixed(1)} s`}`);
    this.#listener.changed();
    this.#retryTimer = setTimeout(() => {
      this.#listener.status(`reconnecting to ${this.#address} (attempt ${this.#attempt})`);
      this.#connect();
    }, delayMs);
  }

  #hold(line: string): void {
    if (this.#held.length >= maxHeldLines) return this.#listener.status('not connected, and too many lines are waiting; line dropped');
    // Said only during an outage: while a healthy connect or nick claim is under way, the wait is too short to mention.
    if (this.#held.length === 0 && this.#attempt > 0)
      this.#listener.status('not connected; your lines will be sent once the session is back');
    this.#held.push(line);
  }

  #send(line: string): void {
    if (this.state.phase === 'chatting') this.state.sent(line);
    this.#socket?.write(`${line}\n`);
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#listener.finished();
  }
}
