/**
 * Pure parts of the bus: the wire form of an event round-trips and rejects what is not an event, and
 * retry delays grow, stay capped and carry bounded jitter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromWire, toWire } from '../../src/bus/index.ts';
import { backoffMs } from '../../src/bus/backoff.ts';

test('an event survives the JSON wire form; anything else is refused', () => {
  const event = {
    id: 7,
    authority: 'FR',
    topic: 'filing.ready',
    key: 'MRN1',
    payload: { v: 1 },
    createdAt: new Date(),
  };
  assert.deepEqual(fromWire(JSON.parse(JSON.stringify(toWire(event)))), event);
  assert.equal(fromWire({ id: '7' }), undefined);
  assert.equal(fromWire(null), undefined);
  assert.equal(fromWire({ ...toWire(event), createdAt: 'yesterday' }), undefined);
});

test('backoff doubles per attempt within ±20 % and stops at the cap', () => {
  const opts = { baseMs: 100, maxMs: 1000 };
  assert.equal(
    backoffMs(1, opts, () => 0.5),
    100,
  );
  assert.equal(
    backoffMs(3, opts, () => 0.5),
    400,
  );
  assert.equal(
    backoffMs(10, opts, () => 0.5),
    1000,
  );
  assert.equal(
    backoffMs(1, opts, () => 0),
    80,
  );
  assert.equal(
    backoffMs(1, opts, () => 1),
    120,
  );
});
