// Per-address limits count IPv4 addresses one by one, IPv6 addresses by /64, and IPv4-mapped IPv6
// addresses as the IPv4 address they carry.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressKey } from '../src/acceptor/address-key.ts';

test('an IPv4 address is its own key', () => {
  assert.equal(addressKey('127.0.0.1'), '127.0.0.1');
  assert.equal(addressKey('203.0.113.7'), '203.0.113.7');
});

test('IPv6 addresses in one /64 share a key, whatever their spelling', () => {
  const key = addressKey('2001:db8:1:2::1');
  assert.equal(key, '2001:db8:1:2::/64');
  for (const sameNetwork of [
    '2001:db8:1:2:ffff:ffff:ffff:ffff',
    '2001:DB8:1:2:0:0:0:7',
    '2001:0db8:0001:0002::abcd',
    '2001:db8:1:2::1%eth0',
  ]) {
    assert.equal(addressKey(sameNetwork), key, sameNetwork);
  }
  assert.notEqual(addressKey('2001:db8:1:3::1'), key);
  assert.equal(addressKey('::1'), '0:0:0:0::/64');
  assert.equal(addressKey('::'), '0:0:0:0::/64');
  assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.equal(addressKey('1:2:3:4:5:6:7:8'), '1:2:3:4::/64');
  assert.equal(addressKey('1:2:3::'), '1:2:3:0::/64');
});

test('an IPv4-mapped IPv6 address counts as the IPv4 address, in either spelling', () => {
  assert.equal(addressKey('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(addressKey('::FFFF:203.0.113.7'), '203.0.113.7');
  assert.equal(addressKey('::ffff:7f00:1'), '127.0.0.1');
  assert.equal(addressKey('0:0:0:0:0:ffff:cb00:7107'), '203.0.113.7');
  // Not mapped: other IPv6 addresses with an IPv4-looking tail stay IPv6.
  assert.equal(addressKey('64:ff9b::203.0.113.7'), '64:ff9b:0:0::/64');
});

test('anything that is not an IP address is kept as it is', () => {
  assert.equal(addressKey('unknown'), 'unknown');
});
