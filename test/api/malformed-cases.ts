/**
 * The table of malformed filings for POST /v1/filings (issue 2, "bad input is met with a clear error and
 * nothing is stored"). Each case breaks one thing in an otherwise valid filing, or breaks the request
 * itself (JSON, content type, size, nesting, token), and names the status and problem code it must get;
 * for 422 also a field error code, and its JSON path where the path is stable. Families are generated
 * where that keeps the table readable; every case is distinct (the test checks names and requests).
 */
import { createHmac } from 'node:crypto';
import vagueData from '../../data/vague-descriptions.json' with { type: 'json' };
import { validAirFiling, validFiling, validHouseFiling } from '../support/filings.ts';
import type { Role } from '../../src/auth/index.ts';

type Json = any;
type PathPart = string | number;

/** What a case sends: the body (an object is sent as JSON, a string as is, undefined as no body). */
export interface MalformedRequest {
  readonly body: string | object | undefined;
  /** Content-Type header; defaults to application/json, null sends none. */
  readonly contentType?: string | null;
  /** Raw Authorization header instead of a filer token; null sends none. */
  readonly authorization?: string | null;
  /** A real token of this instance but with this role / authority / lifetime. */
  readonly token?: { readonly role: Role; readonly authority?: string; readonly ttlSeconds?: number };
}

export interface MalformedCase {
  readonly name: string;
  readonly build: (now: Date) => MalformedRequest;
  readonly status: number;
  /** The problem's `code`. */
  readonly code: string;
  /** For 422: a field error code that must be among `errors`. */
  readonly fieldCode?: string;
  /** ... at this JSON path, where the path is stable. */
  readonly path?: string;
  /** The case documents a known defect: it runs as a `todo` until the intake code is fixed. */
  readonly knownBug?: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (now: Date, ms: number): string => new Date(now.getTime() + ms).toISOString();

/** JSON path in the server's notation: `$.consignments[0].goods[0].hsCode`. */
export function jsonPath(parts: readonly PathPart[]): string {
  return parts.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : `${out}.${p}`), '$');
}

function parentOf(root: Json, parts: readonly PathPart[]): Json {
  let node = root;
  for (const p of parts.slice(0, -1)) {
    node = node[p];
  }
  return node;
}

function setAt(root: Json, parts: readonly PathPart[], value: unknown): void {
  parentOf(root, parts)[parts[parts.length - 1]!] = value;
}

function deleteAt(root: Json, parts: readonly PathPart[]): void {
  const parent = parentOf(root, parts);
  const key = parts[parts.length - 1]!;
  if (Array.isArray(parent)) {
    parent.splice(key as number, 1);
  } else {
    delete parent[key];
  }
}

// ---------------------------------------------------------------------------------------------------
// Valid starting points, one per mode the deadline rules distinguish. The test checks each is valid.

export type BaseFiling = (now: Date, lrn: string) => Json;

const maritime: BaseFiling = (now, lrn) => validFiling(now, { lrn });
const air: BaseFiling = (now, lrn) => validAirFiling(now, lrn);

/** Maritime bulk: no containers, deadline 4 h before arrival. */
const bulk: BaseFiling = (now, lrn) => {
  const f = maritime(now, lrn);
  f.consignments[0].containers = [];
  f.transport.estimatedDeparture = at(now, -2 * DAY);
  f.transport.estimatedArrival = at(now, 2 * DAY);
  return f;
};

function overland(now: Date, lrn: string, over: Json): Json {
  const f = maritime(now, lrn);
  f.filingType = over.filingType;
  f.officeOfFirstEntry = over.office;
  f.transport = {
    mode: over.mode,
    meansId: over.meansId,
    estimatedDeparture: at(now, -6 * HOUR),
    estimatedArrival: at(now, 6 * HOUR),
    routing: over.routing,
  };
  const c = f.consignments[0];
  c.transportDocument = { type: 'N705', ref: over.ref };
  c.placeOfLoading = over.loading;
  c.placeOfUnloading = over.unloading;
  c.routing = over.routing;
  c.containers = [];
  return f;
}

const road: BaseFiling = (now, lrn) =>
  overland(now, lrn, {
    filingType: 'F50',
    mode: 'road',
    meansId: '34ABC123',
    office: 'BG001000',
    routing: ['TR', 'BG'],
    loading: 'TRIST',
    unloading: 'BGSOF',
    ref: 'CMR-778812',
  });
const rail: BaseFiling = (now, lrn) =>
  overland(now, lrn, {
    filingType: 'F51',
    mode: 'rail',
    meansId: 'TRAIN-4471',
    office: 'HU000100',
    routing: ['RS', 'HU'],
    loading: 'RSBEG',
    unloading: 'HUBUD',
    ref: 'CIM-993311',
  });
const inland: BaseFiling = (now, lrn) =>
  overland(now, lrn, {
    filingType: 'F11',
    mode: 'inland-waterway',
    // An ENI number: 8 digits (R3010).
    meansId: '02326589',
    office: 'DE001000',
    routing: ['CH', 'DE'],
    loading: 'CHBSL',
    unloading: 'DEDUI',
    ref: 'RHB-55120',
  });

function airLike(filingType: string, mode: string, shortHaul: boolean): BaseFiling {
  return (now, lrn) => {
    const f = air(now, lrn);
    f.filingType = filingType;
    f.transport.mode = mode;
    if (shortHaul) {
      f.transport.shortHaul = true;
      f.transport.estimatedDeparture = at(now, 2 * HOUR);
      f.transport.estimatedArrival = at(now, 4 * HOUR);
    }
    if (filingType === 'F30' || filingType === 'F31') {
      // The express sets' data set has the actual departure only (DE 15 02, no DE 15 01).
      f.transport.actualDeparture = f.transport.estimatedDeparture;
      delete f.transport.estimatedDeparture;
    }
    return f;
  };
}
const airShort = airLike('F20', 'air', true);
// Issue 17: the official catalogue has no postal type with goods items and transport (the postal
// carrier sets F40–F45 carry receptacles), so the long-haul mail-mode base is an express one (F31).
const expressLong = airLike('F31', 'express', false);
const express = airLike('F30', 'express', true);

/**
 * A maritime house filing (F15, issue 17's catalogue) that names its carrier and master bill: valid and
 * 'incomplete'. No transport and no places (its data set has none), the addressed member state.
 */
const house: BaseFiling = (now, lrn) =>
  validHouseFiling(
    now,
    lrn,
    { name: 'Mediterranean Shipping Co', eori: 'CH123456789' },
    'HBL-NL-0001',
    'MSCU-BL-778899',
  );

/** A maritime filing with two consignments to different German and Dutch ports. */
const twoConsignments: BaseFiling = (now, lrn) => {
  const f = maritime(now, lrn);
  const second = structuredClone(f.consignments[0]);
  second.transportDocument.ref = 'MAEU987654321';
  second.containers = [{ id: 'CSQU3054383', seals: [] }];
  second.goods[0].description = 'Laptop computers, 14 inch';
  second.goods[0].hsCode = '847130';
  f.consignments.push(second);
  return f;
};

export const BASES: Readonly<Record<string, BaseFiling>> = {
  maritime,
  air,
  bulk,
  road,
  rail,
  inland,
  airShort,
  expressLong,
  express,
  house,
  twoConsignments,
};

// ---------------------------------------------------------------------------------------------------
// Case builders.

let seq = 0;
const cases: MalformedCase[] = [];

interface Expect {
  readonly fieldCode: string;
  readonly path?: string;
  readonly knownBug?: string;
}

/** A valid filing with one thing broken; 422 with `fieldCode` (at `path`). Each case has its own LRN. */
function filing(
  name: string,
  mutate: (f: Json, now: Date) => void,
  expect: Expect,
  base: BaseFiling = maritime,
): void {
  const lrn = `MAL-${String(++seq).padStart(4, '0')}`;
  cases.push({
    name,
    build: (now) => {
      const f = base(now, lrn);
      mutate(f, now);
      return { body: f };
    },
    status: 422,
    code: 'VIGIL_FILING_INVALID',
    ...expect,
  });
}

/** A request-level failure: raw body and headers. */
function request(
  name: string,
  build: (now: Date) => MalformedRequest,
  status: number,
  code: string,
  extra: Partial<MalformedCase> = {},
): void {
  cases.push({ name, build, status, code, ...extra });
}

/** A valid filing serialised and then edited as text (for what JSON.stringify cannot produce). */
function validText(now: Date, lrn: string): string {
  return JSON.stringify(maritime(now, lrn));
}

const C0 = ['consignments', 0] as const;
const G0 = [...C0, 'goods', 0] as const;

// --- 1. Required fields missing, one by one, at every level ----------------------------------------

const required: { base: BaseFiling; path: PathPart[] }[] = [
  ...['filingType', 'lrn', 'declarant', 'officeOfFirstEntry', 'transport', 'consignments'].map((k) => ({
    base: maritime,
    path: [k],
  })),
  { base: maritime, path: ['declarant', 'eori'] },
  { base: maritime, path: ['declarant', 'name'] },
  ...['mode', 'estimatedDeparture', 'estimatedArrival', 'routing'].map((k) => ({
    base: maritime,
    path: ['transport', k],
  })),
  ...[
    'transportDocument',
    'placeOfLoading',
    'placeOfUnloading',
    // Issue 17: the consignment's routing is optional (not in every data set) and the consignee
    // too (a consignment "to order"): their absence is no error; see test/api/ics2-rules.test.ts.
    'consignor',
    'goods',
  ].map((k) => ({ base: maritime, path: [...C0, k] })),
  { base: maritime, path: [...C0, 'transportDocument', 'type'] },
  { base: maritime, path: [...C0, 'transportDocument', 'ref'] },
  ...['consignor', 'consignee'].flatMap((party) => [
    { base: maritime, path: [...C0, party, 'name'] },
    { base: maritime, path: [...C0, party, 'address'] },
    ...['city', 'country'].map((k) => ({ base: maritime, path: [...C0, party, 'address', k] })),
  ]),
  ...['hsCode', 'description', 'grossMassKg'].map((k) => ({ base: maritime, path: [...G0, k] })),
  { base: maritime, path: [...G0, 'packages', 'type'] },
  { base: maritime, path: [...G0, 'packages', 'count'] },
  { base: maritime, path: [...G0, 'value', 'amount'] },
  { base: maritime, path: [...G0, 'value', 'currency'] },
  { base: maritime, path: [...C0, 'containers', 0, 'id'] },
  { base: house, path: ['carrier', 'name'] },
  { base: house, path: [...C0, 'masterTransportDocument', 'ref'] },
  { base: air, path: [...C0, 'transportDocument', 'ref'] },
];
for (const { base, path } of required) {
  filing(
    `missing ${jsonPath(path)}${base === maritime ? '' : ` (${base === house ? 'house' : 'air'} filing)`}`,
    (f) => deleteAt(f, path),
    {
      fieldCode: 'VIGIL_SCHEMA_REQUIRED',
      path: jsonPath(path),
    },
    base,
  );
}
// An address without a street needs a P.O. box (ICS2 rule R3002).
for (const party of ['consignor', 'consignee']) {
  filing(
    `missing $.consignments[0].${party}.address.street (and no P.O. box)`,
    (f) => deleteAt(f, [...C0, party, 'address', 'street']),
    { fieldCode: 'R3002', path: `$.consignments[0].${party}.address.street` },
  );
}
filing(
  'missing $.consignments[0].notifyParty.name',
  (f) => (f.consignments[0].notifyParty = { eori: 'NL123456789' }),
  { fieldCode: 'VIGIL_SCHEMA_REQUIRED', path: '$.consignments[0].notifyParty.name' },
);
filing(
  'missing second consignment goods',
  (f) => delete f.consignments[1].goods,
  { fieldCode: 'VIGIL_SCHEMA_REQUIRED', path: '$.consignments[1].goods' },
  twoConsignments,
);

// Empty text counts as missing; empty lists are too small.
const empties: { path: PathPart[]; value: unknown; fieldCode: string }[] = [
  { path: ['lrn'], value: '', fieldCode: 'VIGIL_SCHEMA_REQUIRED' },
  { path: ['declarant', 'name'], value: '', fieldCode: 'VIGIL_SCHEMA_REQUIRED' },
  { path: [...C0, 'consignor', 'address', 'street'], value: '   ', fieldCode: 'VIGIL_SCHEMA_REQUIRED' },
  { path: [...G0, 'description'], value: ' \t ', fieldCode: 'VIGIL_SCHEMA_REQUIRED' },
  { path: [...C0, 'transportDocument', 'ref'], value: '', fieldCode: 'VIGIL_SCHEMA_REQUIRED' },
  { path: ['consignments'], value: [], fieldCode: 'VIGIL_SCHEMA_TOO_SMALL' },
  { path: [...C0, 'goods'], value: [], fieldCode: 'VIGIL_SCHEMA_TOO_SMALL' },
  { path: [...C0, 'routing'], value: [], fieldCode: 'VIGIL_SCHEMA_TOO_SMALL' },
  { path: ['transport', 'routing'], value: ['NL'], fieldCode: 'VIGIL_SCHEMA_TOO_SMALL' },
];
for (const { path, value, fieldCode } of empties) {
  filing(`empty ${jsonPath(path)} = ${JSON.stringify(value)}`, (f) => setAt(f, path, value), {
    fieldCode,
    path: jsonPath(path),
  });
}

// --- 2. Wrong types, for every kind of field ---------------------------------------------------------

type Kind = 'string' | 'number' | 'object' | 'array' | 'boolean';
const WRONG: Record<Kind, unknown[]> = {
  string: [42, { value: 'x' }, ['x'], null, true],
  number: ['12.5', { amount: 1 }, [1], null, false],
  object: ['x', 7, [{}], null, true],
  array: ['CN', 3, { 0: 'x' }, null, false],
  boolean: ['true', 1, {}, [true], null],
};
const typed: { path: PathPart[]; kind: Kind }[] = [
  { path: ['filingType'], kind: 'string' },
  { path: ['lrn'], kind: 'string' },
  { path: ['officeOfFirstEntry'], kind: 'string' },
  { path: ['declarant', 'eori'], kind: 'string' },
  { path: ['declarant', 'name'], kind: 'string' },
  { path: ['transport', 'estimatedDeparture'], kind: 'string' },
  { path: [...C0, 'placeOfLoading'], kind: 'string' },
  { path: [...G0, 'hsCode'], kind: 'string' },
  { path: [...G0, 'description'], kind: 'string' },
  { path: [...G0, 'grossMassKg'], kind: 'number' },
  { path: [...G0, 'packages', 'count'], kind: 'number' },
  { path: [...G0, 'value', 'amount'], kind: 'number' },
  { path: ['declarant'], kind: 'object' },
  { path: ['transport'], kind: 'object' },
  { path: [...C0, 'consignor', 'address'], kind: 'object' },
  { path: [...C0, 'transportDocument'], kind: 'object' },
  { path: ['consignments'], kind: 'array' },
  { path: ['transport', 'routing'], kind: 'array' },
  { path: [...C0, 'goods'], kind: 'array' },
  { path: [...C0, 'containers'], kind: 'array' },
  { path: ['split'], kind: 'boolean' },
  { path: ['transport', 'shortHaul'], kind: 'boolean' },
];
for (const { path, kind } of typed) {
  for (const value of WRONG[kind]) {
    filing(
      `wrong type ${jsonPath(path)} = ${JSON.stringify(value)} (${kind} expected)`,
      (f) => setAt(f, path, value),
      {
        fieldCode: 'VIGIL_SCHEMA_TYPE',
        path: jsonPath(path),
      },
    );
  }
}
// Wrong type inside a list, and for the enum-typed field.
filing('wrong type in transport routing list', (f) => (f.transport.routing = ['CN', 7, 'NL']), {
  fieldCode: 'VIGIL_SCHEMA_TYPE',
  path: '$.transport.routing[1]',
});
filing('wrong type seal number', (f) => (f.consignments[0].containers[0].seals = [778899]), {
  fieldCode: 'VIGIL_SCHEMA_TYPE',
  path: '$.consignments[0].containers[0].seals[0]',
});
filing('wrong type goods item is a string', (f) => (f.consignments[0].goods = ['Smartphones']), {
  fieldCode: 'VIGIL_SCHEMA_TYPE',
  path: '$.consignments[0].goods[0]',
});
filing('wrong type transport mode = 1', (f) => (f.transport.mode = 1), {
  fieldCode: 'VIGIL_SCHEMA_TYPE',
  path: '$.transport.mode',
});
// The body itself is not an object.
for (const [what, body] of [
  ['null', 'null'],
  ['number', '42'],
  ['string', '"F10"'],
  ['array', '[]'],
  ['boolean', 'true'],
  ['array of filings', () => `[${JSON.stringify(maritime(new Date(), 'ARR-1'))}]`],
] as const) {
  request(
    `body is ${what}`,
    () => ({ body: typeof body === 'function' ? body() : body }),
    422,
    'VIGIL_FILING_INVALID',
    { fieldCode: 'VIGIL_SCHEMA_TYPE', path: '$' },
  );
}

// --- 3. Unknown fields at each level ------------------------------------------------------------------

const levels: PathPart[][] = [
  [],
  ['declarant'],
  ['transport'],
  [...C0],
  [...C0, 'transportDocument'],
  [...C0, 'consignor'],
  [...C0, 'consignor', 'address'],
  [...C0, 'consignee'],
  [...C0, 'containers', 0],
  [...G0],
  [...G0, 'packages'],
  [...G0, 'value'],
];
for (const level of levels) {
  filing(`unknown field at ${jsonPath(level)}`, (f) => setAt(f, [...level, 'remarks'], 'hi'), {
    fieldCode: 'VIGIL_SCHEMA_UNKNOWN_FIELD',
    path: jsonPath([...level, 'remarks']),
  });
}
filing(
  'unknown field in carrier',
  (f) => (f.carrier.vatNumber = 'CHE-123.456.789'),
  {
    fieldCode: 'VIGIL_SCHEMA_UNKNOWN_FIELD',
    path: '$.carrier.vatNumber',
  },
  house,
);
filing(
  'misspelt field name (filingtype)',
  (f) => {
    f.filingtype = f.filingType;
    delete f.filingType;
  },
  { fieldCode: 'VIGIL_SCHEMA_UNKNOWN_FIELD', path: '$.filingtype' },
);
filing(
  'snake_case field name (gross_mass_kg)',
  (f) => {
    const g = f.consignments[0].goods[0];
    g.gross_mass_kg = g.grossMassKg;
    delete g.grossMassKg;
  },
  { fieldCode: 'VIGIL_SCHEMA_UNKNOWN_FIELD', path: '$.consignments[0].goods[0].gross_mass_kg' },
);
filing('unknown field "constructor"', (f) => (f.constructor = { name: 'x' }), {
  fieldCode: 'VIGIL_SCHEMA_UNKNOWN_FIELD',
  path: '$.constructor',
});
request(
  'unknown field "__proto__" (raw JSON)',
  (now) => ({ body: validText(now, 'PROTO-1').replace('{', '{"__proto__":{"admin":true},') }),
  422,
  'VIGIL_FILING_INVALID',
  { fieldCode: 'VIGIL_SCHEMA_UNKNOWN_FIELD', path: '$.__proto__' },
);
request(
  'unknown field with a hyphen in its name',
  (now) => ({ body: validText(now, 'HYPHEN-1').replace('{', '{"x-extra":1,') }),
  422,
  'VIGIL_FILING_INVALID',
  { fieldCode: 'VIGIL_SCHEMA_UNKNOWN_FIELD', path: '$["x-extra"]' },
);

// --- 4. Identifiers ------------------------------------------------------------------------------------

const identifiers: { path: PathPart[]; values: string[]; fieldCode: string; base?: BaseFiling }[] = [
  {
    path: ['declarant', 'eori'],
    values: [
      'NL',
      'ZZ123456789',
      'GB12345678901',
      'GB1234567890123',
      'XI12345',
      'NL1234567890123456',
      'NL12345-6789',
      '123456789',
      'NLÉ23456789',
    ],
    fieldCode: 'R3005',
  },
  {
    path: [...C0, 'consignee', 'eori'],
    values: ['DE', 'QQ123', 'DE12345678901234567'],
    fieldCode: 'VIGIL_EORI_INVALID',
  },
  {
    path: ['carrier', 'eori'],
    values: ['CH_123456789', 'GB12345'],
    fieldCode: 'R3005',
    base: house,
  },
  {
    path: ['previousMrn'],
    values: [
      '22DK1V0QQK2S6J7TU2',
      '22ITZXBZYUTJFLJXK7',
      '22ITZXBZYUTJFLJXK',
      '22itzxbzyutjfljxk6',
      'XXITZXBZYUTJFLJXK6',
      '22ZZZXBZYUTJFLJXK6',
      '22ITZXBZYUTJFLJX16',
      '',
    ],
    fieldCode: 'R3004',
  },
  {
    path: [...G0, 'hsCode'],
    values: [
      '001234',
      '981234',
      '991234',
      '00000000',
      '12345',
      '1234567',
      '123456789',
      '12345678901',
      '85.17.13',
      '8517ab',
      '',
      ' 851713',
    ],
    fieldCode: 'VIGIL_HS_CODE_INVALID',
  },
  {
    path: [...C0, 'placeOfLoading'],
    values: ['CNSH', 'cnsha', 'ZZSHA', 'CNSH1', 'CNSHA1', 'CN SHA'],
    fieldCode: 'VIGIL_UNLOCODE_INVALID',
  },
  { path: [...C0, 'placeOfUnloading'], values: ['NLRT0', 'XXRTM'], fieldCode: 'VIGIL_UNLOCODE_INVALID' },
  {
    path: ['transport', 'nationality'],
    values: ['XX', 'pa', 'PAN', 'UK'],
    fieldCode: 'VIGIL_COUNTRY_INVALID',
  },
  { path: ['transport', 'routing', 1], values: ['EU', 'S'], fieldCode: 'VIGIL_COUNTRY_INVALID' },
  { path: [...C0, 'routing', 1], values: ['sg'], fieldCode: 'VIGIL_COUNTRY_INVALID' },
  {
    path: [...C0, 'consignee', 'address', 'country'],
    values: ['GER', 'D'],
    fieldCode: 'VIGIL_COUNTRY_INVALID',
  },
  { path: [...G0, 'origin'], values: ['C1', 'China'], fieldCode: 'VIGIL_COUNTRY_INVALID' },
  {
    path: [...C0, 'containers', 0, 'id'],
    values: [
      'MSCU1234567',
      'CSQU3054384',
      'MSCU123456',
      'MSCA1234566',
      'MS1U1234566',
      'mscu1234566',
      'MSCU 123456 6',
    ],
    fieldCode: 'R3021',
  },
  {
    path: ['officeOfFirstEntry'],
    values: ['NL00039', 'ZZ000396', 'nl000396', 'NL0003967', 'NL-00396'],
    fieldCode: 'VIGIL_OFFICE_INVALID',
  },
  {
    path: [...C0, 'transportDocument', 'ref'],
    values: ['176-12345670', '176-1234567', 'ABC-12345675', '176-123456759', '176-1234567X'],
    fieldCode: 'VIGIL_AWB_INVALID',
    base: air,
  },
];
for (const { path, values, fieldCode, base } of identifiers) {
  for (const value of values) {
    filing(
      `bad identifier ${jsonPath(path)} = ${JSON.stringify(value)}`,
      (f) => {
        setAt(f, path, value);
        if (path.includes('previousMrn')) {
          f.split = true;
        }
      },
      { fieldCode, path: jsonPath(path) },
      base,
    );
  }
}
filing(
  'master air waybill (N741) with a bad check digit',
  (f) => (f.consignments[0].transportDocument = { type: 'N741', ref: '176-12345676' }),
  {
    fieldCode: 'VIGIL_AWB_INVALID',
    path: '$.consignments[0].transportDocument.ref',
  },
  air,
);
filing(
  'house air filing whose master air waybill has a bad check digit',
  (f) => {
    f.filingType = 'F22';
    f.carrier = { name: 'Emirates SkyCargo', eori: 'AE1234567' };
    f.consignments[0].transportDocument = { type: 'N703', ref: 'HAWB-0001' };
    f.consignments[0].masterTransportDocument = { type: 'N741', ref: '176-12345676' };
  },
  { fieldCode: 'VIGIL_AWB_INVALID', path: '$.consignments[0].masterTransportDocument.ref' },
  air,
);

// Enumerations and fixed formats.
for (const mode of ['sea', 'Maritime', 'ship', '', 'inland waterway']) {
  filing(`transport mode ${JSON.stringify(mode)}`, (f) => (f.transport.mode = mode), {
    fieldCode: 'VIGIL_SCHEMA_VALUE',
    path: '$.transport.mode',
  });
}
for (const type of ['N999', 'BL', 'n705', '705']) {
  filing(
    `transport document type ${JSON.stringify(type)}`,
    (f) => (f.consignments[0].transportDocument.type = type),
    {
      fieldCode: 'VIGIL_SCHEMA_VALUE',
      path: '$.consignments[0].transportDocument.type',
    },
  );
}
for (const [path, values] of [
  [['filingType'], ['F1', 'f10', 'F100', '10F', 'ENS']],
  [['lrn'], ['ACME 2026', 'ACME#1', 'ÄCME-1']],
  [
    [...G0, 'value', 'currency'],
    ['eur', 'EURO', '€'],
  ],
  [
    [...G0, 'packages', 'type'],
    ['C', 'ct', 'CTN'],
  ],
] as const) {
  for (const value of values) {
    filing(`bad format ${jsonPath(path)} = ${JSON.stringify(value)}`, (f) => setAt(f, path, value), {
      fieldCode: 'VIGIL_SCHEMA_FORMAT',
      path: jsonPath(path),
    });
  }
}

// --- 5. Broken routing and other business rules ----------------------------------------------------

filing('R3013: routing starts in a transit country', (f) => (f.transport.routing = ['SG', 'NL']), {
  fieldCode: 'R3013',
  path: '$.transport.routing[0]',
});
filing('R3013: routing reversed', (f) => (f.transport.routing = ['NL', 'SG', 'CN']), {
  fieldCode: 'R3013',
  path: '$.transport.routing[0]',
});
filing(
  'R3013: loading moved to Singapore, routing still starts in China',
  (f) => {
    f.consignments[0].placeOfLoading = 'SGSIN';
  },
  { fieldCode: 'R3013', path: '$.transport.routing[0]' },
);
filing(
  'R3013: loading country not on the transport routing at all',
  (f) => {
    f.consignments[0].placeOfLoading = 'JPTYO';
    f.consignments[0].routing = ['JP', 'CN', 'SG', 'NL', 'DE'];
  },
  { fieldCode: 'R3013', path: '$.consignments[0].placeOfLoading' },
);
filing(
  'R3013: second consignment loaded off the routing',
  (f) => {
    f.consignments[1].placeOfLoading = 'KRPUS';
    f.consignments[1].routing = ['KR', 'NL'];
  },
  { fieldCode: 'R3013', path: '$.consignments[1].placeOfLoading' },
  twoConsignments,
);
filing('R3014: routing ends in a transit country', (f) => (f.transport.routing = ['CN', 'NL', 'SG']), {
  fieldCode: 'R3014',
  path: '$.transport.routing[2]',
});
filing(
  'R3014: routing runs on past the place of unloading',
  (f) => (f.transport.routing = ['CN', 'SG', 'NL', 'DE']),
  {
    fieldCode: 'R3014',
    path: '$.transport.routing[3]',
  },
);
filing(
  'R3014: unloading moved to Antwerp, off the routing',
  (f) => {
    f.consignments[0].placeOfUnloading = 'BEANR';
    f.consignments[0].routing = ['CN', 'SG', 'BE'];
  },
  { fieldCode: 'R3014', path: '$.consignments[0].placeOfUnloading' },
);
filing(
  'R3014: air routing ends at the origin',
  (f) => (f.transport.routing = ['AE', 'NL', 'AE']),
  {
    fieldCode: 'R3014',
    path: '$.transport.routing[2]',
  },
  air,
);
filing(
  'R3018: office of first entry in Germany, first EU country the Netherlands',
  (f) => (f.officeOfFirstEntry = 'DE004056'),
  {
    fieldCode: 'R3018',
    path: '$.transport.routing[2]',
  },
);
filing(
  'R3018: routing calls at Belgium before the Netherlands',
  (f) => {
    f.transport.routing = ['CN', 'SG', 'BE', 'NL'];
  },
  { fieldCode: 'R3018', path: '$.transport.routing[2]' },
);
filing(
  'R3018: routing never enters the EU',
  (f) => {
    f.transport.routing = ['CN', 'SG', 'GB'];
    f.consignments[0].placeOfUnloading = 'GBFXT';
    f.consignments[0].routing = ['CN', 'SG', 'GB'];
  },
  { fieldCode: 'R3018', path: '$.transport.routing' },
);
filing(
  'R3018: road filing with the office at the second EU country',
  (f) => {
    f.transport.routing = ['TR', 'GR', 'BG'];
  },
  { fieldCode: 'R3018', path: '$.transport.routing[1]' },
  road,
);
// R3022 (issue 17): the consignment's routing holds the countries of acceptance and delivery
// (formerly an invented check of the loading and unloading countries).
filing(
  'R3022: consignment routing lacks the country of acceptance',
  (f) => (f.consignments[0].placeOfAcceptance = 'HKHKG'),
  {
    fieldCode: 'R3022',
    path: '$.consignments[0].routing',
  },
);
filing(
  'R3022: consignment routing lacks the country of delivery',
  (f) => (f.consignments[0].placeOfDelivery = 'ATVIE'),
  {
    fieldCode: 'R3022',
    path: '$.consignments[0].routing',
  },
);
filing(
  'R3022: consignment routing lacks both',
  (f) => Object.assign(f.consignments[0], { placeOfAcceptance: 'HKHKG', placeOfDelivery: 'ATVIE' }),
  {
    fieldCode: 'R3022',
    path: '$.consignments[0].routing',
  },
);
filing(
  'R3022: second consignment routing lacks its country of delivery',
  (f) => Object.assign(f.consignments[1], { routing: ['CN', 'SG', 'NL'], placeOfDelivery: 'DEHAM' }),
  {
    fieldCode: 'R3022',
    path: '$.consignments[1].routing',
  },
  twoConsignments,
);
filing(
  'R3053: arrival a day before departure',
  (f, now) => (f.transport.estimatedArrival = at(now, 2 * DAY)),
  {
    fieldCode: 'R3053',
    path: '$.transport.estimatedArrival',
  },
);
filing(
  'R3053: arrival one second before departure',
  (f, now) => (f.transport.estimatedArrival = at(now, 3 * DAY - 1000)),
  {
    fieldCode: 'R3053',
    path: '$.transport.estimatedArrival',
  },
);
filing(
  'R3053: departure and arrival swapped',
  (f) => {
    const t = f.transport;
    [t.estimatedDeparture, t.estimatedArrival] = [t.estimatedArrival, t.estimatedDeparture];
  },
  { fieldCode: 'R3053', path: '$.transport.estimatedArrival' },
);
filing(
  'R3053: air arrival before departure across time zones',
  (f, now) => {
    f.transport.estimatedDeparture = new Date(now.getTime() + 2 * DAY).toISOString().replace('Z', '+00:00');
    f.transport.estimatedArrival = new Date(now.getTime() + 2 * DAY)
      .toISOString()
      .replace('Z', '-01:00')
      .replace(/T\d\d/, 'T06');
  },
  { fieldCode: 'R3053', path: '$.transport.estimatedArrival' },
  air,
);
// C3001 at header level (issue 17): split ⇒ previous MRN; no split ⇒ none.
filing('C3001: split consignment without previous MRN', (f) => (f.split = true), {
  fieldCode: 'C3001',
  path: '$.previousMrn',
});
filing(
  'C3001: split filing of two consignments without previous MRN',
  (f) => (f.split = true),
  {
    fieldCode: 'C3001',
    path: '$.previousMrn',
  },
  twoConsignments,
);
filing('C3001: previous MRN on a filing that is not split', (f) => (f.previousMrn = '22ITZXBZYUTJFLJXK6'), {
  fieldCode: 'C3001',
  path: '$.previousMrn',
});
filing(
  'duplicate transport document: consignment repeated',
  (f) => f.consignments.push(structuredClone(f.consignments[0])),
  {
    fieldCode: 'R3052',
    path: '$.consignments[1].transportDocument.ref',
  },
);
filing(
  'duplicate transport document: same bill with a dash',
  (f) => (f.consignments[1].transportDocument.ref = 'MAEU-123456789'),
  {
    fieldCode: 'R3052',
    path: '$.consignments[1].transportDocument.ref',
  },
  twoConsignments,
);
filing(
  'duplicate transport document: third repeats the first',
  (f) => {
    const third = structuredClone(f.consignments[1]);
    third.transportDocument.ref = 'MAEU123456789';
    f.consignments.push(third);
  },
  { fieldCode: 'R3052', path: '$.consignments[2].transportDocument.ref' },
  twoConsignments,
);
filing(
  'duplicate air waybill with and without dash',
  (f) => {
    const second = structuredClone(f.consignments[0]);
    second.transportDocument.ref = '17612345675';
    f.consignments.push(second);
  },
  { fieldCode: 'R3052', path: '$.consignments[1].transportDocument.ref' },
  air,
);
filing(
  'duplicate transport document differing only in letter case',
  (f) => (f.consignments[1].transportDocument.ref = 'maeu123456789'),
  {
    fieldCode: 'R3052',
    path: '$.consignments[1].transportDocument.ref',
  },
  twoConsignments,
);

// --- 6. Vague descriptions (whole description from data/vague-descriptions.json) ----------------------

const VAGUE_TERMS: readonly string[] = vagueData.terms;
const sampled = VAGUE_TERMS.filter((_, i) => i % 4 === 0);
for (const term of sampled) {
  filing(
    `vague description ${JSON.stringify(term)}`,
    (f) => (f.consignments[0].goods[0].description = term),
    {
      fieldCode: 'VIGIL_DESCRIPTION_VAGUE',
      path: '$.consignments[0].goods[0].description',
    },
  );
}
for (const description of [
  'GENERAL CARGO',
  'Parts.',
  'Said to contain: spare parts',
  '10 cartons',
  'gifts and samples',
  'Various, misc.',
  'STC',
]) {
  filing(
    `vague description variant ${JSON.stringify(description)}`,
    (f) => (f.consignments[0].goods[0].description = description),
    {
      fieldCode: 'VIGIL_DESCRIPTION_VAGUE',
      path: '$.consignments[0].goods[0].description',
    },
  );
}
filing(
  'vague description on the second goods item',
  (f) => {
    f.consignments[0].goods.push({ ...f.consignments[0].goods[0], description: 'freight all kinds' });
  },
  { fieldCode: 'VIGIL_DESCRIPTION_VAGUE', path: '$.consignments[0].goods[1].description' },
);

// --- 7. Lodging deadlines -------------------------------------------------------------------------------

const late: { name: string; base: BaseFiling; set: (t: Json, now: Date) => void }[] = [
  {
    name: 'maritime container, 23 h before loading',
    base: maritime,
    set: (t, now) => (t.estimatedDeparture = at(now, 23 * HOUR)),
  },
  {
    name: 'maritime container, 1 s inside 24 h',
    base: maritime,
    set: (t, now) => (t.estimatedDeparture = at(now, 24 * HOUR - 1000)),
  },
  {
    name: 'maritime container, departed yesterday',
    base: maritime,
    set: (t, now) => (t.estimatedDeparture = at(now, -DAY)),
  },
  {
    name: 'maritime declared containerised without container list',
    base: bulk,
    set: (t, now) => {
      t.containerised = true;
      t.estimatedDeparture = at(now, 2 * HOUR);
    },
  },
  {
    name: 'maritime bulk, 3 h before arrival',
    base: bulk,
    set: (t, now) => (t.estimatedArrival = at(now, 3 * HOUR)),
  },
  {
    name: 'short-sea bulk, 1 h before arrival',
    base: bulk,
    set: (t, now) => {
      t.shortHaul = true;
      t.estimatedArrival = at(now, HOUR);
    },
  },
  {
    name: 'air long-haul, 3 h 59 min before arrival',
    base: air,
    set: (t, now) => {
      t.estimatedDeparture = at(now, -4 * HOUR);
      t.estimatedArrival = at(now, 4 * HOUR - 60_000);
    },
  },
  {
    name: 'air long-haul, arrived already',
    base: air,
    set: (t, now) => {
      t.estimatedDeparture = at(now, -10 * HOUR);
      t.estimatedArrival = at(now, -HOUR);
    },
  },
  {
    name: 'air short-haul, after departure',
    base: airShort,
    set: (t, now) => (t.estimatedDeparture = at(now, -60_000)),
  },
  {
    name: 'express long-haul, 2 h before arrival',
    base: expressLong,
    set: (t, now) => {
      t.actualDeparture = at(now, -6 * HOUR);
      t.estimatedArrival = at(now, 2 * HOUR);
    },
  },
  {
    name: 'express short-haul, after departure',
    base: express,
    set: (t, now) => (t.actualDeparture = at(now, -HOUR)),
  },
  {
    name: 'rail, 1 h 59 min before arrival',
    base: rail,
    set: (t, now) => (t.estimatedArrival = at(now, 2 * HOUR - 60_000)),
  },
  {
    name: 'road, 30 min before arrival',
    base: road,
    set: (t, now) => (t.estimatedArrival = at(now, 30 * 60_000)),
  },
  {
    name: 'inland waterway, 1 h before arrival',
    base: inland,
    set: (t, now) => (t.estimatedArrival = at(now, HOUR)),
  },
];
for (const { name, base, set } of late) {
  filing(
    `lodged late: ${name}`,
    (f, now) => set(f.transport, now),
    { fieldCode: 'VIGIL_LODGED_LATE', path: '$.transport' },
    base,
  );
}
for (const days of [201, 365, 3650]) {
  filing(
    `lodged too early: departure in ${days} days`,
    (f, now) => {
      f.transport.estimatedDeparture = at(now, days * DAY);
      f.transport.estimatedArrival = at(now, (days + 11) * DAY);
    },
    { fieldCode: 'VIGIL_LODGED_TOO_EARLY', path: '$.transport.estimatedDeparture' },
  );
}

// --- 8. Filing types ----------------------------------------------------------------------------------

for (const type of ['F99', 'F60', 'H10']) {
  filing(`filing type ${type} not in the catalogue`, (f) => (f.filingType = type), {
    fieldCode: 'VIGIL_FILING_TYPE_UNKNOWN',
    path: '$.filingType',
  });
}
for (const [type, base, label] of [
  ['F20', maritime, 'air type on a maritime filing'],
  ['F10', air, 'maritime type on an air filing'],
  ['F50', rail, 'road type on a rail filing'],
  ['F51', road, 'rail type on a road filing'],
  ['F30', air, 'express type on an air filing'],
  ['F40', expressLong, 'postal type on an express filing'],
] as const) {
  filing(
    `filing type ${type}: ${label}`,
    (f) => (f.filingType = type),
    { fieldCode: 'VIGIL_FILING_TYPE_MODE', path: '$.filingType' },
    base,
  );
}
filing(
  'house filing (F15) without carrier',
  (f) => delete f.carrier,
  {
    fieldCode: 'VIGIL_MASTER_DOCUMENT_REQUIRED',
    path: '$.carrier.eori',
  },
  house,
);
filing(
  'house filing (F15) with a carrier but no carrier EORI',
  (f) => delete f.carrier.eori,
  {
    fieldCode: 'VIGIL_MASTER_DOCUMENT_REQUIRED',
    path: '$.carrier.eori',
  },
  house,
);
filing(
  'house filing (F15) without master transport document',
  (f) => delete f.consignments[0].masterTransportDocument,
  {
    fieldCode: 'VIGIL_MASTER_DOCUMENT_REQUIRED',
    path: '$.consignments[0].masterTransportDocument',
  },
  house,
);
filing(
  'master filing (F12) without carrier EORI',
  (f) => {
    f.filingType = 'F12';
    delete f.consignments[0].routing;
  },
  { fieldCode: 'VIGIL_MASTER_DOCUMENT_REQUIRED', path: '$.carrier.eori' },
);
filing(
  'house air filing (F22) without master air waybill',
  (f) => {
    f.filingType = 'F22';
    f.carrier = { name: 'Emirates SkyCargo', eori: 'AE1234567' };
    f.consignments[0].transportDocument = { type: 'N703', ref: 'HAWB-0002' };
  },
  { fieldCode: 'VIGIL_MASTER_DOCUMENT_REQUIRED', path: '$.consignments[0].masterTransportDocument' },
  air,
);

// --- 9. Lengths and numbers --------------------------------------------------------------------------

const long = (n: number): string => 'A'.repeat(n);
for (const [path, max] of [
  [['lrn'], 22],
  [['declarant', 'name'], 70],
  [[...C0, 'consignor', 'name'], 70],
  [[...C0, 'consignee', 'name'], 70],
  [[...C0, 'consignor', 'address', 'street'], 70],
  [[...C0, 'consignor', 'address', 'city'], 35],
  [[...C0, 'consignee', 'address', 'postcode'], 17],
  [[...G0, 'description'], 512],
  [[...C0, 'transportDocument', 'ref'], 70],
  [[...C0, 'containers', 0, 'seals', 0], 20],
  [['transport', 'meansId'], 35],
  [['transport', 'conveyanceRef'], 17],
  [['declarant', 'eori'], 40],
] as const) {
  filing(`too long ${jsonPath(path)} (${max + 1} characters)`, (f) => setAt(f, path, long(max + 1)), {
    fieldCode: 'VIGIL_SCHEMA_TOO_BIG',
    path: jsonPath(path),
  });
}
for (const [path, value, fieldCode] of [
  [[...G0, 'grossMassKg'], -1, 'VIGIL_SCHEMA_TOO_SMALL'],
  [[...G0, 'grossMassKg'], 0, 'VIGIL_SCHEMA_TOO_SMALL'],
  [[...G0, 'grossMassKg'], -0.001, 'VIGIL_SCHEMA_TOO_SMALL'],
  [[...G0, 'grossMassKg'], 1e10, 'VIGIL_SCHEMA_TOO_BIG'],
  [[...G0, 'packages', 'count'], 0, 'VIGIL_SCHEMA_TOO_SMALL'],
  [[...G0, 'packages', 'count'], -3, 'VIGIL_SCHEMA_TOO_SMALL'],
  [[...G0, 'packages', 'count'], 2.5, 'VIGIL_SCHEMA_TYPE'],
  [[...G0, 'packages', 'count'], 1e10, 'VIGIL_SCHEMA_TOO_BIG'],
  [[...G0, 'value', 'amount'], -0.01, 'VIGIL_SCHEMA_TOO_SMALL'],
  [[...G0, 'value', 'amount'], 1e14, 'VIGIL_SCHEMA_TOO_BIG'],
] as const) {
  filing(`out of range ${jsonPath(path)} = ${value}`, (f) => setAt(f, path, value), {
    fieldCode,
    path: jsonPath(path),
  });
}
request(
  'gross mass 1e400 (Infinity after parsing)',
  (now) => ({ body: validText(now, 'INF-1').replace('"grossMassKg":1250.5', '"grossMassKg":1e400') }),
  422,
  'VIGIL_FILING_INVALID',
  { fieldCode: 'VIGIL_SCHEMA_TYPE', path: '$.consignments[0].goods[0].grossMassKg' },
);

// --- 10. Dates ------------------------------------------------------------------------------------------

for (const value of [
  '2027-02-30T10:00:00Z',
  '2027-02-23',
  '2027-02-23T10:00:00',
  '2027-02-23 10:00:00Z',
  'tomorrow',
  '2027-02-23T25:00:00Z',
  '23/02/2027 10:00',
]) {
  filing(
    `bad date-time estimatedDeparture = ${JSON.stringify(value)}`,
    (f) => (f.transport.estimatedDeparture = value),
    {
      fieldCode: 'VIGIL_DATE_INVALID',
      path: '$.transport.estimatedDeparture',
    },
  );
}
filing(
  'date-time as epoch milliseconds',
  (f, now) => (f.transport.estimatedArrival = now.getTime() + 14 * DAY),
  {
    fieldCode: 'VIGIL_SCHEMA_TYPE',
    path: '$.transport.estimatedArrival',
  },
);

// --- 11. Request level: JSON, content type, size, nesting, huge arrays, tokens --------------------------

const notJson: [string, (now: Date) => string][] = [
  ['truncated', (now) => validText(now, 'J-1').slice(0, 200)],
  ['trailing comma in object', (now) => validText(now, 'J-2').replace(/}$/, ',}')],
  ['trailing comma in array', (now) => validText(now, 'J-3').replace('"NL"]', '"NL",]')],
  ['single quotes', (now) => validText(now, 'J-4').replaceAll('"', "'")],
  ['empty body', () => ''],
  ['whitespace only', () => ' \n\t '],
  ['NaN', (now) => validText(now, 'J-5').replace('1250.5', 'NaN')],
  ['Infinity literal', (now) => validText(now, 'J-6').replace('1250.5', 'Infinity')],
  ['undefined literal', (now) => validText(now, 'J-7').replace('"origin":"CN"', '"origin":undefined')],
  ['comment', (now) => `// ENS\n${validText(now, 'J-8')}`],
  ['unquoted keys', () => '{filingType:"F10"}'],
  ['byte order mark', (now) => `\ufeff${validText(now, 'J-9')}`],
  ['trailing garbage', (now) => `${validText(now, 'J-10')}x`],
  ['two objects', (now) => validText(now, 'J-11') + validText(now, 'J-12')],
  ['hex number', (now) => validText(now, 'J-13').replace('"count":250', '"count":0xFA')],
  ['leading zero', (now) => validText(now, 'J-14').replace('"count":250', '"count":0250')],
  ['raw newline inside a string', (now) => validText(now, 'J-15').replace('Smartphones,', 'Smartphones\n')],
  ['bad escape', (now) => validText(now, 'J-16').replace('Smartphones', 'Smart\\xphones')],
  ['lone opening brace', () => '{'],
  ['XML sent as JSON', () => '<ens><lrn>X</lrn></ens>'],
];
for (const [name, body] of notJson) {
  request(`invalid JSON: ${name}`, (now) => ({ body: body(now) }), 400, 'VIGIL_BODY_NOT_JSON');
}

for (const contentType of [
  'text/plain',
  'application/x-www-form-urlencoded',
  'text/xml',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'text/json',
  'application/jsonx',
  'application/problem+json',
]) {
  request(
    `content type ${contentType}`,
    (now) => ({ body: validText(now, 'CT-1'), contentType }),
    415,
    'VIGIL_UNSUPPORTED_MEDIA_TYPE',
  );
}
// ICS2 XML is accepted as application/xml (src/intake/ics2-xml): a JSON body sent as XML is not XML.
request(
  'content type application/xml with a JSON body',
  (now) => ({ body: validText(now, 'CT-3'), contentType: 'application/xml' }),
  400,
  'VIGIL_XML_MALFORMED',
);
request(
  'no content type with a JSON body',
  (now) => ({ body: validText(now, 'CT-2'), contentType: null }),
  415,
  'VIGIL_UNSUPPORTED_MEDIA_TYPE',
);
request(
  'no content type and no body',
  () => ({ body: undefined, contentType: null }),
  415,
  'VIGIL_UNSUPPORTED_MEDIA_TYPE',
  {},
);

const MiB = 1024 * 1024;
request(
  'oversize: valid filing padded past 1 MiB',
  (now) => ({ body: validText(now, 'BIG-1') + ' '.repeat(MiB) }),
  413,
  'VIGIL_BODY_TOO_LARGE',
);
request(
  'oversize: 2 MiB goods description',
  (now) => {
    const f = maritime(now, 'BIG-2');
    f.consignments[0].goods[0].description = 'x'.repeat(2 * MiB);
    return { body: f };
  },
  413,
  'VIGIL_BODY_TOO_LARGE',
);
request(
  'oversize: 20,000 goods items',
  (now) => {
    const f = maritime(now, 'BIG-3');
    f.consignments[0].goods = Array.from({ length: 20_000 }, () => f.consignments[0].goods[0]);
    return { body: f };
  },
  413,
  'VIGIL_BODY_TOO_LARGE',
);
request(
  'oversize: invalid JSON past 1 MiB',
  () => ({ body: `{"lrn":"${'x'.repeat(MiB)}` }),
  413,
  'VIGIL_BODY_TOO_LARGE',
);

// Refused before parsing, past VIGIL_BODY_MAX_DEPTH (32 by default).
const nested = (open: string, close: string, n: number): string => open.repeat(n) + close.repeat(n);
request(
  'deeply nested: 100,000 arrays as the body',
  () => ({ body: nested('[', ']', 100_000) }),
  400,
  'VIGIL_BODY_TOO_DEEP',
);
request(
  'deeply nested: 100,000 objects under an unknown key',
  () => ({ body: `{"x":${nested('{"a":', '}', 100_000).replace('{"a":}', '{"a":1}')}}` }),
  400,
  'VIGIL_BODY_TOO_DEEP',
);
request(
  'deeply nested: 100,000 arrays as the declarant',
  (now) => ({
    body: validText(now, 'DEEP-1').replace(
      /"declarant":\{[^}]*\}/,
      `"declarant":${nested('[', ']', 100_000)}`,
    ),
  }),
  400,
  'VIGIL_BODY_TOO_DEEP',
);
request(
  'deeply nested: 100,000 arrays as a goods description',
  (now) => ({
    body: validText(now, 'DEEP-2').replace('"Smartphones, 128GB, boxed"', nested('[', ']', 100_000)),
  }),
  400,
  'VIGIL_BODY_TOO_DEEP',
);
request(
  'deeply nested: 600,000 arrays (over the size limit)',
  () => ({ body: nested('[', ']', 600_000) }),
  413,
  'VIGIL_BODY_TOO_LARGE',
);

const huge: [string, PathPart[], (f: Json) => unknown][] = [
  ['10,000 consignments', ['consignments'], () => Array.from({ length: 10_000 }, () => ({}))],
  ['1,000 consignments', ['consignments'], (f) => Array.from({ length: 1000 }, () => f.consignments[0])],
  [
    '10,000 goods items',
    [...G0.slice(0, 3)],
    () =>
      Array.from({ length: 10_000 }, () => ({
        hsCode: '851713',
        description: 'Smartphones',
        grossMassKg: 1,
      })),
  ],
  [
    '10,000 containers',
    [...C0, 'containers'],
    () => Array.from({ length: 10_000 }, () => ({ id: 'MSCU1234566' })),
  ],
  [
    '10,000 seals',
    [...C0, 'containers', 0, 'seals'],
    () => Array.from({ length: 10_000 }, (_, i) => `S${i}`),
  ],
  ['10,000 routing countries', ['transport', 'routing'], () => Array.from({ length: 10_000 }, () => 'NL')],
  [
    '100 routing countries',
    ['transport', 'routing'],
    () => ['CN', ...Array.from({ length: 98 }, () => 'SG'), 'NL'],
  ],
  [
    '10,000 consignment routing countries',
    [...C0, 'routing'],
    () => Array.from({ length: 10_000 }, () => 'CN'),
  ],
];
for (const [name, path, make] of huge) {
  filing(`huge array: ${name}`, (f) => setAt(f, path, make(f)), {
    fieldCode: 'VIGIL_SCHEMA_TOO_BIG',
    path: jsonPath(path),
  });
}

/** An HS256 token signed with a key that is not this instance's: well formed, never valid. */
function forgedToken(payload: object, alg = 'HS256'): string {
  const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${b64({ alg, typ: 'JWT' })}.${b64(payload)}`;
  const sig = alg === 'none' ? '' : createHmac('sha256', 'not-the-secret').update(head).digest('base64url');
  return `${head}.${sig}`;
}
const FAR = 4_102_444_800; // 2100-01-01
const claims = { sub: 'acme', authority: 'NL', role: 'filer', exp: FAR };
for (const [name, authorization] of [
  ['no Authorization header', null],
  ['Basic credentials', 'Basic YWNtZTpzZWNyZXQ='],
  ['Bearer without a token', 'Bearer '],
  ['token without the Bearer scheme', forgedToken(claims)],
  ['garbage token', 'Bearer not.a.token'],
  ['token signed with another key', `Bearer ${forgedToken(claims)}`],
  ['unsigned token (alg none)', `Bearer ${forgedToken(claims, 'none')}`],
] as const) {
  request(
    `auth: ${name}`,
    (now) => ({ body: validText(now, 'AUTH-1'), authorization }),
    401,
    'VIGIL_UNAUTHENTICATED',
  );
}
request(
  'auth: expired token',
  (now) => ({ body: validText(now, 'AUTH-2'), token: { role: 'filer', ttlSeconds: -60 } }),
  401,
  'VIGIL_UNAUTHENTICATED',
);
for (const role of ['analyst', 'officer', 'auditor'] as const) {
  request(
    `auth: ${role} may not lodge`,
    (now) => ({ body: validText(now, `AUTH-${role}`), token: { role } }),
    403,
    'VIGIL_FORBIDDEN',
  );
}

// --- 12. Text PostgreSQL cannot store -------------------------------------------------------------------

filing(
  'NUL character in a goods description',
  (f) => (f.consignments[0].goods[0].description = 'Smartphones\u0000, boxed'),
  {
    fieldCode: 'VIGIL_SCHEMA_FORMAT',
  },
);
filing('NUL character in an invalid LRN', (f) => (f.lrn = 'ACME\u00001'), {
  fieldCode: 'VIGIL_SCHEMA_FORMAT',
  path: '$.lrn',
});
filing('lone surrogate in a party name', (f) => (f.declarant.name = 'Acme \ud800 BV'), {
  fieldCode: 'VIGIL_SCHEMA_FORMAT',
});

export const MALFORMED_CASES: readonly MalformedCase[] = Object.freeze(cases);
