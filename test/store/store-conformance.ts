// What every Store must do, whatever keeps it: one suite, run against MemoryStore and SqliteStore by their
// own test files. Each test opens a fresh store through `open` and closes it at the end.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { Account } from '../../src/store/account-store.ts';
import { eventBytes } from '../../src/store/event-bytes.ts';
import type { HistoryRetention, StoredRoomEvent } from '../../src/store/history-store.ts';
import type { Store } from '../../src/store/store.ts';

export interface OpenOptions {
  retention: HistoryRetention;
  maxQueuedEvents?: number;
}

export const roomyRetention: HistoryRetention = { maxEventsPerRoom: 1_000, maxBytesPerRoom: 1_000_000, maxTotalBytes: 10_000_000 };

/** The `seq`th event of a room, with text that says where it is. */
export function roomEvent(room: string, seq: number, epoch = 'e1', text = `${room} line ${seq}`): StoredRoomEvent {
  return { room, epoch, seq, kind: 'say', nick: 'alice', text, timeMs: 1_700_000_000_000 + seq };
}

const texts = (events: readonly StoredRoomEvent[]) => events.map((event) => event.text);
const seqs = (events: readonly StoredRoomEvent[]) => events.map((event) => event.seq);

export function describeStoreConformance(name: string, open: (options: OpenOptions) => Store): void {
  describe(`${name} conformance`, () => {
    const opened: Store[] = [];
    afterEach(() => {
      for (const store of opened.splice(0)) store.close();
    });
    const fresh = (options: Partial<OpenOptions> = {}): Store => {
      const store = open({ retention: roomyRetention, ...options });
      opened.push(store);
      return store;
    };
    const appendAll = (store: Store, events: readonly StoredRoomEvent[]) => {
      for (const event of events) store.append(event);
    };
    const range = (room: string, from: number, to: number, epoch = 'e1', text?: string) =>
      Array.from({ length: to - from + 1 }, (_, i) => roomEvent(room, from + i, epoch, text));

    describe('accounts', () => {
      const alice: Account = {
        nick: 'Alice',
        passwordHash: 'scrypt$2$1$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA',
        operator: false,
        createdAtMs: 1_700_000_000_123,
      };

      test('an account is created once under its nick key and read back as it was given', () => {
        const store = fresh();
        assert.equal(store.getAccount('alice'), undefined);
        assert.equal(store.createAccount('alice', alice), true);
        assert.deepEqual(store.getAccount('alice'), alice);
        assert.equal(store.createAccount('alice', { ...alice, nick: 'ALICE', passwordHash: 'other' }), false);
        assert.deepEqual(store.getAccount('alice'), alice, 'a second registration changes nothing');
      });

      test('a password and the operator flag change on an account, and are refused for a key without one', () => {
        const store = fresh();
        store.createAccount('alice', alice);
        assert.equal(store.setPassword('alice', 'new-hash'), true);
        assert.equal(store.setOperator('alice', true), true);
        assert.deepEqual(store.getAccount('alice'), { ...alice, passwordHash: 'new-hash', operator: true });
        assert.equal(store.setPassword('bob', 'x'), false);
        assert.equal(store.setOperator('bob', true), false);
        assert.equal(store.getAccount('bob'), undefined);
      });

      test('what a caller does with an account it was given does not change the stored one', () => {
        const store = fresh();
        const given = { ...alice };
        store.createAccount('alice', given);
        given.operator = true;
        store.getAccount('alice')!.passwordHash = 'tampered';
        assert.deepEqual(store.getAccount('alice'), alice);
      });
    });

    describe('appending and reading', () => {
      test('append only queues; flush writes the queue and says how much; a read sees every append', () => {
        const store = fresh();
        appendAll(store, range('dev', 1, 3));
        assert.equal(store.queued, 3);
        assert.equal(store.flush(), 3);
        assert.equal(store.queued, 0);
        assert.equal(store.flush(), 0);
        store.append(roomEvent('dev', 4));
        assert.deepEqual(seqs(store.readLast('dev', 10)), [1, 2, 3, 4], 'the unflushed append is read');
        assert.equal(store.queued, 0);
      });

      test('readLast gives a room’s newest events, oldest first, whole and apart from other rooms', () => {
        const store = fresh();
        for (let seq = 1; seq <= 6; seq++) {
          store.append(roomEvent('dev', seq));
          store.append(roomEvent('ops', seq));
        }
        store.append({ room: 'dev', epoch: 'e1', seq: 7, kind: 'rename', nick: 'bob', text: 'robert ünïcode ✓', timeMs: 42 });
        const last = store.readLast('dev', 3);
        assert.deepEqual(texts(last), ['dev line 5', 'dev line 6', 'robert ünïcode ✓']);
        assert.deepEqual(last[2], { room: 'dev', epoch: 'e1', seq: 7, kind: 'rename', nick: 'bob', text: 'robert ünïcode ✓', timeMs: 42 });
        assert.deepEqual(seqs(store.readLast('ops', 100)), [1, 2, 3, 4, 5, 6]);
        assert.deepEqual(store.readLast('ops', 0), []);
        assert.deepEqual(store.readLast('nowhere', 5), []);
      });

      test('a room’s position is its epoch and newest seq, so numbering can continue; none for a room without history', () => {
        const store = fresh();
        assert.equal(store.position('dev'), undefined);
        appendAll(store, range('dev', 1, 4));
        assert.deepEqual(store.position('dev'), { epoch: 'e1', seq: 4 });
      });

      test('an append whose seq does not follow the room’s last, queued or written, is refused where it is made', () => {
        const store = fresh();
        appendAll(store, range('dev', 1, 2));
        assert.throws(() => store.append(roomEvent('dev', 2)), RangeError);
        store.flush();
        assert.throws(() => store.append(roomEvent('dev', 1)), RangeError);
        assert.throws(() => store.append(roomEvent('dev', 0.5)), RangeError);
        assert.throws(() => store.append(roomEvent('', 3)), RangeError);
        assert.throws(() => store.append({ ...roomEvent('dev', 3), timeMs: Number.NaN }), RangeError);
        store.append(roomEvent('dev', 10)); // gaps in numbering are the caller's to make
        store.append(roomEvent('ops', 1)); // each room is numbered on its own
        assert.deepEqual(seqs(store.readLast('dev', 10)), [1, 2, 10]);
      });

      test('the queue is bounded: the append that fills it writes it', () => {
        const store = fresh({ maxQueuedEvents: 3 });
        appendAll(store, range('dev', 1, 2));
        assert.equal(store.queued, 2);
        store.append(roomEvent('dev', 3));
        assert.equal(store.queued, 0);
        store.append(roomEvent('dev', 4));
        assert.equal(store.queued, 1);
      });
    });

    describe('resuming', () => {
      test('a client is given exactly what it missed, or nothing when it is up to date', () => {
        const store = fresh();
        appendAll(store, range('dev', 1, 10));
        const resumed = store.readAfter('dev', { epoch: 'e1', seq: 7 }, 100);
        assert.equal(resumed.kind, 'no-gap');
        assert.deepEqual(seqs(resumed.kind === 'no-gap' ? resumed.events : []), [8, 9, 10]);
        assert.deepEqual(store.readAfter('dev', { epoch: 'e1', seq: 10 }, 100), { kind: 'no-gap', events: [] });
        const fromStart = store.readAfter('dev', { epoch: 'e1', seq: 0 }, 100);
        assert.equal(fromStart.kind === 'no-gap' && fromStart.events.length, 10);
      });

      test('more missed than the bound is a gap too large, and the bound itself is not', () => {
        const store = fresh();
        appendAll(store, range('dev', 1, 10));
        assert.deepEqual(store.readAfter('dev', { epoch: 'e1', seq: 4 }, 5), { kind: 'gap-too-large', position: { epoch: 'e1', seq: 10 } });
        const exactly = store.readAfter('dev', { epoch: 'e1', seq: 5 }, 5);
        assert.deepEqual(seqs(exactly.kind === 'no-gap' ? exactly.events : []), [6, 7, 8, 9, 10]);
      });

      test('another epoch, a seq beyond the newest, or a room without history: the epoch changed', () => {
        const store = fresh();
        appendAll(store, range('dev', 1, 3));
        const position = { epoch: 'e1', seq: 3 };
        assert.deepEqual(store.readAfter('dev', { epoch: 'e0', seq: 2 }, 100), { kind: 'epoch-changed', position });
        assert.deepEqual(store.readAfter('dev', { epoch: 'e1', seq: 4 }, 100), { kind: 'epoch-changed', position });
        assert.deepEqual(store.readAfter('ops', { epoch: 'e1', seq: 2 }, 100), { kind: 'epoch-changed', position: undefined });
      });

      test('a position whose next events were dropped is a gap too large; the oldest kept one’s predecessor is not', () => {
        const store = fresh({ retention: { ...roomyRetention, maxEventsPerRoom: 5 } });
        appendAll(store, range('dev', 1, 12));
        assert.deepEqual(seqs(store.readLast('dev', 100)), [8, 9, 10, 11, 12]);
        assert.equal(store.readAfter('dev', { epoch: 'e1', seq: 6 }, 100).kind, 'gap-too-large');
        const covered = store.readAfter('dev', { epoch: 'e1', seq: 7 }, 100);
        assert.deepEqual(seqs(covered.kind === 'no-gap' ? covered.events : []), [8, 9, 10, 11, 12]);
      });

      test('a new epoch starts a new history: the old one’s positions are refused, its events still read', () => {
        const store = fresh();
        appendAll(store, range('dev', 1, 3, 'e1'));
        appendAll(store, range('dev', 4, 5, 'e2'));
        assert.deepEqual(store.position('dev'), { epoch: 'e2', seq: 5 });
        assert.deepEqual(store.readAfter('dev', { epoch: 'e1', seq: 3 }, 100), {
          kind: 'epoch-changed',
          position: { epoch: 'e2', seq: 5 },
        });
        const fromStart = store.readAfter('dev', { epoch: 'e2', seq: 3 }, 100);
        assert.deepEqual(seqs(fromStart.kind === 'no-gap' ? fromStart.events : []), [4, 5]);
        assert.equal(store.readAfter('dev', { epoch: 'e2', seq: 2 }, 100).kind, 'gap-too-large', 'before the epoch began');
        assert.deepEqual(
          store.readLast('dev', 10).map((event) => `${event.epoch}:${event.seq}`),
          ['e1:1', 'e1:2', 'e1:3', 'e2:4', 'e2:5'],
        );
      });
    });

    describe('retention', () => {
      test('a room keeps its newest events within its event bound', () => {
        const store = fresh({ retention: { ...roomyRetention, maxEventsPerRoom: 4 } });
        appendAll(store, range('dev', 1, 9));
        appendAll(store, range('ops', 1, 2));
        assert.deepEqual(seqs(store.readLast('dev', 100)), [6, 7, 8, 9]);
        assert.deepEqual(seqs(store.readLast('ops', 100)), [1, 2]);
        const size = (seq: number) => eventBytes(roomEvent('dev', seq));
        assert.deepEqual(store.usage(), { rooms: 2, events: 6, bytes: [6, 7, 8, 9].map(size).reduce((a, b) => a + b) + 2 * size(1) });
      });

      test('a room keeps its newest events within its byte bound, counted in UTF-8', () => {
        const line = (seq: number, text: string) => roomEvent('dev', seq, 'e1', text);
        const small = eventBytes(line(1, 'x'));
        const store = fresh({ retention: { ...roomyRetention, maxBytesPerRoom: small * 3 + 2 } });
        appendAll(store, [line(1, 'a'), line(2, 'b'), line(3, 'c'), line(4, 'é')]); // é is two bytes: the last three weigh 3·small + 1
        assert.deepEqual(texts(store.readLast('dev', 10)), ['b', 'c', 'é']);
        store.append(line(5, 'd'.repeat(small * 2)));
        assert.deepEqual(texts(store.readLast('dev', 10)), ['d'.repeat(small * 2)]);
        store.append(line(6, 'z'.repeat(small * 4)));
        assert.equal(store.position('dev'), undefined, 'an event too big for any room is not kept, and the room is forgotten');
        store.append(line(7, 'x'));
        assert.deepEqual(store.position('dev'), { epoch: 'e1', seq: 7 });
        assert.equal(store.readAfter('dev', { epoch: 'e1', seq: 5 }, 100).kind, 'gap-too-large', 'what was dropped is still a gap');
      });

      test('across rooms, the oldest events go first, whichever room holds them, and an emptied room is forgotten', () => {
        const size = eventBytes(roomEvent('old', 1, 'e1', 'x'));
        const store = fresh({ retention: { ...roomyRetention, maxTotalBytes: size * 6 } });
        appendAll(store, range('old', 1, 3, 'e1', 'x'));
        store.flush();
        appendAll(store, range('busy', 1, 4, 'e1', 'x'));
        store.flush();
        assert.deepEqual(seqs(store.readLast('old', 10)), [2, 3]);
        appendAll(store, range('busy', 5, 6, 'e1', 'x'));
        assert.deepEqual(store.readLast('old', 10), []);
        assert.equal(store.position('old'), undefined);
        assert.deepEqual(store.readAfter('old', { epoch: 'e1', seq: 3 }, 100), { kind: 'epoch-changed', position: undefined });
        assert.deepEqual(seqs(store.readLast('busy', 10)), [1, 2, 3, 4, 5, 6]);
        assert.deepEqual(store.usage(), { rooms: 1, events: 6, bytes: size * 6 });
      });

      test('a flush applies the per-room bounds before the total one, so events a room drops anyway spare others', () => {
        const size = eventBytes(roomEvent('a', 1, 'e1', 'x'));
        const store = fresh({ retention: { maxEventsPerRoom: 2, maxBytesPerRoom: 1_000_000, maxTotalBytes: size * 3 } });
        appendAll(store, [roomEvent('b', 1, 'e1', 'x'), ...range('a', 1, 3, 'e1', 'x')]);
        assert.deepEqual(seqs(store.readLast('b', 10)), [1]);
        assert.deepEqual(seqs(store.readLast('a', 10)), [2, 3]);
      });
    });
  });
}
