import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAllowedOrigin } from '../../src/web/origin-check.ts';

test("the page's own origin may open the WebSocket", () => {
  assert.ok(isAllowedOrigin('http://127.0.0.1:8080', '127.0.0.1:8080', []));
  assert.ok(isAllowedOrigin('http://Chat.Example.org', 'chat.example.org', []));
  assert.ok(isAllowedOrigin('https://chat.example.org', 'chat.example.org', []));
});

test('other origins may not, unless listed', () => {
  assert.ok(!isAllowedOrigin('http://evil.example', '127.0.0.1:8080', []));
  assert.ok(!isAllowedOrigin('http://127.0.0.1:8081', '127.0.0.1:8080', []));
  assert.ok(!isAllowedOrigin('http://127.0.0.1', '127.0.0.1:8080', []));
  assert.ok(!isAllowedOrigin('null', '127.0.0.1:8080', []));
  assert.ok(!isAllowedOrigin('http://127.0.0.1:8080', undefined, []));
  assert.ok(isAllowedOrigin('https://chat.example.org', '127.0.0.1:8080', ['https://chat.example.org']));
});

test('a handshake without Origin is from a program, not a page', () => {
  assert.ok(isAllowedOrigin(undefined, '127.0.0.1:8080', []));
});
