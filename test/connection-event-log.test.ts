import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectionEventLog } from '../workers/connection/connection-event-log.ts';
import { captureLog } from './helpers/log-capture.ts';

test('connects and disconnects are logged with their reasons; a storm is sampled, the rest counted', () => {
  const { log, records } = captureLog();
  const events = new ConnectionEventLog(log);
  for (let id = 1; id <= 1000; id++) events.connected({ connectionId: id, address: '203.0.113.9' });
  events.disconnected({ connectionId: 1, address: '203.0.113.9' }, 'alice', 'slow consumer');
  events.dropped({ connectionId: 2, address: '203.0.113.9' }, 'bob', 'flooding');
  const connects = records.filter((record) => record.msg === 'connected');
  assert.ok(connects.length > 0 && connects.length <= 20, `${connects.length} connect records for 1,000 connects`);
  assert.deepEqual(
    records.filter((record) => record.msg !== 'connected').map(({ msg, nick, reason, address }) => ({ msg, nick, reason, address })),
    [
      { msg: 'disconnected', nick: 'alice', reason: 'slow consumer', address: '203.0.113.9' },
      { msg: 'dropped: flooding', nick: 'bob', reason: 'flooding', address: '203.0.113.9' },
    ],
  );
});
