// Closing a socket gracefully but surely: a last chunk and a FIN, then the descriptor is freed when the
// peer closes its side, or after a grace period if it never does (a peer that stopped reading could
// otherwise hold the descriptor, and whatever is still unsent, for ever). The peer's close is only seen
// on a socket that is read: a paused one waits out the grace period (or uses destroyWhenFlushed).
import type { Socket } from 'node:net';

export interface EndThenDestroyOptions {
  /**
   * Destroy as soon as the last chunk and the FIN are handed to the kernel (which still delivers them),
   * without waiting for the peer's side: for sockets whose descriptor matters more than the peer's
   * goodbye, such as refusals in a storm.
   */
  destroyWhenFlushed?: boolean;
}

/** Ends `socket` after `lastChunk` (if any) and destroys it once the peer closes or `graceMs` have passed. */
export function endThenDestroy(
  socket: Socket,
  graceMs: number,
  lastChunk?: string | Uint8Array,
  options: EndThenDestroyOptions = {},
): void {
  // Unref'd: a process that is otherwise done need not wait for a peer that will not close.
  const bound = setTimeout(() => socket.destroy(), graceMs).unref();
  socket.once('close', () => clearTimeout(bound));
  const whenFlushed = options.destroyWhenFlushed === true ? () => socket.destroy() : undefined;
  if (lastChunk === undefined) socket.end(whenFlushed);
  else socket.end(lastChunk, whenFlushed);
}
