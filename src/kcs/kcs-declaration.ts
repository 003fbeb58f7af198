/**
 * The mapping between a Korea Customs Service declaration row (src/learning/kcs-reader.ts) and a
 * Vigil import declaration, both ways: a KCS row becomes an H1 declaration with its parties, one goods
 * item and the KCS codes kept verbatim; a declaration becomes one model row per goods item, so the
 * fraud model scores a lodged declaration exactly as it scored the rows it was trained on. The
 * round trip row → declaration → row is lossless for every field the model reads (tested).
 */
import { dayNumber } from './kcs-reader.ts';
import type { TransportMode } from '../domain/index.ts';
import type {
  ImportDeclaration,
  ImportDeclarationInput,
  ImportParty,
} from '../import-declarations/import.schema.ts';
import { toEur } from '../domain/index.ts';
import type { KcsRow } from './kcs-reader.ts';

/**
 * KCS transport-mode codes as we read the UNI-PASS code list: 10 sea, 20 rail, 30 road, 40 air,
 * 50 post. Other codes (80, 90) get no Vigil mode; the code itself is always kept.
 */
export const KCS_MODES: Readonly<Record<string, TransportMode>> = Object.freeze({
  '10': 'maritime',
  '20': 'rail',
  '30': 'road',
  '40': 'air',
  '50': 'postal',
});

const MODE_CODES: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(Object.entries(KCS_MODES).map(([c, m]) => [m, c])),
);

/** A KCS office number as a Vigil customs office reference: KR + six digits ('40' → 'KR000040'). */
export function kcsOffice(office: string): string {
  return /^\d{1,6}$/.test(office) ? `KR${office.padStart(6, '0')}` : office;
}

function party(id: string): { id: string } | undefined {
  return id === '' ? undefined : { id };
}

/** A KCS row as an import declaration body (not yet validated). */
export function kcsRowToDeclaration(r: KcsRow): ImportDeclarationInput {
  const codes: Record<string, string> = {};
  const put = (k: string, v: string): void => {
    if (v !== '') {
      codes[k] = v;
    }
  };
  put('office', r.office);
  put('transportMode', r.transportMode);
  put('processType', r.processType);
  put('importType', r.importType);
  put('importUse', r.importUse);
  put('paymentType', r.paymentType);
  const mode = KCS_MODES[r.transportMode];
  const seller = party(r.seller);
  const courier = party(r.courier);
  return {
    type: 'H1',
    lrn: r.id,
    date: r.date,
    office: kcsOffice(r.office),
    ...(mode !== undefined ? { mode } : {}),
    codes,
    // An empty id is left for validation to reject (a party needs an id).
    declarant: { id: r.declarant },
    importer: { id: r.importer },
    ...(seller !== undefined ? { seller } : {}),
    ...(courier !== undefined ? { courier } : {}),
    goods: [
      {
        hsCode: r.hs6,
        origin: r.originCountry,
        ...(r.departureCountry !== '' ? { departure: r.departureCountry } : {}),
        netMassKg: r.netMass,
        price: { amount: r.itemPrice, currency: 'KRW' },
        ...(r.taxType !== '' || Number.isFinite(r.taxRate)
          ? { tax: { type: r.taxType, rate: r.taxRate } }
          : {}),
        ...(r.originIndicator !== '' ? { originIndicator: r.originIndicator } : {}),
      },
    ],
  };
}

function partyKey(p: ImportParty | undefined): string {
  return p?.id ?? p?.eori ?? '';
}

function krw(amount: number, currency: string): number {
  if (currency === 'KRW') {
    return amount;
  }
  const eur = toEur(amount, currency);
  const perKrw = toEur(1, 'KRW');
  return eur === undefined || perKrw === undefined ? Number.NaN : eur / perKrw;
}

/** The office number the model knows: the declaration's KCS code, else 'KR000040' → '40'. */
function modelOffice(d: ImportDeclaration): string {
  if (d.codes?.office !== undefined) {
    return d.codes.office;
  }
  const m = /^KR0*(\d+)$/.exec(d.office);
  return m === null ? d.office : m[1]!;
}

/** One model row per goods item (labels unknown). */
export function declarationToKcsRows(id: string, d: ImportDeclaration): KcsRow[] {
  const transportMode = d.codes?.transportMode ?? (d.mode !== undefined ? (MODE_CODES[d.mode] ?? '') : '');
  return d.goods.map((g) => ({
    id,
    date: d.date,
    day: dayNumber(d.date),
    office: modelOffice(d),
    processType: d.codes?.processType ?? '',
    importType: d.codes?.importType ?? '',
    importUse: d.codes?.importUse ?? '',
    paymentType: d.codes?.paymentType ?? '',
    transportMode,
    declarant: partyKey(d.declarant),
    importer: partyKey(d.importer),
    seller: partyKey(d.seller),
    courier: partyKey(d.courier),
    hs6: g.hsCode.slice(0, 6),
    departureCountry: g.departure ?? '',
    originCountry: g.origin,
    taxRate: g.tax?.rate ?? Number.NaN,
    taxType: g.tax?.type ?? '',
    originIndicator: g.originIndicator ?? '',
    netMass: g.netMassKg,
    itemPrice: krw(g.price.amount, g.price.currency),
    fraud: Number.NaN,
    criticalFraud: Number.NaN,
  }));
}
