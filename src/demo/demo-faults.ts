/**
 * Breaks a valid filing in exactly one way, the way filers' systems really get it wrong (a missing field,
 * a number sent as text, a mistyped check digit, a routing that forgets a port, a late lodging …), and
 * says which error code the intake validator must answer with. Each fault touches one field and keeps
 * every other rule satisfied, so the expected code is the only one.
 */
import { EU_COUNTRIES, FILING_TYPES } from '../domain/reference-data.ts';
import { BORDER_OFFICE_BY_COUNTRY, OFFICE_BY_PLACE } from './demo-places.ts';
import { countryOf, isoTime } from './demo-scenarios.ts';
import type { FilingBody, TransportDocumentBody } from './demo-types.ts';
import { digits } from './prng.ts';
import type { Rng } from './prng.ts';

export const DEMO_ERROR_CODES = [
  'VIGIL_SCHEMA_REQUIRED',
  'VIGIL_SCHEMA_TYPE',
  'VIGIL_EORI_INVALID',
  'R3021',
  'VIGIL_AWB_INVALID',
  'VIGIL_HS_CODE_INVALID',
  'VIGIL_UNLOCODE_INVALID',
  'VIGIL_COUNTRY_INVALID',
  'R3013',
  'R3014',
  'R3018',
  'R3053',
  'C3001',
  'VIGIL_DESCRIPTION_VAGUE',
  'VIGIL_LODGED_LATE',
  'R3052',
] as const;
export type DemoErrorCode = (typeof DEMO_ERROR_CODES)[number];

interface Fault {
  readonly applies: (b: FilingBody) => boolean;
  readonly apply: (rng: Rng, b: FilingBody, now: Date) => void;
}

const HOUR = 3_600_000;
const ALWAYS = (): boolean => true;
/** The rules on the active means and its itinerary apply to a filing that has one (issue 17). */
const WITH_TRANSPORT = (b: FilingBody): boolean => b.transport !== undefined;

/** Descriptions made only of vague terms (data/vague-descriptions.json) and filler words. */
const VAGUE_DESCRIPTIONS = [
  'General cargo',
  'Said to contain: spare parts',
  'FAK',
  'Freight all kinds',
  'Consolidated cargo',
  'Gifts',
  'Various goods',
  'Parts and accessories',
  'Samples',
  'Household goods',
  'As per invoice',
  'STC general merchandise',
];

/** Outside the EU, used to lengthen a routing at one end. */
const NON_EU_START = ['SG', 'LK', 'AE', 'OM', 'MA', 'KR', 'JP', 'TR', 'CN', 'IN', 'US', 'EG'];
const NON_EU_END = ['GB', 'NO', 'CH', 'IS', 'RS'];

const pickSpot = <T>(rng: Rng, spots: readonly T[]): T => rng.pick(spots);

function goodsSpots(b: FilingBody): (readonly [number, number])[] {
  return b.consignments.flatMap((c, ci) => c.goods.map((_, gi) => [ci, gi] as const));
}

function awbDocs(b: FilingBody): TransportDocumentBody[] {
  return b.consignments.flatMap((c) =>
    [c.transportDocument, c.masterTransportDocument].filter(
      (d): d is TransportDocumentBody => d !== undefined && (d.type === 'N740' || d.type === 'N741'),
    ),
  );
}

function wrongLastDigit(rng: Rng, s: string): string {
  const d = Number(s[s.length - 1]);
  return s.slice(0, -1) + String((d + rng.int(1, 6)) % 10);
}

const minute = (ms: number): number => Math.ceil(ms / 60_000) * 60_000;

/** Rewrites departure and arrival so the filing misses its mode's lodging deadline (DESIGN §3). */
function lodgeLate(rng: Rng, b: FilingBody, now: Date): void {
  const t = b.transport!;
  const n = now.getTime();
  const dep0 = Date.parse(t.estimatedDeparture!);
  const duration = Date.parse(t.estimatedArrival) - dep0;
  const containerised = t.containerised ?? b.consignments.some((c) => (c.containers ?? []).length > 0);
  let dep: number;
  let arr: number;
  switch (t.mode) {
    case 'maritime':
      if (containerised) {
        // Filed a few hours before loading instead of 24.
        dep = minute(n + rng.float(1, 20) * HOUR);
        arr = dep + duration;
      } else {
        arr = minute(n + rng.float(0.2, t.shortHaul === true ? 1.5 : 3.5) * HOUR);
        dep = arr - duration;
      }
      break;
    case 'air':
    case 'postal':
    case 'express':
      if (t.shortHaul === true) {
        dep = minute(n - rng.float(0.3, 1.5) * HOUR);
        arr = dep + duration;
      } else {
        arr = minute(n + rng.float(0.3, 3.5) * HOUR);
        dep = arr - duration;
      }
      break;
    case 'rail':
    case 'inland-waterway':
      arr = minute(n + rng.float(0.2, 1.7) * HOUR);
      dep = arr - duration;
      break;
    case 'road':
      arr = minute(n + rng.float(0.1, 0.8) * HOUR);
      dep = arr - duration;
      break;
  }
  t.estimatedDeparture = isoTime(dep);
  t.estimatedArrival = isoTime(arr);
}

const FAULTS: Readonly<Record<DemoErrorCode, Fault>> = {
  VIGIL_SCHEMA_REQUIRED: {
    applies: ALWAYS,
    apply: (rng, b) => {
      const c = rng.pick(b.consignments);
      switch (rng.int(0, 3)) {
        case 0:
          delete (b.declarant as { name?: string }).name;
          break;
        case 1: {
          const g = rng.pick(c.goods) as { grossMassKg?: number };
          delete g.grossMassKg;
          break;
        }
        case 2:
          delete (c.consignor as { address?: unknown }).address;
          break;
        default:
          delete (c.transportDocument as { ref?: string }).ref;
      }
    },
  },
  VIGIL_SCHEMA_TYPE: {
    applies: ALWAYS,
    apply: (rng, b) => {
      const c = rng.pick(b.consignments);
      const g = rng.pick(c.goods);
      switch (rng.int(0, 2)) {
        case 0:
          (g as unknown as Record<string, unknown>)['grossMassKg'] = String(g.grossMassKg);
          break;
        case 1:
          if (g.packages !== undefined) {
            (g.packages as unknown as Record<string, unknown>)['count'] = String(g.packages.count);
            break;
          }
          (g as unknown as Record<string, unknown>)['grossMassKg'] = `${g.grossMassKg} kg`;
          break;
        default:
          if (c.routing === undefined) {
            (g as unknown as Record<string, unknown>)['grossMassKg'] = [g.grossMassKg];
            break;
          }
          (c as unknown as Record<string, unknown>)['routing'] = c.routing.join(',');
      }
    },
  },
  VIGIL_EORI_INVALID: {
    applies: ALWAYS,
    apply: (rng, b) => {
      switch (rng.int(0, 2)) {
        case 0:
          // A UK VAT number used as-is: 9 digits, but GB EORIs have 12 or 15.
          b.declarant.eori = `GB${digits(rng, 9)}`;
          break;
        case 1:
          b.declarant.eori = `${b.declarant.eori}${digits(rng, 17 - b.declarant.eori.length + 1)}`;
          break;
        default:
          b.declarant.eori = `UK${b.declarant.eori.slice(2)}`;
      }
    },
  },
  R3021: {
    applies: (b) => b.consignments.some((c) => (c.containers ?? []).length > 0),
    apply: (rng, b) => {
      const c = rng.pick(b.consignments.filter((x) => (x.containers ?? []).length > 0));
      const k = rng.pick(c.containers!);
      k.id = wrongLastDigit(rng, k.id);
    },
  },
  VIGIL_AWB_INVALID: {
    applies: (b) => awbDocs(b).length > 0,
    apply: (rng, b) => {
      const d = rng.pick(awbDocs(b));
      d.ref = wrongLastDigit(rng, d.ref);
    },
  },
  VIGIL_HS_CODE_INVALID: {
    applies: ALWAYS,
    apply: (rng, b) => {
      const [ci, gi] = pickSpot(rng, goodsSpots(b));
      const g = b.consignments[ci]!.goods[gi]!;
      const hs = g.hsCode;
      g.hsCode = rng.pick([
        hs.slice(0, 4),
        `99${hs.slice(2, 6)}`,
        `${hs.slice(0, 6)}1`,
        `00${hs.slice(2, 6)}`,
      ]);
    },
  },
  VIGIL_UNLOCODE_INVALID: {
    applies: (b) =>
      b.consignments.some((c) => c.placeOfLoading !== undefined && c.placeOfUnloading !== undefined),
    apply: (rng, b) => {
      const c = rng.pick(
        b.consignments.filter((x) => x.placeOfLoading !== undefined && x.placeOfUnloading !== undefined),
      );
      const field = rng.chance(0.5) ? 'placeOfLoading' : 'placeOfUnloading';
      const code = c[field]!;
      c[field] = rng.pick([
        `${code.slice(0, 2)} ${code.slice(2)}`,
        `${code.slice(0, 4)}0`,
        code.toLowerCase(),
      ]);
    },
  },
  VIGIL_COUNTRY_INVALID: {
    applies: ALWAYS,
    apply: (rng, b) => {
      const c = rng.pick(b.consignments);
      const withOrigin = c.goods.filter((g) => g.origin !== undefined);
      if (withOrigin.length > 0 && rng.chance(0.5)) {
        rng.pick(withOrigin).origin = rng.pick(['UK', 'EU', 'XX']);
      } else {
        c.consignor.address.country =
          c.consignor.address.country === 'GB' ? 'UK' : c.consignor.address.country.toLowerCase();
      }
    },
  },
  R3013: {
    applies: WITH_TRANSPORT,
    apply: (rng, b) => {
      const loading = new Set(b.consignments.map((c) => countryOf(c.placeOfLoading ?? '')));
      const t = b.transport!;
      t.routing.unshift(rng.pick(NON_EU_START.filter((x) => !loading.has(x) && x !== t.routing[0])));
    },
  },
  R3014: {
    applies: WITH_TRANSPORT,
    apply: (rng, b) => {
      const r = b.transport!.routing;
      r.push(rng.pick(NON_EU_END.filter((x) => x !== r[r.length - 1])));
    },
  },
  R3018: {
    applies: (b) => b.transport !== undefined && b.officeOfFirstEntry !== undefined,
    apply: (rng, b) => {
      const firstEu = b.transport!.routing.find((c) => EU_COUNTRIES.has(c));
      const offices = [...Object.values(OFFICE_BY_PLACE), ...Object.values(BORDER_OFFICE_BY_COUNTRY)];
      b.officeOfFirstEntry = rng.pick(offices.filter((o) => o.slice(0, 2) !== firstEu));
    },
  },
  R3053: {
    applies: WITH_TRANSPORT,
    apply: (rng, b) => {
      const dep = Date.parse(b.transport!.estimatedDeparture!);
      // Dates swapped or a typo in the hour: arrival before departure, deadlines still met.
      b.transport!.estimatedArrival = isoTime(minute(dep - rng.float(1, 6) * HOUR));
    },
  },
  // C3001 at header level: a split filing without the previous MRN, for the types whose data set has
  // the split consignment indicator (DE 11 06 001).
  C3001: {
    applies: (b) =>
      b.previousMrn === undefined &&
      FILING_TYPES.get(b.filingType)?.presenceOf('11 06 001 000') !== undefined,
    apply: (_rng, b) => {
      b.split = true;
    },
  },
  VIGIL_DESCRIPTION_VAGUE: {
    applies: ALWAYS,
    apply: (rng, b) => {
      const [ci, gi] = pickSpot(rng, goodsSpots(b));
      b.consignments[ci]!.goods[gi]!.description = rng.pick(VAGUE_DESCRIPTIONS);
    },
  },
  VIGIL_LODGED_LATE: { applies: WITH_TRANSPORT, apply: lodgeLate },
  R3052: {
    applies: ALWAYS,
    apply: (rng, b) => {
      if (b.consignments.length >= 2) {
        const i = rng.int(1, b.consignments.length - 1);
        b.consignments[i]!.transportDocument = { ...b.consignments[0]!.transportDocument };
      } else {
        // The same bill sent twice in one filing.
        b.consignments.push(structuredClone(b.consignments[0]!));
      }
    },
  },
};

/** Breaks `body` (mutating it) with one fault chosen among those that fit; returns its error code. */
export function breakFiling(rng: Rng, body: FilingBody, now: Date): DemoErrorCode {
  const code = rng.pick(DEMO_ERROR_CODES.filter((c) => FAULTS[c].applies(body)));
  FAULTS[code].apply(rng, body, now);
  return code;
}
