/**
 * Business rules of an ENS filing (DESIGN §3, issue 17), run once the structure is valid. Each rule has
 * a stable code — ICS2's rule or condition code where ICS2 has the rule (R3004, R3009, R3010, R3013,
 * R3014, R3016, R3017, R3018, R3022, R3033, R3052, R3053, C3001, C3022, C3024, C3035, C3036; R3002,
 * R3005, R3006, R3020 and R3021 are checked in the schema), `VIGIL_…` for Vigil's own extra checks
 * (docs/errors.md says which; docs/ics2-rules.md says which ICS2 rules are checked) — and reports every
 * breach with the JSON path of the field at fault.
 *
 * A filing may come without `transport` (a house-level filing by a forwarder, an air pre-loading
 * set): the rules on the means of transport and its routing then do not apply, the mode is the filing
 * type's (`modeOf` in domain/filing.ts), and no lodging deadline is checked (there are no times to measure it from).
 */
import {
  EU_COUNTRIES,
  FILING_TYPES,
  TO_ORDER,
  VAGUE_DESCRIPTION_TERMS,
  checkAirWaybill,
  dayOf,
  normaliseAirWaybill,
  statesToOrder,
} from '../domain/index.ts';
import type {
  Consignment,
  Filing,
  FilingTypeInfo,
  ReferenceLists,
  Transport,
  TransportDocument,
} from '../domain/index.ts';
import type { ErrorCode, FieldError } from '../errors/index.ts';
import { checkDataSet } from './data-sets.ts';

const HOUR_MS = 3_600_000;
const MAX_DAYS_AHEAD = 200;

export interface RuleContext {
  /** When the filing is lodged: deadlines are measured from here. */
  readonly now: Date;
  /** Amendments are not held to the lodging deadline again. */
  readonly checkDeadlines: boolean;
  /**
   * The reference data the filing's codes are checked against, as in force on `now` (the filing's
   * date); validateFiling uses the shipped data when none is given.
   */
  readonly reference?: ReferenceLists | undefined;
}

export interface RuleFindings {
  readonly errors: FieldError[];
  readonly warnings: FieldError[];
}

const countryOf = (unLocode: string): string => unLocode.slice(0, 2);

function add(list: FieldError[], code: ErrorCode, path: string, message: string): void {
  list.push({ code, path, message });
}

/** Vague-description matching: whole description made of vague terms rejects, an embedded term warns. */
const VAGUE = new Set(VAGUE_DESCRIPTION_TERMS.map((t) => t.toLowerCase()));
const VAGUE_PHRASES = VAGUE_DESCRIPTION_TERMS.filter((t) => t.includes(' ')).map((t) => t.toLowerCase());

function normaliseDescription(d: string): string {
  return (
    d
      .toLowerCase()
      // Abbreviations with dots (F.A.K., S.T.C.) read as the word they stand for.
      .replace(/\b(?:\p{L}\.){2,}/gu, (m) => m.replaceAll('.', ''))
      .replace(/[^\p{L}\p{N}/ ]+/gu, ' ')
      .replace(/(^| )\/+(?= |$)/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

export function vagueness(description: string): { whole: boolean; terms: string[] } {
  let rest = ` ${normaliseDescription(description)} `;
  const terms: string[] = [];
  for (const phrase of VAGUE_PHRASES) {
    if (rest.includes(` ${phrase} `)) {
      terms.push(phrase);
      rest = rest.replaceAll(` ${phrase} `, ' ');
    }
  }
  const words = rest.split(' ').filter((w) => w.length > 0);
  const leftover = words.filter((w) => {
    if (VAGUE.has(w)) {
      terms.push(w);
      return false;
    }
    return !/^\d+$/.test(w) && !['and', 'of', 'for', 'the', 'with', '&'].includes(w);
  });
  return { whole: terms.length > 0 && leftover.length === 0, terms };
}

function checkDocumentRef(doc: TransportDocument, path: string, errors: FieldError[]): void {
  if (doc.type === 'N740' || doc.type === 'N741') {
    const problem = checkAirWaybill(normaliseAirWaybill(doc.ref));
    if (problem !== undefined) {
      add(errors, 'VIGIL_AWB_INVALID', `${path}.ref`, `air waybill '${doc.ref}': ${problem}`);
    }
  }
}

/** The departure a filing's times are measured from: the actual one when known, else the estimated. */
function departureOf(t: Transport): string {
  return t.actualDeparture ?? t.estimatedDeparture ?? '';
}

function lodgingDeadline(filing: Filing, t: Transport): { at: number; what: string } {
  const dep = Date.parse(departureOf(t));
  const arr = Date.parse(t.estimatedArrival);
  const containerised =
    t.containerised ??
    (filing.consignments.some((c) => c.containers.length > 0) ||
      (filing.masterConsignment?.transportEquipment?.length ?? 0) > 0);
  switch (t.mode) {
    case 'maritime':
      if (containerised) {
        return { at: dep - 24 * HOUR_MS, what: 'maritime container cargo: 24 hours before loading' };
      }
      return t.shortHaul === true
        ? { at: arr - 2 * HOUR_MS, what: 'short-sea: 2 hours before arrival' }
        : { at: arr - 4 * HOUR_MS, what: 'maritime bulk and break-bulk: 4 hours before arrival' };
    case 'air':
    case 'postal':
    case 'express':
      return t.shortHaul === true
        ? { at: dep, what: 'short-haul flight: by departure' }
        : { at: arr - 4 * HOUR_MS, what: 'long-haul flight: 4 hours before arrival' };
    case 'rail':
    case 'inland-waterway':
      return { at: arr - 2 * HOUR_MS, what: `${t.mode}: 2 hours before arrival` };
    case 'road':
      return { at: arr - HOUR_MS, what: 'road: 1 hour before arrival' };
  }
}

/** A consignment's place of loading or unloading: its own, else the master level's. */
function placeOf(
  filing: Filing,
  c: Consignment,
  which: 'placeOfLoading' | 'placeOfUnloading',
): string | undefined {
  return c[which] ?? filing.masterConsignment?.[which];
}

/**
 * R3022: the consignment's countries of routing contain the countries of its places of acceptance
 * and delivery (its own, else the master level's), when it gives a routing.
 */
function checkConsignmentRouting(filing: Filing, c: Consignment, path: string, errors: FieldError[]): void {
  if (c.routing === undefined) {
    return;
  }
  for (const [what, place] of [
    ['place of acceptance', c.placeOfAcceptance ?? filing.masterConsignment?.placeOfAcceptance],
    ['place of delivery', c.placeOfDelivery ?? filing.masterConsignment?.placeOfDelivery],
  ] as const) {
    if (place === undefined) {
      continue;
    }
    const ctry = countryOf(place);
    if (!c.routing.includes(ctry)) {
      add(
        errors,
        'R3022',
        `${path}.routing`,
        `the consignment's routing must contain ${ctry}, the country of its ${what} ${place}`,
      );
    }
  }
}

/** The IMO ship identification number's check digit: digits 1–6 weighted 7 … 2, sum mod 10. */
export function imoCheckDigit(first6: string): number {
  let sum = 0;
  for (let i = 0; i < 6; i++) {
    sum += Number(first6[i]) * (7 - i);
  }
  return sum % 10;
}

/**
 * R3009 and R3010: the identification of the active means. At sea, a means id written as an IMO
 * number (7 digits, or 'IMO' and 7 digits) must carry a valid check digit; any other form (a name, a
 * call sign) is not an IMO number and is left alone. On inland waterways the ENI number is 8 digits.
 */
function checkMeansId(t: Transport, errors: FieldError[]): void {
  const id = t.meansId;
  if (id === undefined) {
    return;
  }
  if (t.mode === 'maritime') {
    const m = /^(?:IMO ?)?(\d{7})$/i.exec(id);
    if (m !== null) {
      const digits = m[1]!;
      const expected = imoCheckDigit(digits);
      if (String(expected) !== digits[6]) {
        add(
          errors,
          'R3009',
          '$.transport.meansId',
          `IMO number '${id}': check digit should be ${expected}, not ${digits[6]!}`,
        );
      }
    }
  } else if (t.mode === 'inland-waterway' && !/^\d{8}$/.test(id)) {
    add(errors, 'R3010', '$.transport.meansId', `ENI number '${id}': an ENI number is 8 digits`);
  }
}

/**
 * R3016 / R3017: goods item numbers, when the consignment gives them. R3016: every item carries one
 * (when any does) and no two items share one. R3017: they run 1, 2, 3 … n without gaps (n items).
 */
function checkItemNumbers(c: Consignment, path: string, errors: FieldError[]): void {
  if (!c.goods.some((g) => g.itemNumber !== undefined)) {
    return;
  }
  const seen = new Map<number, number>();
  c.goods.forEach((g, j) => {
    const ipath = `${path}.goods[${j}].itemNumber`;
    if (g.itemNumber === undefined) {
      add(errors, 'R3016', ipath, 'when one goods item of a consignment is numbered, every item must be');
      return;
    }
    const before = seen.get(g.itemNumber);
    if (before !== undefined) {
      add(errors, 'R3016', ipath, `item number ${g.itemNumber} is already used by goods[${before}]`);
      return;
    }
    seen.set(g.itemNumber, j);
    if (g.itemNumber > c.goods.length) {
      add(
        errors,
        'R3017',
        ipath,
        `item number ${g.itemNumber} leaves a gap: the ${c.goods.length} item(s) are numbered 1 to ${c.goods.length}`,
      );
    }
  });
}

/** Checks on the active means and its itinerary (only for a filing that has them). */
function checkTransport(filing: Filing, t: Transport, errors: FieldError[]): void {
  checkMeansId(t, errors);

  // R3013 / R3014: the means of transport's routing runs from a place of loading to a place of unloading.
  const loading = new Set<string>();
  const unloading = new Set<string>();
  for (const c of filing.consignments) {
    const l = placeOf(filing, c, 'placeOfLoading');
    const u = placeOf(filing, c, 'placeOfUnloading');
    if (l !== undefined) {
      loading.add(countryOf(l));
    }
    if (u !== undefined) {
      unloading.add(countryOf(u));
    }
  }
  const first = t.routing[0]!;
  const last = t.routing[t.routing.length - 1]!;
  if (loading.size > 0 && !loading.has(first)) {
    add(
      errors,
      'R3013',
      '$.transport.routing[0]',
      `routing starts in ${first} but no consignment is loaded there (loading in ${[...loading].join(', ')})`,
    );
  }
  if (unloading.size > 0 && !unloading.has(last)) {
    add(
      errors,
      'R3014',
      `$.transport.routing[${t.routing.length - 1}]`,
      `routing ends in ${last} but no consignment is unloaded there (unloading in ${[...unloading].join(', ')})`,
    );
  }
  filing.consignments.forEach((c, i) => {
    if (c.placeOfLoading !== undefined && !t.routing.includes(countryOf(c.placeOfLoading))) {
      add(
        errors,
        'R3013',
        `$.consignments[${i}].placeOfLoading`,
        `place of loading ${c.placeOfLoading} is in a country not on the transport routing`,
      );
    }
    if (c.placeOfUnloading !== undefined && !t.routing.includes(countryOf(c.placeOfUnloading))) {
      add(
        errors,
        'R3014',
        `$.consignments[${i}].placeOfUnloading`,
        `place of unloading ${c.placeOfUnloading} is in a country not on the transport routing`,
      );
    }
  });

  // R3018: the first EU country on the routing is where the office of first entry is.
  const firstEu = t.routing.findIndex((ctry) => EU_COUNTRIES.has(ctry));
  if (firstEu < 0) {
    add(errors, 'R3018', '$.transport.routing', 'the routing never enters the EU customs territory');
  } else if (filing.officeOfFirstEntry !== undefined) {
    const officeCountry = filing.officeOfFirstEntry.slice(0, 2);
    if (t.routing[firstEu] !== officeCountry) {
      add(
        errors,
        'R3018',
        `$.transport.routing[${firstEu}]`,
        `the first EU country on the routing is ${t.routing[firstEu]!}, but the office of first entry ${filing.officeOfFirstEntry} is in ${officeCountry}`,
      );
    }
  }

  // R3053: arrival not before departure (the actual departure when known, else the estimated one).
  const arr = Date.parse(t.estimatedArrival);
  const [depField, depValue] =
    t.actualDeparture !== undefined
      ? (['actual departure', t.actualDeparture] as const)
      : (['estimated departure', t.estimatedDeparture ?? ''] as const);
  if (arr < Date.parse(depValue)) {
    add(
      errors,
      'R3053',
      '$.transport.estimatedArrival',
      `estimated arrival ${t.estimatedArrival} is before ${depField} ${depValue}`,
    );
  }
}

/**
 * The filing type and the mode on the date, and the office of first entry: an office the customs
 * office list has must be valid on the date and an office of entry (the list is partial: an office it
 * does not have is not refused).
 */
function checkReferenceCodes(filing: Filing, lists: ReferenceLists, day: string, errors: FieldError[]): void {
  if (FILING_TYPES.has(filing.filingType)) {
    const problem = lists.codeProblem('filing-types', filing.filingType, day);
    if (problem !== undefined) {
      add(errors, 'VIGIL_FILING_TYPE_UNKNOWN', '$.filingType', `filing type ${problem}`);
    }
  }
  const mode = filing.transport?.mode;
  if (mode !== undefined) {
    const problem = lists.codeProblem('transport-modes', mode, day);
    if (problem !== undefined) {
      add(errors, 'VIGIL_TRANSPORT_MODE_UNKNOWN', '$.transport.mode', `mode of transport ${problem}`);
    }
  }
  const office = filing.officeOfFirstEntry;
  if (office !== undefined) {
    const problem = lists.codeProblem('customs-offices', office, day);
    const entry = lists.entry('customs-offices', office, day);
    if (problem !== undefined) {
      add(errors, 'VIGIL_OFFICE_INVALID', '$.officeOfFirstEntry', `office of first entry ${problem}`);
    } else if (entry !== undefined && !(entry.attributes['roles'] ?? '').split(';').includes('entry')) {
      add(
        errors,
        'VIGIL_OFFICE_INVALID',
        '$.officeOfFirstEntry',
        `office ${office} (${entry.description}) is not an office of entry (its roles: ${(entry.attributes['roles'] ?? '').replaceAll(';', ', ')})`,
      );
    }
  }
}

/**
 * Package types in bulk or unpacked (ICS2's list in C3035/C3036: liquid, gas and solid bulk, unpacked
 * or unpackaged): their packaging states neither a number of packages nor shipping marks.
 */
export const BULK_OR_UNPACKED = new Set(['VQ', 'VG', 'VL', 'VY', 'VR', 'VS', 'VO', 'NE', 'NF', 'NG']);

/** The filing types whose goods items are at master level (no house level): the straight bill of lading. */
const MASTER_LEVEL_GOODS = new Set(['F10']);

/**
 * C3022 and C3024, house level: a consignment names its consignee unless it is to order (additional
 * information 10600), and a consignment to order names its notify party; each where the type's data
 * set has the element.
 */
function checkToOrder(c: Consignment, type: FilingTypeInfo, path: string, errors: FieldError[]): void {
  const toOrder = statesToOrder(c);
  if (!toOrder && c.consignee === undefined && type.presenceOf('13 03 000 000') !== undefined) {
    add(
      errors,
      'C3022',
      `${path}.consignee`,
      `give the consignee, or state a consignment to order with additional information ${TO_ORDER} at house level`,
    );
  }
  if (toOrder && c.notifyParty === undefined && type.presenceOf('13 13 000 000') !== undefined) {
    add(
      errors,
      'C3024',
      `${path}.notifyParty`,
      `a consignment to order (additional information ${TO_ORDER}) must name its notify party`,
    );
  }
}

/**
 * C3035 (goods at master level) and C3036 (house level): a packaging in bulk or unpacked states no
 * number of packages and no shipping marks; any other states both (the marks where the data set has them).
 */
function checkPackagings(c: Consignment, type: FilingTypeInfo, path: string, errors: FieldError[]): void {
  const code = MASTER_LEVEL_GOODS.has(type.code) ? 'C3035' : 'C3036';
  const marksInSet = type.presenceOf('18 06 054 000') !== undefined;
  c.goods.forEach((g, j) => {
    (g.packagings ?? []).forEach((p, k) => {
      const at = `${path}.goods[${j}].packagings[${k}]`;
      if (BULK_OR_UNPACKED.has(p.type)) {
        for (const field of ['count', 'shippingMarks'] as const) {
          if (p[field] !== undefined) {
            add(
              errors,
              code,
              `${at}.${field}`,
              `package type ${p.type} is bulk or unpacked: give no ${field === 'count' ? 'number of packages' : 'shipping marks'}`,
            );
          }
        }
      } else {
        if (p.count === undefined) {
          add(errors, code, `${at}.count`, `package type ${p.type}: give the number of packages`);
        }
        if (marksInSet && p.shippingMarks === undefined) {
          add(errors, code, `${at}.shippingMarks`, `package type ${p.type}: give the shipping marks`);
        }
      }
    });
  });
}

export function checkFilingRules(filing: Filing, ctx: RuleContext): RuleFindings {
  const errors: FieldError[] = [];
  const warnings: FieldError[] = [];
  const t = filing.transport;

  const type = FILING_TYPES.get(filing.filingType);
  if (type === undefined) {
    add(
      errors,
      'VIGIL_FILING_TYPE_UNKNOWN',
      '$.filingType',
      `filing type '${filing.filingType}' is not in the catalogue`,
    );
  } else if (t !== undefined && !type.modes.includes(t.mode)) {
    add(
      errors,
      'VIGIL_FILING_TYPE_MODE',
      '$.filingType',
      `filing type ${type.code} (${type.title}) is for ${type.modes.join(' or ')}, not ${t.mode}`,
    );
  }
  // The carrier's EORI links the master and house parts of a multiple filing (not a pre-loading set).
  if ((type?.part === 'master' || type?.part === 'house') && filing.carrier?.eori === undefined) {
    add(
      errors,
      'VIGIL_MASTER_DOCUMENT_REQUIRED',
      '$.carrier.eori',
      `a ${type.part}-level filing must name the carrier's EORI, which links its parts`,
    );
  }

  // ── The filing's codes in the reference lists in force on its date (the shape and the goods, party
  // and package codes are checked with the structure; see validate-filing.ts).
  if (ctx.reference !== undefined) {
    checkReferenceCodes(filing, ctx.reference, dayOf(ctx.now), errors);
  }

  // ── Data set of the filing type (data-sets.ts): which elements the type has and requires.
  if (type !== undefined) {
    errors.push(...checkDataSet(filing, type));
  }

  // Office of first entry or addressed member state: at least one; the member state is in the EU.
  if (filing.officeOfFirstEntry === undefined && filing.addressedMemberState === undefined) {
    add(
      errors,
      'VIGIL_SCHEMA_REQUIRED',
      '$.officeOfFirstEntry',
      'give the office of first entry or the addressed member state (addressedMemberState)',
    );
  }
  if (filing.addressedMemberState !== undefined && !EU_COUNTRIES.has(filing.addressedMemberState)) {
    add(
      errors,
      'VIGIL_COUNTRY_INVALID',
      '$.addressedMemberState',
      `the addressed member state must be an EU member state, not ${filing.addressedMemberState}`,
    );
  }

  // C3001: a split consignment names the ENS it was split from; any other filing names none. Where
  // the type's data set has the split indicator but no previous MRN (the air, express and postal
  // carrier sets), there is nothing to name: the indicator stands alone.
  const namesPrevious = type === undefined || type.presenceOf('11 06 002 000') !== undefined;
  if (filing.split === true && filing.previousMrn === undefined && namesPrevious) {
    add(
      errors,
      'C3001',
      '$.previousMrn',
      'a split consignment must name the MRN of the ENS it was split from',
    );
  } else if (filing.split !== true && filing.previousMrn !== undefined) {
    add(
      errors,
      'C3001',
      '$.previousMrn',
      'a previous MRN is given only for a split consignment (split: true)',
    );
  }

  // R3033: the representative is not the declarant (its identification number is another's).
  if (filing.representative?.eori !== undefined && filing.representative.eori === filing.declarant.eori) {
    add(
      errors,
      'R3033',
      '$.representative.eori',
      `the representative's identification number ${filing.representative.eori} is the declarant's: a representative acts for another person`,
    );
  }

  if (t !== undefined) {
    checkTransport(filing, t, errors);
  }

  const seenDocs = new Map<string, string>();
  filing.consignments.forEach((c, i) => {
    const path = `$.consignments[${i}]`;
    checkConsignmentRouting(filing, c, path, errors);
    checkDocumentRef(c.transportDocument, `${path}.transportDocument`, errors);
    if (c.masterTransportDocument !== undefined) {
      checkDocumentRef(c.masterTransportDocument, `${path}.masterTransportDocument`, errors);
    }
    // R3052: documents are unique, whatever their case or spacing (as the consignment store keys them).
    const key = `${c.transportDocument.type}:${normaliseAirWaybill(c.transportDocument.ref).toUpperCase()}`;
    const before = seenDocs.get(key);
    if (before !== undefined) {
      add(
        errors,
        'R3052',
        `${path}.transportDocument.ref`,
        `transport document ${c.transportDocument.ref} is already used by ${before}`,
      );
    } else {
      seenDocs.set(key, path);
    }
    if (
      type?.part === 'house' &&
      c.masterTransportDocument === undefined &&
      filing.masterConsignment?.transportDocument === undefined
    ) {
      add(
        errors,
        'VIGIL_MASTER_DOCUMENT_REQUIRED',
        `${path}.masterTransportDocument`,
        'a house-level consignment must name the master transport document it travels under',
      );
    }
    checkItemNumbers(c, path, errors);
    if (type !== undefined) {
      checkToOrder(c, type, path, errors);
      checkPackagings(c, type, path, errors);
    }
    c.goods.forEach((g, j) => {
      const v = vagueness(g.description);
      const gpath = `${path}.goods[${j}].description`;
      if (v.whole) {
        add(
          errors,
          'VIGIL_DESCRIPTION_VAGUE',
          gpath,
          `'${g.description}' does not say what the goods are; describe them precisely enough to identify them`,
        );
      } else if (v.terms.length > 0) {
        add(
          warnings,
          'VIGIL_DESCRIPTION_VAGUE_TERM',
          gpath,
          `'${g.description}' contains the vague term(s) ${v.terms.map((x) => `'${x}'`).join(', ')}`,
        );
      }
    });
  });

  // Deadlines use the filing's own transport; a filing without one (a house part, a pre-loading set)
  // has no times to measure them from and is not held to them here.
  if (ctx.checkDeadlines && t !== undefined) {
    const dep = Date.parse(departureOf(t));
    const arr = Date.parse(t.estimatedArrival);
    if (Number.isFinite(dep) && Number.isFinite(arr)) {
      const now = ctx.now.getTime();
      const deadline = lodgingDeadline(filing, t);
      if (now > deadline.at) {
        add(
          errors,
          'VIGIL_LODGED_LATE',
          '$.transport',
          `lodged at ${ctx.now.toISOString()}, after the deadline ${new Date(deadline.at).toISOString()} (${deadline.what})`,
        );
      }
      if (dep - now > MAX_DAYS_AHEAD * 24 * HOUR_MS) {
        add(
          errors,
          'VIGIL_LODGED_TOO_EARLY',
          '$.transport.estimatedDeparture',
          `departure ${departureOf(t)} is more than ${MAX_DAYS_AHEAD} days ahead`,
        );
      }
    }
  }
  return { errors, warnings };
}
