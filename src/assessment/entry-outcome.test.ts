import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryOutcome } from './entry-outcome.ts';
import type { EntryFacts, SelectivityHit } from './entry-outcome.ts';

const hit = (over: Partial<SelectivityHit> = {}): SelectivityHit => ({
  source: 'rule',
  id: 'R-1',
  riskArea: 'undervaluation',
  weight: 30,
  severity: 'medium',
  recommendedAction: 'documentary-check',
  ...over,
});
const facts = (over: Partial<EntryFacts> = {}): EntryFacts => ({
  mode: 'maritime',
  officeOfFirstEntry: 'NL000396',
  preLoading: false,
  score: 0,
  randomDraw: 0.9,
  ...over,
});

test('entry outcomes, one row per path through selectivity', () => {
  const table: [string, EntryFacts, SelectivityHit[], string][] = [
    ['no hits', facts(), [], 'assessment-complete'],
    [
      'low score, action none',
      facts({ score: 20 }),
      [hit({ recommendedAction: 'none' })],
      'assessment-complete',
    ],
    ['documentary check asked', facts({ score: 30 }), [hit()], 'control-recommended:documentary'],
    [
      'physical beats documentary',
      facts(),
      [hit(), hit({ id: 'R-2', recommendedAction: 'physical-check' })],
      'control-recommended:physical',
    ],
    ['scan', facts(), [hit({ recommendedAction: 'scan' })], 'control-recommended:scan'],
    [
      'score over the threshold',
      facts({ score: 75 }),
      [hit({ recommendedAction: 'none' })],
      'control-recommended:documentary',
    ],
    [
      'request for information',
      facts(),
      [hit({ recommendedAction: 'request-for-information' })],
      'request-for-information',
    ],
    [
      'control wins over RFI',
      facts(),
      [hit({ recommendedAction: 'request-for-information' }), hit({ id: 'R-2' })],
      'control-recommended:documentary',
    ],
    [
      'do not load before loading',
      facts({ mode: 'air', preLoading: true }),
      [hit({ recommendedAction: 'do-not-load', severity: 'critical', riskArea: 'security-safety' })],
      'do-not-load',
    ],
    [
      'do not load after loading becomes a physical control',
      facts({ mode: 'air', preLoading: false }),
      [hit({ recommendedAction: 'do-not-load', severity: 'critical', riskArea: 'security-safety' })],
      'control-recommended:physical',
    ],
    [
      'do not load needs critical severity',
      facts({ mode: 'air', preLoading: true }),
      [hit({ recommendedAction: 'do-not-load', severity: 'high', riskArea: 'security-safety' })],
      'assessment-complete',
    ],
    [
      'high-risk screening for air cargo before loading',
      facts({ mode: 'air', preLoading: true }),
      [hit({ recommendedAction: 'high-risk-screening', riskArea: 'security-safety' })],
      'high-risk-screening',
    ],
    [
      'security score screens postal items',
      facts({ mode: 'postal', preLoading: true, score: 55 }),
      [hit({ recommendedAction: 'none', riskArea: 'security-safety' })],
      'high-risk-screening',
    ],
    [
      'no screening for maritime',
      facts({ mode: 'maritime', preLoading: true }),
      [hit({ recommendedAction: 'high-risk-screening', riskArea: 'security-safety' })],
      'assessment-complete',
    ],
    ['random selection', facts({ randomDraw: 0.004 }), [], 'control-recommended:documentary'],
    ['random physical', facts({ randomDraw: 0.001 }), [], 'control-recommended:physical'],
    [
      'a noisy rule alone does not select',
      facts(),
      [hit({ noisy: true, recommendedAction: 'physical-check' })],
      'assessment-complete',
    ],
    [
      'a noisy rule counts next to another hit',
      facts(),
      [hit({ noisy: true, recommendedAction: 'physical-check' }), hit({ id: 'R-2' })],
      'control-recommended:physical',
    ],
  ];
  for (const [name, f, hits, expected] of table) {
    const o = entryOutcome(f, hits);
    const got = o.kind === 'control-recommended' ? `${o.kind}:${o.controlType}` : o.kind;
    assert.equal(got, expected, name);
    if (o.kind === 'control-recommended') {
      assert.equal(o.office, 'NL000396');
      assert.equal(o.random, name.startsWith('random'), name);
    }
  }
});
