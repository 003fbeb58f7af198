/**
 * The pure parts of joint operations: the phase by the clock, what a participant's rule for a
 * criterion is (window, scope, condition that compiles), the scope test used for "screened", and the
 * report's CSV and HTML (escaped, self-contained).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRule } from '../risk/index.ts';
import { barChartSvg, reportCsv, reportHtml } from './operation-report.ts';
import { criterionCondition, inScope, phaseAt, ruleOfCriterion } from './operation.service.ts';
import type { StoredOperation } from './operation.repository.ts';
import type { OperationReport, ParticipantFigures } from './operation.schema.ts';

const op: StoredOperation = {
  id: 'OP-00000001',
  kind: 'pca',
  title: 'Footwear <script>',
  objective: 'x & y',
  coordinator: 'EU',
  scope: { goods: ['64'], routeCountries: ['CN'], modes: ['maritime'], offices: ['NL000396'] },
  start: '2027-03-01T00:00:00.000Z',
  end: '2027-03-15T00:00:00.000Z',
  interimReview: '2027-03-08T00:00:00.000Z',
  criteria: [
    {
      id: 'c1',
      title: 'Low value',
      condition: 'valuePerKg < 2.0',
      riskArea: 'ipr',
      weight: 70,
      severity: 'high',
      recommendedAction: 'physical-check',
      reason: 'cheap footwear',
    },
  ],
  participantCodes: ['NL'],
  createdBy: 'eu',
  createdAt: '2027-02-20T00:00:00.000Z',
};

test('the phase follows the clock: planning, operational from the start, post-operational from the end', () => {
  assert.equal(phaseAt(op, new Date('2027-02-28T23:59:59.999Z')), 'planning');
  assert.equal(phaseAt(op, new Date('2027-03-01T00:00:00.000Z')), 'operational');
  assert.equal(phaseAt(op, new Date('2027-03-14T23:59:59.999Z')), 'operational');
  assert.equal(phaseAt(op, new Date('2027-03-15T00:00:00.000Z')), 'post-operational');
});

test("a participant's rule is active for exactly the window, with the scope, and compiles", () => {
  const rule = ruleOfCriterion(op, op.criteria[0]!);
  assert.equal(rule.id, 'OP-00000001-c1');
  assert.equal(rule.status, 'active');
  assert.equal(rule.validFrom, op.start);
  assert.equal(rule.validUntil, op.end);
  assert.deepEqual(rule.scope, { offices: ['NL000396'], modes: ['maritime'] });
  assert.match(rule.condition, /g\.hsCode\.startsWith\("64"\)/);
  assert.match(rule.condition, /"CN" in routing/);
  assert.ok(compileRule(rule.condition).ok, rule.condition);
  assert.equal(criterionCondition({}, 'true'), 'true', 'no goods or routing scope: the criterion alone');
});

test('the scope test: offices, modes, goods prefixes and routing (own, else the transport’s)', () => {
  const row = {
    mrn: 'M',
    seq: 0,
    mode: 'maritime',
    office: 'NL000396',
    hits: [],
    consignment: { goods: [{ hsCode: '640399' }], routing: [] },
    transportRouting: ['CN', 'NL'],
  };
  assert.equal(inScope(row, op.scope), true);
  assert.equal(inScope({ ...row, office: 'BE101000' }, op.scope), false);
  assert.equal(inScope({ ...row, mode: 'air' }, op.scope), false);
  assert.equal(inScope({ ...row, consignment: { goods: [{ hsCode: '330499' }] } }, op.scope), false);
  assert.equal(inScope({ ...row, transportRouting: ['TR', 'NL'] }, op.scope), false);
  assert.equal(inScope({ ...row, consignment: { goods: [], routing: [] } }, {}), true);
});

const figures = (authority: string, n: number): ParticipantFigures => ({
  authority,
  state: 'accepted',
  screened: 10 * n,
  hitConsignments: n,
  hitsByCriterion: { c1: n },
  controls: n,
  controlsByType: { physical: n },
  results: { seizure: 1 },
  seizures: [{ category: 'counterfeit', unit: 'items', count: 1, quantity: 5 }],
  dutyAtStake: 1.5,
  taxAtStake: 0,
});

const report: OperationReport = {
  kind: 'final',
  operation: { ...op, phase: 'post-operational', participants: [] },
  results: {
    operation: op.id,
    phase: 'post-operational',
    asOf: '2027-03-16T00:00:00.000Z',
    participants: [figures('NL', 2), figures('=BE', 3)],
    total: { ...figures('', 5) },
  },
};

test('the CSV has a line per participant and a total, and neutralises formulas', () => {
  const lines = reportCsv(report).trim().split('\r\n');
  assert.equal(lines.length, 4);
  assert.match(
    lines[1]!,
    /^final,OP-00000001,NL,accepted,20,2,c1=2,2,physical=2,0,0,1,counterfeit:1x5items,1.5,0$/,
  );
  assert.match(lines[2]!, /^final,OP-00000001,'=BE,/);
  assert.match(lines[3]!, /^final,OP-00000001,TOTAL,,50,5,/);
});

test('the HTML is escaped and self-contained, with one bar group per participant', () => {
  const html = reportHtml(report);
  assert.ok(html.includes('Footwear &lt;script&gt;'));
  assert.ok(html.includes('x &amp; y'));
  assert.ok(!html.includes('<script'));
  const svg = barChartSvg(report.results.participants);
  assert.equal(
    (svg.match(/<rect /g) ?? []).length,
    2 * 3 + 3,
    'three bars per participant and a legend of three',
  );
});
