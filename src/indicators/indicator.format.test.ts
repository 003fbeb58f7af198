import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, formatValue } from './indicator.format.ts';

test('durations read in the largest unit that keeps them readable', () => {
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(12_340), '12.3 s');
  assert.equal(formatDuration(270_000), '4.5 min');
  assert.equal(formatDuration(3 * 3_600_000 + 720_000), '3.2 h');
  assert.equal(formatDuration(5 * 86_400_000), '5 days');
});

test('values in their units: a ratio as %, euro, counts with thousands, nothing as a dash', () => {
  assert.equal(formatValue(0.0933, 'ratio'), '9.3%');
  assert.equal(formatValue(1, 'ratio'), '100%');
  assert.equal(formatValue(5659.677, 'eur'), '€5,659.68');
  assert.equal(formatValue(12_345, 'count'), '12,345');
  assert.equal(formatValue(2.5, 'quantity'), '2.5');
  assert.equal(formatValue(null, 'ratio'), '—');
  assert.equal(formatValue(0.67, 'factor'), '×0.67');
});
