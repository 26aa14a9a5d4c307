import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentSecurityPolicy, loadWebFiles, respondStatic } from '../../src/web/static-files.ts';

const files = loadWebFiles();

test('the page and its assets are served with their types, the CSP and nosniff', () => {
  for (const [path, type] of [
    ['/', 'text/html; charset=utf-8'],
    ['/chat.js', 'text/javascript; charset=utf-8'],
    ['/chat.css', 'text/css; charset=utf-8'],
    ['/favicon.svg', 'image/svg+xml'],
  ] as const) {
    const response = respondStatic(files, 'GET', path, undefined);
    assert.equal(response.status, 200, path);
    assert.equal(response.headers['Content-Type'], type);
    assert.equal(response.headers['Content-Security-Policy'], contentSecurityPolicy);
    assert.equal(response.headers['X-Content-Type-Options'], 'nosniff');
    assert.equal(response.headers['Cache-Control'], 'no-cache');
    assert.equal(response.headers['Content-Length'], String(response.body.length));
    assert.ok(response.body.length > 0);
  }
  assert.match(respondStatic(files, 'GET', '/', undefined).body.toString(), /<script type="module" src="\/chat.js">/);
});

test('a query string is ignored; HEAD has headers and no body', () => {
  assert.equal(respondStatic(files, 'GET', '/?nick=alice', undefined).status, 200);
  const head = respondStatic(files, 'HEAD', '/chat.js', undefined);
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.ok(Number(head.headers['Content-Length']) > 0);
});

test('an unchanged file is a 304 for its ETag', () => {
  const first = respondStatic(files, 'GET', '/chat.css', undefined);
  const again = respondStatic(files, 'GET', '/chat.css', first.headers.ETag);
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  assert.equal(respondStatic(files, 'GET', '/chat.css', '"stale"').status, 200);
});

test('anything else is a 404, however it is spelled; other methods a 405', () => {
  for (const path of [
    '/index.html',
    '/static-files.ts',
    '/../package.json',
    '/..%2fpackage.json',
    '/%2e%2e/%2e%2e/etc/passwd',
    '//chat.js',
    '/chat.js/',
    '/CHAT.JS',
    '/chat.js%00',
    'chat.js',
    '*',
    '',
  ]) {
    const response = respondStatic(files, 'GET', path, undefined);
    assert.equal(response.status, 404, path);
    assert.equal(response.headers['X-Content-Type-Options'], 'nosniff');
  }
  const post = respondStatic(files, 'POST', '/', undefined);
  assert.equal(post.status, 405);
  assert.equal(post.headers.Allow, 'GET, HEAD');
});

test('the page loads nothing from elsewhere', () => {
  for (const path of ['/', '/chat.js', '/chat.css']) {
    const body = respondStatic(files, 'GET', path, undefined).body.toString();
    assert.doesNotMatch(body, /(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\//i, `${path} refers to another host`);
  }
  assert.match(respondStatic(files, 'GET', '/', undefined).body.toString(), /default-src 'self'; connect-src 'self'/);
});
