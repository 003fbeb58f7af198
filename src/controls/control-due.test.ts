/** Due times of control tasks by mode: at arrival, later for mail, never sooner than the lead time. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controlDueAt } from './control-due.ts';

const now = new Date('2027-03-01T10:00:00Z');

test('due times follow the mode and keep a minimum lead time', () => {
  const cases: [string, string | undefined, string][] = [
    ['maritime', '2027-03-12T06:00:00Z', '2027-03-12T06:00:00.000Z'],
    ['air', '2027-03-01T18:00:00Z', '2027-03-01T18:00:00.000Z'],
    ['postal', '2027-03-02T06:00:00Z', '2027-03-03T06:00:00.000Z'],
    ['express', '2027-03-02T06:00:00Z', '2027-03-02T10:00:00.000Z'],
    // Arriving within the lead time, or already arrived: due two hours from now.
    ['road', '2027-03-01T10:30:00Z', '2027-03-01T12:00:00.000Z'],
    ['maritime', '2027-02-27T10:00:00Z', '2027-03-01T12:00:00.000Z'],
    // Unknown arrival: a day from now.
    ['rail', undefined, '2027-03-02T10:00:00.000Z'],
    ['rail', 'not a date', '2027-03-02T10:00:00.000Z'],
  ];
  for (const [mode, arrival, due] of cases) {
    assert.equal(controlDueAt(mode, arrival, now).toISOString(), due, `${mode} ${arrival}`);
  }
});
