// SqliteStore: the shared suite, then what only a store on disk can do (survive a restart, a crash, a
// damaged directory or file).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite-store.ts';
import { describeStoreConformance } from './store-conformance.ts';

const root = mkdtempSync(path.join(tmpdir(), 'roomcast-sqlite-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => path.join(root, `data-${++dirs}`);

describeStoreConformance('SqliteStore', (options) => new SqliteStore({ dataDir: freshDir(), ...options }));
