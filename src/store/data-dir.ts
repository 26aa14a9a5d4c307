// --data-dir must be a directory this process can write, made if missing. Checked by writing a file, not
// by its mode bits: root passes every permission check yet still cannot write a read-only mount.
import { closeSync, mkdirSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

export function ensureWritableDataDir(dir: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    // Missing (or under something that is not a directory): making it says why it cannot be.
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (mkdirError) {
      throw new Error(`data directory ${dir} is missing and cannot be made: ${(mkdirError as Error).message}`, { cause: mkdirError });
    }
    isDirectory = true;
  }
  if (!isDirectory) throw new Error(`data directory ${dir} is not a directory`);
  const probe = path.join(dir, `.write-check-${process.pid}`);
  try {
    const fd = openSync(probe, 'w', 0o600);
    try {
      writeSync(fd, 'roomcast');
    } finally {
      closeSync(fd);
    }
    unlinkSync(probe);
  } catch (error) {
    throw new Error(`data directory ${dir} is not writable: ${(error as Error).message}`, { cause: error });
  }
}
