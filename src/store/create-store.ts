// What --data-dir chooses: SqliteStore in that directory, or MemoryStore without one (nothing survives a
// restart; the server should say so at start-up). SqliteStore is loaded only when asked for.
import type { HistoryRetention } from './history-store.ts';
import type { Store } from './store.ts';

export interface StoreOptions {
  /** undefined: memory only. */
  dataDir: string | undefined;
  retention: HistoryRetention;
  maxQueuedEvents?: number;
}

/** Throws an Error that says what is wrong with the directory or its database; never falls back to memory. */
export async function createStore({ dataDir, retention, maxQueuedEvents }: StoreOptions): Promise<Store> {
  if (dataDir === undefined) {
    const { MemoryStore } = await import('./memory-store.ts');
    return new MemoryStore({ retention, maxQueuedEvents });
  }
  const { SqliteStore } = await import('./sqlite-store.ts');
  return new SqliteStore({ dataDir, retention, maxQueuedEvents });
}
