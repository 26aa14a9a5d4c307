// SqliteStore: the shared suite, then what only a store on disk can do (survive a restart, a crash, a
// damaged directory or file).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import { eventBytes } from '../../src/store/event-bytes.ts';
import { schemaVersion } from '../../src/store/sqlite-schema.ts';
import { databaseFileName, SqliteStore } from '../../src/store/sqlite-store.ts';
import { describeStoreConformance, roomEvent } from './store-conformance.ts';

const root = mkdtempSync(path.join(tmpdir(), 'roomcast-sqlite-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => path.join(root, `data-${++dirs}`);

describeStoreConformance('SqliteStore', (options) => new SqliteStore({ dataDir: freshDir(), ...options }));

const retention = { maxEventsPerRoom: 100, maxBytesPerRoom: 1_000_000, maxTotalBytes: 10_000_000 };
const open = (dataDir: string) => new SqliteStore({ dataDir, retention });
const alice = {
  nick: 'Alice',
  passwordHash: 'scrypt$2$1$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
  operator: true,
  createdAtMs: 1_700_000_000_000,
};

test('accounts, history and positions survive a restart, and a client resumes across it', () => {
  const dataDir = freshDir();
  const first = open(dataDir);
  first.createAccount('alice', alice);
  for (let seq = 1; seq <= 5; seq++) first.append(roomEvent('dev', seq));
  first.close(); // writes the queue
  const second = open(dataDir);
  try {
    assert.equal(second.openedAfterCrash, false);
    assert.deepEqual(second.getAccount('alice'), alice);
    assert.deepEqual(second.position('dev'), { epoch: 'e1', seq: 5 });
    second.append(roomEvent('dev', 6));
    assert.throws(() => second.append(roomEvent('dev', 6)), RangeError, 'numbering continues from the stored position');
    const resumed = second.readAfter('dev', { epoch: 'e1', seq: 3 }, 100);
    assert.deepEqual(resumed.kind === 'no-gap' && resumed.events.map((event) => event.seq), [4, 5, 6]);
    assert.deepEqual(second.usage(), {
      rooms: 1,
      events: 6,
      bytes: [1, 2, 3, 4, 5, 6].reduce((sum, seq) => sum + eventBytes(roomEvent('dev', seq)), 0),
    });
  } finally {
    second.close();
  }
});

test('the file is in WAL mode and locked while open: a second store on the directory is refused, clearly', () => {
  const dataDir = freshDir();
  const store = open(dataDir);
  try {
    store.append(roomEvent('dev', 1));
    store.flush();
    assert.ok(existsSync(path.join(dataDir, `${databaseFileName}-wal`)), 'a write-ahead log beside the database');
    assert.throws(() => open(dataDir), /roomcast\.db is in use by another process/);
  } finally {
    store.close();
  }
  open(dataDir).close();
});

test('a process killed with appends unwritten: the next open renews every epoch, keeps what was written, numbering goes on', () => {
  const dataDir = freshDir();
  const storeUrl = new URL('../../src/store/sqlite-store.ts', import.meta.url).href;
  const crash = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { SqliteStore } from ${JSON.stringify(storeUrl)};
       const store = new SqliteStore({ dataDir: ${JSON.stringify(dataDir)}, retention: ${JSON.stringify(retention)} });
       const event = (room, seq) => ({ room, epoch: 'e1', seq, kind: 'say', nick: 'alice', text: 'line ' + seq, timeMs: seq });
       for (let seq = 1; seq <= 3; seq++) { store.append(event('dev', seq)); store.append(event('ops', seq)); }
       store.flush();
       store.append(event('dev', 4)); // seen by clients, never written
       store.createAccount('alice', ${JSON.stringify(alice)}); // written at once
       process.kill(process.pid, 'SIGKILL');`,
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  assert.equal(crash.signal, 'SIGKILL', crash.stderr);
  const store = open(dataDir);
  try {
    assert.equal(store.openedAfterCrash, true);
    assert.deepEqual(store.getAccount('alice'), alice, 'an account is written when it is made, not with a flush');
    const position = store.position('dev')!;
    assert.notEqual(position.epoch, 'e1');
    assert.equal(position.seq, 3);
    assert.notEqual(store.position('ops')!.epoch, position.epoch, 'each room has an epoch of its own');
    assert.deepEqual(store.readAfter('dev', { epoch: 'e1', seq: 3 }, 100), { kind: 'epoch-changed', position });
    assert.deepEqual(store.readAfter('dev', position, 100), { kind: 'no-gap', events: [] });
    store.append(roomEvent('dev', 4, position.epoch));
    assert.deepEqual(
      store.readLast('dev', 10).map((event) => `${event.epoch === 'e1' ? 'old' : 'new'} ${event.seq}`),
      ['old 1', 'old 2', 'old 3', 'new 4'],
    );
  } finally {
    store.close();
  }
  const reopened = open(dataDir);
  assert.equal(reopened.openedAfterCrash, false, 'a clean close after the crash is clean again');
  reopened.close();
});

describe('a data directory that cannot be used is a clear error at open', () => {
  test('missing and cannot be made (its parent is a regular file)', () => {
    const file = path.join(freshDir(), 'a-file');
    mkdirSync(path.dirname(file));
    writeFileSync(file, 'not a directory');
    assert.throws(() => open(path.join(file, 'data')), /data directory .*a-file\/data is missing and cannot be made: ENOTDIR/);
    assert.throws(() => open(file), /data directory .*a-file is not a directory/);
  });

  test('not writable, even by root (sysfs)', () => {
    const readOnly = '/sys/kernel';
    // Never skipped: a machine without it fails here and says so (tests run as root, so sysfs stands in for a read-only directory).
    assert.ok(isUnwritableDirectory(readOnly), `${readOnly} should be a directory nobody can write to, even root (Linux sysfs)`);
    assert.throws(() => open(readOnly), /data directory \/sys\/kernel is not writable: EACCES/);
  });

  test('a damaged database file', () => {
    const dataDir = freshDir();
    mkdirSync(dataDir);
    writeFileSync(path.join(dataDir, databaseFileName), Buffer.alloc(16_384, 0x5a));
    assert.throws(() => open(dataDir), /roomcast\.db is damaged or not a database \(SQLite: file is not a database\): move it away/);
  });

  test('a database written by a newer roomcast', () => {
    const dataDir = freshDir();
    open(dataDir).close();
    const db = new DatabaseSync(path.join(dataDir, databaseFileName));
    db.exec(`PRAGMA user_version = ${schemaVersion + 1}`);
    db.close();
    assert.throws(
      () => open(dataDir),
      new RegExp(`schema version ${schemaVersion + 1}, newer than this roomcast knows \\(${schemaVersion}\\)`),
    );
  });

  test('another program’s SQLite database', () => {
    const dataDir = freshDir();
    mkdirSync(dataDir);
    const db = new DatabaseSync(path.join(dataDir, databaseFileName));
    db.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY)');
    db.close();
    assert.throws(() => open(dataDir), /roomcast\.db is an SQLite database but not roomcast's/);
  });
});

function isUnwritableDirectory(dir: string): boolean {
  try {
    if (!statSync(dir).isDirectory()) return false;
    writeFileSync(path.join(dir, `.probe-${process.pid}`), '');
    rmSync(path.join(dir, `.probe-${process.pid}`));
    return false;
  } catch {
    return existsSync(dir);
  }
}

// A full disk, played on a small tmpfs mounted in a mount namespace of the child's own (so the mount goes
// when the child does): needs root and unshare, as this project's machines have.
test('a full disk fails the flush, clearly, keeps its queue, and the next flush after space is freed writes it', () => {
  const dataDir = freshDir();
  mkdirSync(dataDir);
  const storeUrl = new URL('../../src/store/sqlite-store.ts', import.meta.url).href;
  const script = `
    import { writeFileSync, rmSync } from 'node:fs';
    import { SqliteStore } from ${JSON.stringify(storeUrl)};
    const filler = ${JSON.stringify(path.join(dataDir, 'filler'))};
    const store = new SqliteStore({ dataDir: ${JSON.stringify(dataDir)}, retention: ${JSON.stringify(retention)} });
    writeFileSync(filler, Buffer.alloc(400 * 1024));
    let seq = 0, error;
    try {
      for (;;) { for (let i = 0; i < 50; i++) store.append({ room: 'dev', epoch: 'e1', seq: ++seq, kind: 'say', nick: 'alice', text: 'x'.repeat(1000), timeMs: seq }); store.flush(); }
    } catch (caught) { error = caught.message; }
    const queuedAfterFailure = store.queued;
    rmSync(filler);
    const written = store.flush();
    const last = store.readLast('dev', 1000).map((event) => event.seq);
    store.close();
    console.log(JSON.stringify({ error, queuedAfterFailure, written, appended: seq, first: last[0], last: last.at(-1), kept: last.length }));`;
  const child = spawnSync(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      'mount -t tmpfs -o size=512k tmpfs "$0" && exec "$1" --input-type=module -e "$2"',
      dataDir,
      process.execPath,
      script,
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  // Never skipped: without unshare and tmpfs (root on Linux) this fails and says why.
  assert.equal(child.status, 0, `a private 512 KiB tmpfs is needed (unshare -m as root): ${child.stderr}`);
  const result = JSON.parse(child.stdout);
  assert.match(result.error, /^cannot write room history to .*roomcast\.db \(50 events wait\): database or disk is full/);
  assert.equal(result.queuedAfterFailure, 50);
  assert.equal(result.written, 50);
  assert.equal(result.last, result.appended, 'the events of the failed flush were written by the next');
  assert.equal(result.kept, Math.min(result.appended, retention.maxEventsPerRoom));
  assert.ok(!existsSync(path.join(dataDir, databaseFileName)), 'the tmpfs, and the database in it, went with the child');
});
