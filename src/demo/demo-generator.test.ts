/**
 * Tests of the demo generator. Besides determinism and the mix of modes, shares and planted patterns,
 * every filing is run through an independent reading of the intake rules of DESIGN §3 and issue 2
 * (written here from the brief, not imported from the validator): valid filings must pass it, and each
 * invalid filing must fail it with exactly its expected code.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkAirWaybill,
  checkContainerId,
  checkCountry,
  checkCustomsOffice,
  checkEori,
  checkHsCode,
  checkMrn,
  checkUnLocode,
  normaliseAirWaybill,
  normaliseEori,
} from '../domain/identifiers.ts';
import { toEur } from '../domain/money.ts';
import { EU_COUNTRIES, FILING_TYPES, VAGUE_DESCRIPTION_TERMS } from '../domain/reference-data.ts';
import {
  DEMO_ANTI_DUMPING_HS6,
  DEMO_BAD_OPERATORS,
  DEMO_ERROR_CODES,
  DEMO_GOODS,
  DEMO_TRANSSHIPMENT_HUBS,
  DEMO_TYPICAL_UNIT_VALUES,
  DEMO_WATCHLIST_CONTAINERS,
  generateDemoFilings,
  operatorNameVariant,
  typicalUnitValue,
} from './index.ts';
import type { DemoFiling, DemoFilingBody, DemoOptions } from './index.ts';
import { createRng } from './prng.ts';

const NOW = new Date('2026-05-04T09:17:43.250Z');
const HOUR = 3_600_000;

const run = (o: Partial<DemoOptions> & { count: number }): DemoFiling[] => [
  ...generateDemoFilings({ now: NOW, ...o }),
];
const body = (d: DemoFiling): DemoFilingBody => d.filing as DemoFilingBody;

// A large run shared by the tests that look at mixes and shares.
const BIG = run({ count: 6000, seed: 11 });

// ------------------------------------------------------------------------------------------------
// An independent reading of the intake rules

type Json = unknown;
type Spec =
  | { t: 'text'; max: number }
  | { t: 'number'; int?: true; min?: number; exclusive?: true }
  | { t: 'boolean' }
  | { t: 'array'; of: Spec; min?: number }
  | { t: 'object'; fields: Record<string, readonly [Spec, boolean]> };

const text = (max: number): Spec => ({ t: 'text', max });
const obj = (fields: Record<string, readonly [Spec, boolean]>): Spec => ({ t: 'object', fields });
// Issue 17: an address gives a street or a P.O. box (checked in errorsOf).
const address = obj({
  street: [text(70), false],
  poBox: [text(70), false],
  city: [text(35), true],
  postcode: [text(17), false],
  country: [text(2), true],
});
const party = (withAddress: boolean): Spec =>
  obj({ name: [text(70), true], eori: [text(40), false], address: [address, withAddress] });
const doc = obj({ type: [text(4), true], ref: [text(70), true] });
const FILING: Spec = obj({
  filingType: [text(3), true],
  lrn: [text(22), true],
  split: [{ t: 'boolean' }, false],
  previousMrn: [text(18), false],
  declarant: [obj({ name: [text(70), true], eori: [text(40), true], address: [address, false] }), true],
  carrier: [party(false), false],
  officeOfFirstEntry: [text(8), false],
  addressedMemberState: [text(2), false],
  transport: [
    obj({
      mode: [text(20), true],
      meansId: [text(35), false],
      conveyanceRef: [text(17), false],
      nationality: [text(2), false],
      estimatedDeparture: [text(40), false],
      estimatedArrival: [text(40), true],
      actualDeparture: [text(40), false],
      routing: [{ t: 'array', of: text(2), min: 2 }, true],
      shortHaul: [{ t: 'boolean' }, false],
      containerised: [{ t: 'boolean' }, false],
    }),
    false,
  ],
  consignments: [
    {
      t: 'array',
      min: 1,
      of: obj({
        transportDocument: [doc, true],
        masterTransportDocument: [doc, false],
        placeOfLoading: [text(10), false],
        placeOfUnloading: [text(10), false],
        placeOfAcceptance: [text(10), false],
        placeOfDelivery: [text(10), false],
        routing: [{ t: 'array', of: text(2), min: 1 }, false],
        consignor: [party(true), true],
        consignee: [party(true), false],
        notifyParty: [party(false), false],
        buyer: [party(false), false],
        seller: [party(false), false],
        additionalInformation: [
          { t: 'array', min: 1, of: obj({ code: [text(5), true], text: [text(512), false] }) },
          false,
        ],
        containers: [
          { t: 'array', of: obj({ id: [text(11), true], seals: [{ t: 'array', of: text(20) }, true] }) },
          false,
        ],
        goods: [
          {
            t: 'array',
            min: 1,
            of: obj({
              itemNumber: [{ t: 'number', int: true, min: 1 }, false],
              hsCode: [text(12), true],
              description: [text(512), true],
              grossMassKg: [{ t: 'number', min: 0, exclusive: true }, true],
              packages: [
                obj({ type: [text(2), true], count: [{ t: 'number', int: true, min: 1 }, true] }),
                false,
              ],
              value: [obj({ amount: [{ t: 'number', min: 0 }, true], currency: [text(3), true] }), false],
              origin: [text(2), false],
            }),
          },
          true,
        ],
      }),
    },
    true,
  ],
});

function shape(v: Json, spec: Spec, path: string, out: string[]): void {
  switch (spec.t) {
    case 'text':
      if (typeof v !== 'string') {
        out.push(`VIGIL_SCHEMA_TYPE ${path}`);
      } else if (v.trim() === '' || v.trim() !== v) {
        out.push(`VIGIL_SCHEMA_REQUIRED ${path} (empty or untrimmed)`);
      } else if (v.length > spec.max) {
        out.push(`VIGIL_SCHEMA_TOO_BIG ${path}`);
      }
      return;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        out.push(`VIGIL_SCHEMA_TYPE ${path}`);
      } else if (
        (spec.int === true && !Number.isInteger(v)) ||
        (spec.min !== undefined && (spec.exclusive === true ? v <= spec.min : v < spec.min))
      ) {
        out.push(`VIGIL_SCHEMA_TOO_SMALL ${path}`);
      }
      return;
    case 'boolean':
      if (typeof v !== 'boolean') {
        out.push(`VIGIL_SCHEMA_TYPE ${path}`);
      }
      return;
    case 'array':
      if (!Array.isArray(v)) {
        out.push(`VIGIL_SCHEMA_TYPE ${path}`);
        return;
      }
      if (v.length < (spec.min ?? 0)) {
        out.push(`VIGIL_SCHEMA_TOO_SMALL ${path}`);
      }
      v.forEach((x, i) => shape(x, spec.of, `${path}[${i}]`, out));
      return;
    case 'object': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        out.push(`VIGIL_SCHEMA_TYPE ${path}`);
        return;
      }
      const o = v as Record<string, Json>;
      for (const [key, [s, required]] of Object.entries(spec.fields)) {
        if (o[key] === undefined) {
          if (required) {
            out.push(`VIGIL_SCHEMA_REQUIRED ${path}.${key}`);
          }
        } else {
          shape(o[key], s, `${path}.${key}`, out);
        }
      }
      for (const key of Object.keys(o)) {
        if (!(key in spec.fields)) {
          out.push(`VIGIL_SCHEMA_UNKNOWN_FIELD ${path}.${key}`);
        }
      }
    }
  }
}

const VAGUE = new Set(VAGUE_DESCRIPTION_TERMS.map((t) => t.toLowerCase()));
const VAGUE_PHRASES = VAGUE_DESCRIPTION_TERMS.filter((t) => t.includes(' ')).map((t) => t.toLowerCase());
const FILLER = new Set(['and', 'of', 'for', 'the', 'with']);

/** Vague terms in a description, and whether it is made of nothing else. */
function vague(description: string): { whole: boolean; terms: string[] } {
  let rest = ` ${description
    .toLowerCase()
    .replace(/[^\p{L}\p{N}/ ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()} `;
  const terms: string[] = [];
  for (const p of VAGUE_PHRASES) {
    if (rest.includes(` ${p} `)) {
      terms.push(p);
      rest = rest.replaceAll(` ${p} `, ' ');
    }
  }
  const words = rest.split(' ').filter((w) => w !== '');
  const left = words.filter((w) => {
    if (VAGUE.has(w)) {
      terms.push(w);
      return false;
    }
    return !FILLER.has(w) && !/^\d+$/.test(w);
  });
  return { whole: terms.length > 0 && left.length === 0, terms };
}

const ISO_TZ = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const cc = (locode: string): string => locode.slice(0, 2);

/** Every error code the brief's rules give this filing body lodged at `now`. */
function errorsOf(raw: unknown, now: Date): string[] {
  const out: string[] = [];
  shape(raw, FILING, '$', out);
  if (out.length > 0) {
    return out;
  }
  const f = raw as DemoFilingBody;
  const id = (problem: string | undefined, code: string, path: string): void => {
    if (problem !== undefined) {
      out.push(`${code} ${path}: ${problem}`);
    }
  };
  const eori = (v: string | undefined, path: string): void => {
    if (v !== undefined) {
      id(checkEori(normaliseEori(v)), 'VIGIL_EORI_INVALID', path);
    }
  };
  const country = (v: string | undefined, path: string): void => {
    if (v !== undefined) {
      id(checkCountry(v), 'VIGIL_COUNTRY_INVALID', path);
    }
  };
  const partyIds = (p: { eori?: string; address?: { country: string } } | undefined, path: string): void => {
    eori(p?.eori, `${path}.eori`);
    country(p?.address?.country, `${path}.address.country`);
  };
  eori(f.declarant.eori, '$.declarant.eori');
  country(f.declarant.address?.country, '$.declarant.address.country');
  eori(f.carrier?.eori, '$.carrier.eori');
  if (f.officeOfFirstEntry !== undefined) {
    id(checkCustomsOffice(f.officeOfFirstEntry), 'VIGIL_OFFICE_INVALID', '$.officeOfFirstEntry');
  }
  country(f.addressedMemberState, '$.addressedMemberState');
  if (f.previousMrn !== undefined) {
    id(checkMrn(f.previousMrn), 'R3004', '$.previousMrn');
  }
  const t = f.transport;
  if (t !== undefined) {
    if (!['maritime', 'air', 'road', 'rail', 'inland-waterway', 'postal', 'express'].includes(t.mode)) {
      out.push('VIGIL_SCHEMA_VALUE $.transport.mode');
    }
    country(t.nationality, '$.transport.nationality');
    t.routing.forEach((c, i) => country(c, `$.transport.routing[${i}]`));
    for (const k of ['estimatedDeparture', 'actualDeparture', 'estimatedArrival'] as const) {
      const v = t[k];
      if (v !== undefined && (!ISO_TZ.test(v) || Number.isNaN(Date.parse(v)))) {
        out.push(`VIGIL_DATE_INVALID $.transport.${k}`);
      }
    }
    if (t.estimatedDeparture === undefined && t.actualDeparture === undefined) {
      out.push('VIGIL_SCHEMA_REQUIRED $.transport.estimatedDeparture');
    }
  }
  if (!/^[A-Za-z0-9._/-]{1,22}$/.test(f.lrn)) {
    out.push('VIGIL_SCHEMA_FORMAT $.lrn');
  }
  const locode = (v: string | undefined, path: string): void => {
    if (v !== undefined) {
      id(checkUnLocode(v), 'VIGIL_UNLOCODE_INVALID', path);
    }
  };
  f.consignments.forEach((c, i) => {
    const p = `$.consignments[${i}]`;
    for (const d of [c.transportDocument, c.masterTransportDocument]) {
      if (d !== undefined && !['N705', 'N714', 'N740', 'N741', 'N703'].includes(d.type)) {
        out.push(`VIGIL_SCHEMA_VALUE ${p} document type ${d.type}`);
      }
    }
    for (const k of ['placeOfLoading', 'placeOfUnloading', 'placeOfAcceptance', 'placeOfDelivery'] as const) {
      locode(c[k], `${p}.${k}`);
    }
    (c.routing ?? []).forEach((x, j) => country(x, `${p}.routing[${j}]`));
    for (const role of ['consignor', 'consignee', 'notifyParty', 'buyer', 'seller'] as const) {
      const party = c[role];
      partyIds(party, `${p}.${role}`);
      if (
        party?.address !== undefined &&
        party.address.street === undefined &&
        party.address.poBox === undefined
      ) {
        out.push(`VIGIL_SCHEMA_REQUIRED ${p}.${role}.address.street`);
      }
    }
    (c.containers ?? []).forEach((k, j) => id(checkContainerId(k.id), 'R3021', `${p}.containers[${j}].id`));
    c.goods.forEach((g, j) => {
      id(checkHsCode(g.hsCode), 'VIGIL_HS_CODE_INVALID', `${p}.goods[${j}].hsCode`);
      country(g.origin, `${p}.goods[${j}].origin`);
      if (g.value !== undefined && !/^[A-Z]{3}$/.test(g.value.currency)) {
        out.push(`VIGIL_SCHEMA_FORMAT ${p}.goods[${j}].value.currency`);
      }
      if (g.packages !== undefined && !/^[A-Z0-9]{2}$/.test(g.packages.type)) {
        out.push(`VIGIL_SCHEMA_FORMAT ${p}.goods[${j}].packages.type`);
      }
    });
  });
  if (out.length > 0) {
    return out;
  }

  // Business rules
  const type = FILING_TYPES.get(f.filingType);
  if (type === undefined || (t !== undefined && !type.modes.includes(t.mode))) {
    out.push(`VIGIL_FILING_TYPE ${f.filingType} ${t?.mode ?? '(no transport)'}`);
  }
  if ((type?.part === 'master' || type?.part === 'house') && f.carrier?.eori === undefined) {
    out.push('VIGIL_MASTER_DOCUMENT_REQUIRED $.carrier.eori');
  }
  if (f.officeOfFirstEntry === undefined && f.addressedMemberState === undefined) {
    out.push('VIGIL_SCHEMA_REQUIRED $.officeOfFirstEntry');
  }
  if (f.split === true && f.previousMrn === undefined) {
    out.push('C3001');
  }
  if (f.split !== true && f.previousMrn !== undefined) {
    out.push('C3001 (previous MRN without split)');
  }
  if (t !== undefined) {
    const loading = f.consignments.flatMap((c) =>
      c.placeOfLoading === undefined ? [] : [cc(c.placeOfLoading)],
    );
    const unloading = f.consignments.flatMap((c) =>
      c.placeOfUnloading === undefined ? [] : [cc(c.placeOfUnloading)],
    );
    if (!loading.includes(t.routing[0]!) || loading.some((c) => !t.routing.includes(c))) {
      out.push('R3013');
    }
    if (
      !unloading.includes(t.routing[t.routing.length - 1]!) ||
      unloading.some((c) => !t.routing.includes(c))
    ) {
      out.push('R3014');
    }
    if (
      f.officeOfFirstEntry !== undefined &&
      t.routing.find((c) => EU_COUNTRIES.has(c)) !== f.officeOfFirstEntry.slice(0, 2)
    ) {
      out.push('R3018');
    }
    if (Date.parse(t.estimatedArrival) < Date.parse(t.actualDeparture ?? t.estimatedDeparture ?? '')) {
      out.push('R3053');
    }
    if (t.mode === 'inland-waterway' && t.meansId !== undefined && !/^\d{8}$/.test(t.meansId)) {
      out.push('R3010');
    }
  } else if (type !== undefined && type.presenceOf('19 08 000 000') !== undefined) {
    out.push('VIGIL_DATA_SET_ELEMENT_REQUIRED $.transport');
  }
  const docs = new Set<string>();
  f.consignments.forEach((c, i) => {
    // R3022: the consignment's routing holds the countries of acceptance and delivery.
    for (const place of [c.placeOfAcceptance, c.placeOfDelivery]) {
      if (place !== undefined && c.routing !== undefined && !c.routing.includes(cc(place))) {
        out.push(`R3022 ${i}`);
      }
    }
    for (const d of [c.transportDocument, c.masterTransportDocument]) {
      if (
        d !== undefined &&
        (d.type === 'N740' || d.type === 'N741') &&
        checkAirWaybill(normaliseAirWaybill(d.ref)) !== undefined
      ) {
        out.push('VIGIL_AWB_INVALID');
      }
    }
    const key = `${c.transportDocument.type}:${normaliseAirWaybill(c.transportDocument.ref)}`;
    if (docs.has(key)) {
      out.push('R3052');
    }
    docs.add(key);
    if (type?.part === 'house' && c.masterTransportDocument === undefined) {
      out.push('VIGIL_MASTER_DOCUMENT_REQUIRED');
    }
    const numbers = c.goods.map((g) => g.itemNumber);
    if (numbers.some((x) => x !== undefined) && numbers.some((x, k) => x !== k + 1)) {
      out.push('R3016/R3017');
    }
    for (const g of c.goods) {
      if (vague(g.description).whole) {
        out.push('VIGIL_DESCRIPTION_VAGUE');
      }
    }
  });
  if (t === undefined) {
    // No transport, no deadline to measure (a house part, a pre-loading set).
    return out;
  }
  const n = now.getTime();
  const dep = Date.parse(t.actualDeparture ?? t.estimatedDeparture ?? '');
  const arr = Date.parse(t.estimatedArrival);
  const containerised =
    t.containerised === true || f.consignments.some((c) => (c.containers ?? []).length > 0);
  let deadline: number;
  switch (t.mode) {
    case 'maritime':
      deadline = containerised ? dep - 24 * HOUR : arr - (t.shortHaul === true ? 2 : 4) * HOUR;
      break;
    case 'air':
    case 'postal':
    case 'express':
      deadline = t.shortHaul === true ? dep : arr - 4 * HOUR;
      break;
    case 'rail':
    case 'inland-waterway':
      deadline = arr - 2 * HOUR;
      break;
    case 'road':
      deadline = arr - HOUR;
      break;
  }
  if (n > deadline) {
    out.push('VIGIL_LODGED_LATE');
  }
  if (dep - n > 200 * 24 * HOUR) {
    out.push('VIGIL_LODGED_TOO_EARLY');
  }
  return out;
}

const codeOf = (e: string): string => e.split(' ')[0]!;

// ------------------------------------------------------------------------------------------------

describe('generateDemoFilings', () => {
  test('is deterministic for a seed and a moment', () => {
    const a = run({ count: 400, seed: 42 });
    const b = run({ count: 400, seed: 42 });
    assert.deepEqual(a, b);
    assert.equal(JSON.stringify(a), JSON.stringify(b));
  });

  test('another seed gives other filings', () => {
    const a = run({ count: 50, seed: 1 }).map((d) => JSON.stringify(d.filing));
    const b = run({ count: 50, seed: 2 }).map((d) => JSON.stringify(d.filing));
    assert.notDeepEqual(a, b);
    assert.ok(a.filter((x) => b.includes(x)).length === 0);
  });

  test('another moment shifts the dates and the LRNs, not the traffic', () => {
    const later = new Date(NOW.getTime() + 3 * 24 * HOUR);
    const a = run({ count: 20, seed: 5 });
    const b = [...generateDemoFilings({ count: 20, seed: 5, now: later })];
    assert.deepEqual(
      a.map((d) => body(d).filingType),
      b.map((d) => body(d).filingType),
    );
    // The first filing with an active means of transport (house and pre-loading sets have none).
    const k = a.findIndex((d) => body(d).transport !== undefined);
    assert.notEqual(body(a[k]!).transport!.estimatedDeparture, body(b[k]!).transport!.estimatedDeparture);
    assert.notEqual(body(a[0]!).lrn, body(b[0]!).lrn);
  });

  test('yields exactly count filings, including when a master and its houses would not fit', () => {
    for (const count of [0, 1, 2, 3, 7, 31]) {
      assert.equal(run({ count, seed: count + 100 }).length, count);
    }
  });

  test('rejects impossible options', () => {
    assert.throws(() => run({ count: -1 }), RangeError);
    assert.throws(() => run({ count: 1.5 }), RangeError);
    assert.throws(() => run({ count: 1, invalidShare: 1.5 }), RangeError);
    assert.throws(() => run({ count: 1, invalidShare: 0.6, riskyShare: 0.6 }), RangeError);
    assert.throws(() => run({ count: 1, now: new Date('nonsense') }), RangeError);
  });

  test('every valid filing passes the intake rules, with every identifier checked', () => {
    const failures: string[] = [];
    for (const seed of [3, 4]) {
      for (const d of [
        ...run({ count: 1500, seed, invalidShare: 0 }),
        ...BIG.filter((x) => x.expect.valid),
      ]) {
        const errs = errorsOf(d.filing, NOW);
        if (errs.length > 0) {
          failures.push(`${body(d).lrn}: ${errs.join('; ')}`);
        }
      }
    }
    assert.deepEqual(failures.slice(0, 5), []);
  });

  test('each invalid filing breaks exactly one rule, the one it names', () => {
    const filings = run({ count: 3000, seed: 9, invalidShare: 0.6, riskyShare: 0 });
    const seen = new Set<string>();
    for (const d of filings.filter((x) => !x.expect.valid)) {
      assert.ok(d.expect.errorCode !== undefined, 'an invalid filing names its error code');
      assert.ok((DEMO_ERROR_CODES as readonly string[]).includes(d.expect.errorCode));
      assert.deepEqual(d.planted, []);
      const codes = [...new Set(errorsOf(d.filing, NOW).map(codeOf))];
      assert.deepEqual(
        codes,
        [d.expect.errorCode],
        `${body(d).lrn} expected ${d.expect.errorCode}: ${errorsOf(d.filing, NOW).join('; ')}`,
      );
      seen.add(d.expect.errorCode);
    }
    assert.deepEqual([...seen].sort(), [...DEMO_ERROR_CODES].sort(), 'every error code occurs');
  });

  test('the shares of invalid and planted filings are near the options', () => {
    const share = (list: DemoFiling[], p: (d: DemoFiling) => boolean): number =>
      list.filter(p).length / list.length;
    assert.ok(Math.abs(share(BIG, (d) => !d.expect.valid) - 0.05) < 0.012);
    assert.ok(Math.abs(share(BIG, (d) => d.planted.length > 0) - 0.06) < 0.015);
    const custom = run({ count: 3000, seed: 12, invalidShare: 0.2, riskyShare: 0.1 });
    assert.ok(Math.abs(share(custom, (d) => !d.expect.valid) - 0.2) < 0.03);
    assert.ok(Math.abs(share(custom, (d) => d.planted.length > 0) - 0.1) < 0.025);
    const clean = run({ count: 1000, seed: 13, invalidShare: 0, riskyShare: 0 });
    assert.ok(clean.every((d) => d.expect.valid && d.planted.length === 0));
  });

  test('maritime carries most filings; every mode and the official types of each flow occur', () => {
    const modes = new Map<string, number>();
    const types = new Set<string>();
    for (const d of BIG) {
      const f = body(d);
      // A set without transport travels in its filing type's mode.
      const mode = f.transport?.mode ?? FILING_TYPES.get(f.filingType)!.modes[0]!;
      modes.set(mode, (modes.get(mode) ?? 0) + 1);
      types.add(f.filingType);
    }
    const sorted = [...modes.entries()].sort((a, b) => b[1] - a[1]);
    assert.equal(sorted[0]![0], 'maritime');
    assert.ok(sorted[0]![1] / BIG.length > 0.4);
    assert.deepEqual([...modes.keys()].sort(), [
      'air',
      'express',
      'inland-waterway',
      'maritime',
      'postal',
      'rail',
      'road',
    ]);
    // Issue 17's official catalogue: the demo's flows use these types (complete, master and house parts,
    // the straight bill of lading, the postal item-level pre-loading set), all in the catalogue; the
    // sets without goods items (receptacles, complements) are not part of the demo traffic.
    const demoTypes = [
      'F10',
      'F11',
      'F12',
      'F14',
      'F15',
      'F20',
      'F21',
      'F22',
      'F28',
      'F30',
      'F33',
      'F43',
      'F50',
      'F51',
    ];
    assert.deepEqual([...types].sort(), demoTypes);
    assert.ok(demoTypes.every((t) => FILING_TYPES.has(t)));
    assert.deepEqual([...new Set(demoTypes.map((t) => FILING_TYPES.get(t)!.part))].sort(), [
      'complete',
      'house',
      'master',
      'pre-loading',
    ]);
  });

  test('valid filings carry the ENS elements of issue 17: item numbers, places of acceptance and delivery, buyer and seller, to order, P.O. box, split at header level', () => {
    const seen = new Set<string>();
    for (const d of BIG.filter((x) => x.expect.valid)) {
      const f = body(d);
      if (f.split === true && f.previousMrn !== undefined) {
        seen.add('split');
      }
      for (const c of f.consignments) {
        if (c.goods.some((g) => g.itemNumber !== undefined)) {
          seen.add('itemNumber');
        }
        if (c.placeOfAcceptance !== undefined && c.placeOfDelivery !== undefined) {
          seen.add('places');
        }
        if (c.buyer !== undefined && c.seller !== undefined) {
          seen.add('buyer and seller');
        }
        if (c.consignee === undefined) {
          // A consignment to order says so (10600, C3022) and names its notify party (C3024).
          assert.ok(c.additionalInformation?.some((a) => a.code === '10600') === true, f.lrn);
          assert.ok(c.notifyParty !== undefined, f.lrn);
          seen.add('to order');
        }
        if (c.consignor.address.poBox !== undefined && c.consignor.address.street === undefined) {
          seen.add('P.O. box');
        }
      }
      assert.ok(f.lrn.length <= 22, f.lrn);
      assert.ok((f.transport?.conveyanceRef ?? '').length <= 17, f.lrn);
    }
    assert.deepEqual([...seen].sort(), [
      'P.O. box',
      'buyer and seller',
      'itemNumber',
      'places',
      'split',
      'to order',
    ]);
  });

  test('house filings follow their master, which has the same carrier EORI and document', () => {
    const masters = new Map<string, string>();
    const rejected = new Set<string>();
    let houses = 0;
    let orphans = 0;
    for (const d of BIG) {
      const f = body(d);
      const part = FILING_TYPES.get(f.filingType)!.part;
      if (part === 'master') {
        for (const c of f.consignments) {
          const key = `${c.transportDocument.type}:${c.transportDocument.ref}`;
          if (d.expect.valid) {
            masters.set(key, f.carrier!.eori);
          } else {
            rejected.add(key);
          }
        }
      } else if (part === 'house' && d.expect.valid) {
        houses++;
        assert.ok(f.carrier?.eori !== undefined);
        for (const c of f.consignments) {
          const m = c.masterTransportDocument!;
          const carrier = masters.get(`${m.type}:${m.ref}`);
          if (carrier === undefined) {
            // Its master was one of the invalid filings (perhaps with this very reference broken):
            // the house stays incomplete, as it would in real life.
            orphans++;
            break;
          }
          assert.equal(carrier, f.carrier.eori, `${f.lrn}: master ${m.ref} filed first by the same carrier`);
        }
      }
    }
    assert.ok(houses > 100);
    assert.ok(orphans <= rejected.size * 3 + 5, `${orphans} orphan houses`);
  });

  test('uses real goods codes with specific descriptions, across many chapters', () => {
    assert.ok(DEMO_GOODS.length >= 60);
    assert.ok(new Set(DEMO_GOODS.map((g) => g.hs6.slice(0, 2))).size >= 25);
    for (const prefix of [
      '8517',
      '8471',
      '61',
      '62',
      '64',
      '9503',
      '94',
      '8708',
      '3004',
      '3304',
      '4011',
      '7208',
      '7318',
      '854143',
      '8712',
      '2402',
    ]) {
      assert.ok(
        DEMO_GOODS.some((g) => g.hs6.startsWith(prefix)),
        `goods under ${prefix}`,
      );
    }
    for (const g of DEMO_GOODS) {
      assert.equal(checkHsCode(g.hs6), undefined);
      for (const cn of g.cn8 ?? []) {
        assert.ok(cn.startsWith(g.hs6) && checkHsCode(cn) === undefined, cn);
      }
      for (const d of g.descriptions) {
        assert.deepEqual(vague(d).terms, [], `'${d}' has no vague term`);
      }
    }
    for (const d of BIG.filter((x) => x.expect.valid && x.planted.length === 0)) {
      for (const c of body(d).consignments) {
        for (const g of c.goods) {
          assert.deepEqual(vague(g.description).terms, [], g.description);
        }
      }
    }
  });

  test('unit values of unplanted goods stay near typical, so undervaluation stands out', () => {
    let checked = 0;
    for (const d of BIG.filter((x) => x.expect.valid && x.planted.length === 0)) {
      for (const c of body(d).consignments) {
        for (const g of c.goods) {
          const typical = g.origin === undefined ? undefined : typicalUnitValue(g.hsCode, g.origin);
          if (typical === undefined || g.value === undefined) {
            continue;
          }
          const perKg = toEur(g.value.amount, g.value.currency)! / g.grossMassKg;
          assert.ok(
            perKg > 0.45 * typical && perKg < 2.2 * typical,
            `${g.hsCode} ${g.origin}: ${perKg} vs ${typical}`,
          );
          checked++;
        }
      }
    }
    assert.ok(checked > 5000);
  });

  test('planted patterns are in valid filings and can be found from the exported lists', () => {
    const kinds = new Set<string>();
    const watch = new Set(DEMO_WATCHLIST_CONTAINERS);
    for (const d of BIG.filter((x) => x.planted.length > 0)) {
      assert.equal(d.expect.valid, true);
      assert.deepEqual(errorsOf(d.filing, NOW), []);
      const f = body(d);
      for (const p of d.planted) {
        kinds.add(p.kind);
        const ci = Number(/consignments\[(\d+)\]/.exec(p.path)![1]);
        const c = f.consignments[ci]!;
        switch (p.kind) {
          case 'undervaluation': {
            const gi = Number(/goods\[(\d+)\]/.exec(p.path)![1]);
            const g = c.goods[gi]!;
            const perKg = toEur(g.value!.amount, g.value!.currency)! / g.grossMassKg;
            assert.ok(perKg < 0.25 * typicalUnitValue(g.hsCode, g.origin!)!, p.detail);
            break;
          }
          case 'suspicious-route': {
            const g = c.goods[0]!;
            assert.ok(DEMO_ANTI_DUMPING_HS6.includes(g.hsCode.slice(0, 6)));
            assert.ok(DEMO_TRANSSHIPMENT_HUBS.includes(g.origin!));
            assert.equal(c.routing?.[0], 'CN');
            break;
          }
          case 'known-bad-operator': {
            const who = p.path.endsWith('consignor') ? c.consignor : c.consignee;
            const op = DEMO_BAD_OPERATORS.find((o) => p.detail.includes(`'${o.name}'`));
            assert.ok(op !== undefined, p.detail);
            assert.equal(who?.address.street, op.address.street);
            break;
          }
          case 'watchlisted-container':
            assert.ok((c.containers ?? []).some((k) => watch.has(k.id)));
            break;
          case 'misdeclared-description':
            assert.match(p.detail, /belongs under \d{6}, declared under \d{6}/);
            break;
        }
      }
    }
    assert.deepEqual([...kinds].sort(), [
      'known-bad-operator',
      'misdeclared-description',
      'suspicious-route',
      'undervaluation',
      'watchlisted-container',
    ]);
    assert.ok(DEMO_TYPICAL_UNIT_VALUES.length > 150);
  });

  test('watchlisted containers and bad operators are themselves well formed', () => {
    for (const id of DEMO_WATCHLIST_CONTAINERS) {
      assert.equal(checkContainerId(id), undefined, id);
    }
    for (const op of DEMO_BAD_OPERATORS) {
      assert.ok(op.name.length <= 70);
      if (op.eori !== undefined) {
        assert.equal(checkEori(op.eori), undefined);
      }
    }
  });

  test('operatorNameVariant spells a name differently, as evasive filers do', () => {
    const rng = createRng(3);
    const variants = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const v = operatorNameVariant(rng, 'Golden Dragon International Trading Co., Ltd.');
      assert.ok(v.name.length > 0 && v.name.length <= 70);
      variants.add(v.name);
    }
    assert.ok(variants.size >= 5);
    assert.ok(!variants.has('Golden Dragon International Trading Co., Ltd.'));
  });
});
