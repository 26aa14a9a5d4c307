// Polling for conditions that no single event announces (a child's stats record, a count across clients).

/** Resolves once `condition()` holds; rejects after timeoutMs with `what` (or its result) in the message. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string | (() => string)): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`, or a rejection naming `what` once timeoutMs has passed (its timer does not hold the process). */
export function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const timedOut = new Promise<never>((_, reject) =>
    timeout.addEventListener('abort', () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))),
  );
  return Promise.race([promise, timedOut]);
}
