// Everything the server keeps about accounts and rooms, behind one object: SqliteStore with --data-dir,
// MemoryStore without (create-store.ts chooses).
import type { AccountStore } from './account-store.ts';
import type { HistoryStore } from './history-store.ts';

export interface Store extends AccountStore, HistoryStore {
  /** Writes what is queued; SqliteStore then closes its file, marked as closed cleanly. */
  close(): void;
}
