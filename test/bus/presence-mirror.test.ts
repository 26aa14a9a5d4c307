import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NodeMember } from '../../src/bus/bus.ts';
import { PresenceMirror } from '../../src/bus/presence-mirror.ts';

const ttlMs = 1_000;
const member = (connectionId: number, nick: string, rooms: string[]): NodeMember => ({ connectionId, nick, rooms, operator: false });

describe('PresenceMirror', () => {
  test('a node is live for one TTL after it was last heard of', () => {
    const mirror = new PresenceMirror(ttlMs);
    mirror.nodeHeard('a', 0);
    assert.equal(mirror.isLive('a', ttlMs), true);
    assert.equal(mirror.isLive('a', ttlMs + 1), false);
    mirror.nodeHeard('a', 900);
    assert.equal(mirror.isLive('a', ttlMs + 1), true);
  });

  test('dead nodes are the lapsed ones other than this node', () => {
    const mirror = new PresenceMirror(ttlMs);
    mirror.nodeHeard('self', 0);
    mirror.nodeHeard('a', 0);
    mirror.nodeHeard('b', 500);
    assert.deepEqual(mirror.deadNodes('self', 1_200), ['a']);
    mirror.nodeGone('a');
    assert.deepEqual(mirror.deadNodes('self', 1_200), []);
  });

  test('a node known only by its members is reaped one TTL after they were seen', () => {
    const mirror = new PresenceMirror(ttlMs);
    mirror.memberSet('orphan', member(1, 'Al', ['lobby']), 100);
    assert.deepEqual(mirror.deadNodes('self', 1_000), []);
    assert.deepEqual(mirror.deadNodes('self', 1_101), ['orphan']);
    assert.deepEqual(mirror.membersOf('orphan'), [member(1, 'Al', ['lobby'])]);
  });

  test('live members exclude this node and lapsed nodes', () => {
    const mirror = new PresenceMirror(ttlMs);
    mirror.nodeHeard('a', 0);
    mirror.nodeHeard('b', 600);
    mirror.memberSet('self', member(1, 'Me', ['lobby']), 0);
    mirror.memberSet('a', member(1, 'Al', ['lobby']), 0);
    mirror.memberSet('b', member(1, 'Bo', ['lobby']), 600);
    mirror.memberSet('b', member(2, 'Cy', ['tea']), 600);
    assert.deepEqual(
      [...mirror.liveMembers('self', 500)].map((m) => m.nick),
      ['Al', 'Bo', 'Cy'],
    );
    assert.deepEqual(
      [...mirror.liveMembers('self', 1_100)].map((m) => m.nick),
      ['Bo', 'Cy'],
    );
    mirror.memberGone('b', 2);
    assert.equal(mirror.member('b', 2), undefined);
    assert.deepEqual(mirror.membersOf('b'), [member(1, 'Bo', ['lobby'])]);
  });

  test('after this node was away, everyone it knew gets a fresh TTL', () => {
    const mirror = new PresenceMirror(ttlMs);
    mirror.nodeHeard('a', 0);
    mirror.heardEveryoneAt(5_000);
    assert.deepEqual(mirror.deadNodes('self', 5_500), []);
    assert.deepEqual(mirror.deadNodes('self', 6_001), ['a']);
  });
});
