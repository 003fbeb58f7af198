import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { decideRuleCap } from './rule-cap-decision.ts';

const settings = { capacityShare: 0.25, yieldThreshold: 0.05, minControls: 30 };
const to = new Date('2026-03-15T00:00:00Z');
const from = new Date('2026-03-01T00:00:00Z'); // 14 days

test('a rule taking more than its share of an office’s capacity is capped, naming the office', () => {
  // 8 a day of a capacity of 20 a day is 40%.
  const d = decideRuleCap(
    { from, to, selectedByOffice: new Map([['NL000396', 112]]), controls: 0, positives: 0 },
    new Map([['NL000396', 20]]),
    settings,
  );
  assert.equal(d.capped, true);
  assert.ok(d.capped && d.reason === 'capacity');
  assert.equal(d.figures.office, 'NL000396');
  assert.equal(d.figures.selectedPerDay, 8);
  assert.match(d.capped ? d.explanation : '', /8 a day .* NL000396, 40% of its capacity of 20 a day/);
});

test('at or under the share, or at an office without a capacity, a rule is not capped', () => {
  const at = decideRuleCap(
    { from, to, selectedByOffice: new Map([['NL000396', 70]]), controls: 0, positives: 0 },
    new Map([['NL000396', 20]]),
    settings,
  );
  assert.equal(at.capped, false); // 5 a day = 25%
  const unknown = decideRuleCap(
    { from, to, selectedByOffice: new Map([['BE000001', 1000]]), controls: 0, positives: 0 },
    new Map([['NL000396', 20]]),
    settings,
  );
  assert.equal(unknown.capped, false);
});

test('a young rule is judged over the days it has run, at least one', () => {
  const d = decideRuleCap(
    {
      from: new Date('2026-03-14T20:00:00Z'),
      to,
      selectedByOffice: new Map([['NL000396', 6]]),
      controls: 0,
      positives: 0,
    },
    new Map([['NL000396', 20]]),
    settings,
  );
  assert.equal(d.capped, true); // 6 in its first (partial) day > 5
});

test('yield under the threshold is capped only after the minimum of controls', () => {
  const facts = { from, to, selectedByOffice: new Map([['NL000396', 29]]) };
  const caps = new Map([['NL000396', 1000]]);
  assert.equal(decideRuleCap({ ...facts, controls: 29, positives: 0 }, caps, settings).capped, false);
  const d = decideRuleCap({ ...facts, controls: 30, positives: 1 }, caps, settings);
  assert.ok(d.capped && d.reason === 'low-yield');
  assert.equal(d.figures.yield, 0.0333);
  assert.match(d.capped ? d.explanation : '', /1 of its 30 controls .* \(yield 3\.3%, under 5%\)/);
  assert.equal(decideRuleCap({ ...facts, controls: 40, positives: 2 }, caps, settings).capped, false);
});
