// The client's connection to a roomcast server: TCP (or TLS) with line framing, the nick handshake, and
// reconnecting (with backoff) until the user quits. After a reconnect it claims the same nick and
// re-joins the same rooms. No terminal here: what to show is handed to a ChatListener.
//
// Retrying forever is only right for a server that was once there. Before the first session a few
// failed tries (connectTries), or one certificate the client does not trust, end the client with an
// error: a mistyped port or host is said at once rather than retried until the user gives up.
//
// Lines the user types before the session is ready (connecting, claiming the nick, reconnecting) are
// held and sent, in order, right after the server's hello and the re-joins: piped input that arrives
// before the socket is open is not lost, and a line typed during an outage goes out once it is over.
import net from 'node:net';
import tls from 'node:tls';
import { parseCommand } from '../protocol/command-parser.ts';
import { LineFramer } from '../protocol/line-framer.ts';
import { retryDelayMs, type BackoffPolicy } from './backoff.ts';
import { InputRouter } from './input-router.ts';
import { parseServerLine, type ServerLine } from './server-line.ts';
import { SessionState } from './session-state.ts';

export interface ChatConnectionOptions {
  host: string;
  port: number;
  nick: string | undefined;
  /** TLS, verified against `ca` (PEM) or, without one, Node's bundled CAs; undefined for plain TCP. */
  tls: { ca: Buffer | undefined } | undefined;
  backoff: BackoffPolicy;
  /** Tries before the first session: after that many failures the client gives up. */
  connectTries: number;
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
  /** No session could be started in connectTries tries; nothing more will be reported. */
  gaveUp(reason: string): void;
}

// The server never sends lines near this long; it bounds what a broken server can make us buffer.
const maxServerLineBytes = 1024 * 1024;
const maxHeldLines = 1000;

export class ChatConnection {
  readonly state: SessionState;
  readonly router = new InputRouter();
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

  /**
   * A line the user typed, routed (see InputRouter) and sent; `/quit` also ends the client once the
   * server has closed. Returns the line that goes to the server, if any.
   */
  type(line: string): string | undefined {
    if (this.#quitting) return undefined;
    if (parseCommand(line).kind === 'quit') {
      this.quit(line);
      return line;
    }
    if (this.state.nick === undefined) {
      if (this.state.chooseNick(line)) this.#send(line);
      this.#listener.changed();
      return line;
    }
    const routed = this.router.route(line);
    if (routed.status !== undefined) this.#listener.status(routed.status);
    this.#listener.changed();
    if (routed.send === undefined) return undefined;
    if (this.state.phase === 'chatting') this.#send(routed.send);
    else this.#hold(routed.send);
    return routed.send;
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
    const { host, port, tls: secure } = this.#options;
    // No SNI for an address: TLS forbids it, and the certificate is checked against the IP instead.
    const socket =
      secure === undefined
        ? net.connect(port, host)
        : tls.connect({ host, port, ca: secure.ca, ...(net.isIP(host) === 0 ? { servername: host } : {}) });
    this.#socket = socket;
    let failure = 'closed by the server';
    socket.setNoDelay(true);
    socket.on(secure === undefined ? 'connect' : 'secureConnect', () => {
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
    const roomBefore = this.state.currentRoom;
    const observation = this.state.observe(line);
    this.router.observe(line);
    if (observation.kind === 'unasked') return;
    this.#listener.serverLine(raw, line);
    // A join notice says who joined, not what it means for the next line typed: say that too. Not
    // while re-joining after an outage, where "restoring your rooms" already says it, nor during
    // private talk, where plain lines do not go to the room.
    const room = this.state.currentRoom;
    const announce = line.kind === 'notice' && room !== roomBefore && !this.state.restoring && this.router.query === undefined;
    if (announce && room !== undefined) this.#listener.status(`plain lines now go to [${room}]`);
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
    // An untrusted certificate stays untrusted: trying again only delays the message.
    const hopeless = certificateFailure.test(failure) || this.#attempt + 1 >= this.#options.connectTries;
    if (!this.state.welcomedBefore && hopeless) {
      this.#finished = true;
      return this.#listener.gaveUp(
        `could not connect to ${this.#address}: ${failure}${failureHint(failure, this.#options.tls !== undefined)}`,
      );
    }
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

// Node's codes for a certificate it does not accept (untrusted, self-signed, expired, wrong name).
const certificateFailure = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/;

/** What to try when the failure says more than "nobody there". */
function failureHint(failure: string, secure: boolean): string {
  if (certificateFailure.test(failure)) {
    return " (the server's certificate is not trusted: pass it, or the CA that signed it, with --ca FILE)";
  }
  if (secure && /SSL|TLS|ECONNRESET/.test(failure)) return ' (is that port a TLS listener? The server takes TLS on --tls-port)';
  if (failure === 'ECONNREFUSED') return ' (nothing listens there: is the server running, and are the host and port right?)';
  return '';
}
