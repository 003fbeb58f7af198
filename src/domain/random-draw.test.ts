import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawFor, newSeed } from './random-draw.ts';

test('draws are reproducible from the recorded seed and spread uniformly', () => {
  const seed = newSeed(new Date('2027-01-01T00:00:00Z'));
  assert.deepEqual(drawFor(seed, '27NL0000000000001Z5', 1, 0), drawFor(seed, '27NL0000000000001Z5', 1, 0));
  assert.notEqual(
    drawFor(seed, '27NL0000000000001Z5', 1, 0).draw,
    drawFor(seed, '27NL0000000000001Z5', 2, 0).draw,
  );
  const other = newSeed(new Date('2027-01-01T00:00:00Z'));
  assert.notEqual(drawFor(seed, 'X', 1, 0).draw, drawFor(other, 'X', 1, 0).draw);
  let below = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const d = drawFor(seed, `M${i}`, 1, 0).draw;
    assert.ok(d >= 0 && d < 1);
    if (d < 0.05) {
      below++;
    }
  }
  // 5% ± 4.5 standard deviations.
  assert.ok(
    Math.abs(below / n - 0.05) < 4.5 * Math.sqrt((0.05 * 0.95) / n),
    `share below 0.05 was ${below / n}`,
  );
});
