// The browser door in the worker that owns its sockets: the acceptor hands over an HTTP connection
// unread, as it does every other, and this front speaks HTTP on it. One node:http server per worker,
// which never listens: each socket is fed to it with emit('connection'). It answers requests for the
// chat page from files read once (src/web/static-files.ts), and upgrades `/ws` from an allowed Origin
// to a WebSocket (ws, noServer) handed to the connection's WebSocket dialect. After the upgrade ws reads
// the socket, and the connection writes its own frames to it (websocket-dialect.ts).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { ServerConfig } from '../../src/config.ts';
import { maxFrameBytes } from '../../src/protocol/websocket-messages.ts';
import { isAllowedOrigin } from '../../src/web/origin-check.ts';
import { loadWebFiles, respondStatic, type WebFile } from '../../src/web/static-files.ts';
import type { DialectFactory } from './dialects/dialect.ts';
import { WebSocketDialect } from './dialects/websocket-dialect.ts';

/** The path of the WebSocket; every other upgrade is refused. */
export const webSocketPath = '/ws';
/** Request heads are small (no cookies are set): a larger one is refused with 431 before it is buffered. */
const maxHeaderBytes = 8 * 1024;
const forbidden = 'HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

export class HttpFront {
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #allowedOrigins: readonly string[];
  /** Sockets being served, until upgraded: where each one's WebSocket goes. */
  readonly #waiting = new WeakMap<Duplex, (socket: WebSocket) => void>();

  constructor(
    config: Pick<ServerConfig, 'maxLineBytes' | 'handshakeTimeoutMs'>,
    allowedOrigins: readonly string[] = [],
    files: ReadonlyMap<string, WebFile> = loadWebFiles(),
  ) {
    this.#allowedOrigins = allowedOrigins;
    // The connection's own handshake timer bounds a client that never upgrades (a slow head included);
    // these bound a request on a connection that stays open for the page's files.
    this.#http = createServer(
      { maxHeaderSize: maxHeaderBytes, headersTimeout: config.handshakeTimeoutMs, requestTimeout: config.handshakeTimeoutMs },
      (request, response) => {
        const answer = respondStatic(files, request.method ?? 'GET', request.url ?? '/', request.headers['if-none-match']);
        response.writeHead(answer.status, answer.headers).end(answer.body);
      },
    );
    // A frame over the bound is refused unread (close 1009); deflate state per member would cost memory
    // and CPU on every copy of every line, and our own frames go out uncompressed anyway.
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes(config.maxLineBytes), perMessageDeflate: false });
    this.#http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.#upgrade(request, socket, head));
  }

  /** The browser door's dialect for `socket`: a WebSocket dialect, while this front speaks HTTP on the socket until the upgrade. */
  dialectFor(socket: Socket): DialectFactory {
    return (session, host, config) => {
      const dialect = new WebSocketDialect(session, host, config.maxLineBytes);
      this.serve(socket, (webSocket) => dialect.attach(webSocket));
      return dialect;
    };
  }

  /** Speaks HTTP on `socket`; when it is upgraded to the chat's WebSocket, that goes to `onWebSocket`. */
  serve(socket: Socket, onWebSocket: (socket: WebSocket) => void): void {
    this.#waiting.set(socket, onWebSocket);
    this.#http.emit('connection', socket);
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const onWebSocket = this.#waiting.get(socket);
    const path = request.url?.split('?', 1)[0];
    if (
      onWebSocket === undefined ||
      path !== webSocketPath ||
      !isAllowedOrigin(request.headers.origin, request.headers.host, this.#allowedOrigins)
    ) {
      socket.end(forbidden);
      return;
    }
    this.#waiting.delete(socket);
    this.#wss.handleUpgrade(request, socket, head, onWebSocket);
  }
}
