import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashSecret, newSecret, parseKey, secretMatches } from './api-key-secret.ts';

test('a new key has the vgk_ prefix, a public prefix and a secret that only its hash is kept of', () => {
  const s = newSecret();
  assert.match(s.key, /^vgk_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
  const parsed = parseKey(s.key);
  assert.equal(parsed?.prefix, s.prefix);
  assert.equal(hashSecret(parsed.secret), s.hash);
  assert.ok(!s.hash.includes(parsed.secret));
  assert.ok(secretMatches(parsed.secret, s.hash));
  assert.ok(!secretMatches(parseKey(newSecret().key)!.secret, s.hash));
  assert.notEqual(newSecret().key, s.key);
});

test('anything not shaped like a key is not parsed', () => {
  for (const bad of ['', 'vgk_', 'eyJhbGciOi.x.y', 'vgk_ABCDEFGH_' + 'a'.repeat(43), 'vgk_abcdefgh_short']) {
    assert.equal(parseKey(bad), undefined, bad);
  }
});
