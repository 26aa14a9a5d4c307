// The acceptor: the main thread's listening sockets, one per door (line protocol, plain and TLS when
// configured; IRC; the browser's HTTP). It accepts with
// pauseOnConnect so no client byte is ever read here, applies the connection caps and the connect rate,
// and hands each admitted socket to a connection worker. TLS sockets are handed over raw; the worker
// wraps them. A refused client is told why in its door's protocol (door-refusals.ts); a TLS client, which
// could not read it, only sees a close.
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { LogSampler, type Logger } from '../log.ts';
import { addressKey } from './address-key.ts';
import { SocketRefuser } from './socket-refuser.ts';
import type { Supervisor } from './supervisor.ts';
import type { Door } from '../thread-messages.ts';

/** Refused sockets that may wait at once for their line to flush; past it they are closed without it. */
const maxLingeringRefusals = 64;
const refusalFlushBoundMs = 500;
/** Refusals (and failed accepts) logged whole per second; the rest are counted. */
const eventsLoggedPerSecond = 5;

/** Listens on host:port and feeds connections to the supervisor; resolves once listening. */
export function listen(host: string, port: number, supervisor: Supervisor, door: Door, tls: boolean, log: Logger): Promise<net.Server> {
  const refuser = new SocketRefuser(maxLingeringRefusals, refusalFlushBoundMs);
  const refusals = new LogSampler(eventsLoggedPerSecond, 1000);
  const acceptErrors = new LogSampler(eventsLoggedPerSecond, 1000);
  const logSuppressed = (count: number) => log.warn({ count, door, tls }, 'more connections refused');
  const logSuppressedErrors = (count: number) => log.error({ count, door, tls }, 'more accepts failed');
  const server = net.createServer({ pauseOnConnect: true }, (socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const key = addressKey(address);
    const admission = supervisor.admit(key);
    if (admission === 'admit') return supervisor.handOff(socket, key, door, tls);
    if (refusals.take(performance.now(), logSuppressed)) log.warn({ address, reason: admission, door, tls }, 'connection refused');
    refuser.refuse(socket, tls ? undefined : supervisor.refusalText(door, admission));
  });
  server.on('close', () => {
    refusals.flush(logSuppressed);
    acceptErrors.flush(logSuppressedErrors);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      // A failed accept (e.g. out of file descriptors) must not end the server: report and keep going.
      server.on('error', (error) => {
        if (acceptErrors.take(performance.now(), logSuppressedErrors)) log.error({ err: error, door, tls }, 'accept failed');
      });
      resolve(server);
    });
  });
}
