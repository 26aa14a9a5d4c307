// Turning a connection away costs a file descriptor until its socket is destroyed, so a storm of refused
// connections must not hold them. The refusal line is short enough to go straight into the kernel's
// send buffer: the socket is destroyed as soon as the line and the FIN are flushed (the kernel still
// delivers them), or after `flushBoundMs` if the client does not let them through. At most `maxLingering`
// refused sockets wait for that at once; past it a refused socket is destroyed at once, without its line.
import type { Socket } from 'node:net';
import { endThenDestroy } from '../end-then-destroy.ts';

export class SocketRefuser {
  readonly #maxLingering: number;
  readonly #flushBoundMs: number;
  #lingering = 0;

  constructor(maxLingering: number, flushBoundMs: number) {
    this.#maxLingering = maxLingering;
    this.#flushBoundMs = flushBoundMs;
  }

  /** Refused sockets still flushing their line. */
  get lingering(): number {
    return this.#lingering;
  }

  /** Says `line` (if any) and closes; the socket was never read, and never will be. */
  refuse(socket: Socket, line: string | undefined): void {
    socket.on('error', () => {});
    if (line === undefined || this.#lingering >= this.#maxLingering) return void socket.destroy();
    this.#lingering++;
    socket.once('close', () => this.#lingering--);
    endThenDestroy(socket, this.#flushBoundMs, line, { destroyWhenFlushed: true });
  }
}
