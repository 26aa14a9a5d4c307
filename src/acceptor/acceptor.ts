// The acceptor: the main thread's listening socket. It accepts with pauseOnConnect so no byte is read
// here, numbers the connection, and hands the socket to a connection worker.
import net from 'node:net';
import type { ServerConfig } from '../config.ts';
import { errorLine } from '../protocol/errors.ts';
import type { Supervisor } from './supervisor.ts';

export function listen(config: ServerConfig, supervisor: Supervisor): Promise<net.Server> {
  let nextConnectionId = 1;
  const server = net.createServer({ pauseOnConnect: true }, (socket) => {
    if (!supervisor.handOff(socket, nextConnectionId++)) {
      // Every worker is restarting: say so rather than leave the client hanging.
      socket.on('error', () => {});
      socket.end(errorLine('SERVER_FULL'));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      // Failed accepts (e.g. out of file descriptors) must not end the server: report and keep going.
      server.on('error', (error) => console.error('roomcast: accept failed:', error.message));
      resolve(server);
    });
  });
}
