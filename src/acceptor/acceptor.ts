// The acceptor: the main thread's listening sockets (plain, and TLS when configured). It accepts with
// pauseOnConnect so no client byte is ever read here, applies the connection caps, and hands each
// admitted socket to a connection worker. TLS sockets are handed over raw; the worker wraps them.
import net from 'node:net';
import { errorLine } from '../protocol/errors.ts';
import type { Supervisor } from './supervisor.ts';

const refusalGraceMs = 1000;

/** Listens on host:port and feeds connections to the supervisor; resolves once listening. */
export function listen(host: string, port: number, supervisor: Supervisor, tls: boolean): Promise<net.Server> {
  const server = net.createServer({ pauseOnConnect: true }, (socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const admission = supervisor.admit(address);
    if (admission === 'admit') return supervisor.handOff(socket, address, tls);
    socket.on('error', () => {});
    // A TLS client could not read a plain-text line; it only sees the connection close.
    if (tls) return socket.destroy();
    const line = admission === 'SERVER_FULL' ? errorLine('SERVER_FULL') : errorLine('TOO_MANY_CONNECTIONS', supervisor.perIpLimit);
    socket.end(line);
    setTimeout(() => socket.destroy(), refusalGraceMs).unref();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      // A failed accept (e.g. out of file descriptors) must not end the server: report and keep going.
      server.on('error', (error) => console.error('roomcast: accept failed:', error.message));
      resolve(server);
    });
  });
}
