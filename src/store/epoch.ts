// A room's epoch names one unbroken history of it (history-store.ts). Random, so a history started again
// (a new room, a restart without --data-dir, a crash with appends unwritten) never reuses an old name.
import { randomBytes } from 'node:crypto';

export function newEpoch(): string {
  return randomBytes(9).toString('base64url');
}
