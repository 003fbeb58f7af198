/**
 * The filing types F10–F51 as a matrix (issue 17, "What it must show"): through `POST /v1/filings`,
 * for each of the 29 types a valid example carrying every element of its data set that the model has
 * is registered (201), and for each rule or condition that applies to the type (test/support/
 * filing-examples.ts, RULE_CASES: rule → the data elements it needs → one mutation of the valid
 * example) the mutated example is refused (422) with exactly one error: that code at that JSON path.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FILING_TYPES } from '../../src/domain/index.ts';
import { DATA_ELEMENT_MAPPING, resolvePath } from '../../src/intake/data-sets.ts';
import { closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import {
  ELEMENTS,
  RULE_CASES,
  carries,
  casesFor,
  hasTransport,
  exampleOfType,
  filingType,
} from '../support/filing-examples.ts';

/** The value at a concrete JSON path such as `$.consignments[0].goods[1].itemNumber`. */
function at(body: unknown, path: string): unknown {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .slice(1)
    .reduce<unknown>(
      (v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
      body,
    );
}

const CODES = [...FILING_TYPES.keys()].sort();

test('the applicability table: every rule or condition applies to at least one filing type', () => {
  for (const r of RULE_CASES) {
    assert.ok(
      CODES.some((code) => casesFor(filingType(code)).some((c) => c.code === r.code && c.what === r.what)),
      `${r.code} (${r.what}) applies to no filing type`,
    );
  }
});

test('each valid example carries every element of its data set that the model has', () => {
  const now = new Date('2027-02-20T08:00:00Z');
  const carried = (v: unknown) => v !== undefined && !(Array.isArray(v) && v.length === 0);
  for (const code of CODES) {
    const t = filingType(code);
    const f = exampleOfType(code, now, `X-${code}`);
    for (const e of ELEMENTS.filter((x) => carries(t, x))) {
      assert.ok(carried(at(f, e.path)), `${code}: the example lacks the ${e.name} (DE ${e.de}) at ${e.path}`);
    }
    // Against the data-set check's own mapping (src/intake/data-sets.ts): each element of the set it
    // knows is in the example, except those the model can only carry on goods items or in `transport`
    // when the type has neither (onGoodsItem, hasTransport in test/support/filing-examples.ts).
    for (const m of DATA_ELEMENT_MAPPING.filter((x) => x.des.some((de) => t.presenceOf(de) !== undefined))) {
      const inexpressible = m.paths.every(
        (p) =>
          (p.includes('.goods[') && t.presenceOf('18 05 000 000') === undefined) ||
          (p.startsWith('$.transport') && !hasTransport(t)),
      );
      const present = m.paths.some((p) => resolvePath(f, p).some((r) => carried(r.value)));
      assert.ok(inexpressible || present, `${code}: the example lacks the ${m.name} (DE ${m.des[0]!})`);
    }
  }
});

forEachDatabase('filing types F10–F51: a valid example and a refusal per applicable rule', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};

  before(async () => {
    t = await startTestApp(target);
    tok['filer'] = await app().token('NL', 'filer', 'acme');
  });

  const send = sender(app, tok);
  let n = 0;
  /** A fresh LRN per example: one app serves every case, and an LRN is idempotent. */
  const lrn = (code: string) => `EX-${code}-${String(++n).padStart(4, '0')}`;

  for (const code of CODES) {
    const type = filingType(code);
    describe(code, () => {
      test(`${code}: a valid example of its data set is accepted`, async () => {
        const r = await send(
          'POST',
          '/v1/filings',
          'filer',
          exampleOfType(code, app().clock.now(), lrn(code)),
        );
        assert.equal(r.statusCode, 201, r.body.slice(0, 1500));
      });

      for (const c of casesFor(type)) {
        test(`${code}: refused by ${c.code} at ${c.at} (${c.what})`, async () => {
          const f = exampleOfType(code, app().clock.now(), lrn(code));
          c.mutate(f, type);
          const r = await send('POST', '/v1/filings', 'filer', f);
          assert.equal(r.statusCode, 422, r.body.slice(0, 1500));
          const errors = (r.json().errors as { code: string; path: string }[]).map((e) => [e.code, e.path]);
          assert.deepEqual(errors, [[c.code, c.at]]);
        });
      }
    });
  }
});
