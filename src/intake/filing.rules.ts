/**
 * Business rules of an ENS filing (DESIGN §3), run once the structure is valid. Each rule has a stable
 * code (ICS2's where one exists) and reports every breach with the JSON path of the field at fault.
 */
import {
  EU_COUNTRIES,
  FILING_TYPES,
  VAGUE_DESCRIPTION_TERMS,
  checkAirWaybill,
  normaliseAirWaybill,
} from '../domain/index.ts';
import type { Consignment, Filing, TransportDocument } from '../domain/index.ts';
import type { ErrorCode, FieldError } from '../errors/index.ts';

const HOUR_MS = 3_600_000;
const MAX_DAYS_AHEAD = 200;

export interface RuleContext {
  /** When the filing is lodged: deadlines are measured from here. */
  readonly now: Date;
  /** Amendments are not held to the lodging deadline again. */
  readonly checkDeadlines: boolean;
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

function lodgingDeadline(filing: Filing): { at: number; what: string } {
  const t = filing.transport;
  const dep = Date.parse(t.estimatedDeparture);
  const arr = Date.parse(t.estimatedArrival);
  const containerised = t.containerised ?? filing.consignments.some((c) => c.containers.length > 0);
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

function checkConsignmentRouting(c: Consignment, path: string, errors: FieldError[]): void {
  for (const [field, place] of [
    ['placeOfLoading', c.placeOfLoading],
    ['placeOfUnloading', c.placeOfUnloading],
  ] as const) {
    const ctry = countryOf(place);
    if (!c.routing.includes(ctry)) {
      add(
        errors,
        'VIGIL_ROUTING_CONSIGNMENT',
        `${path}.routing`,
        `the consignment's routing must contain ${ctry}, the country of its ${field === 'placeOfLoading' ? 'place of loading' : 'place of unloading'} ${place}`,
      );
    }
  }
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
  } else if (!type.modes.includes(t.mode)) {
    add(
      errors,
      'VIGIL_FILING_TYPE_MODE',
      '$.filingType',
      `filing type ${type.code} (${type.title}) is for ${type.modes.join(' or ')}, not ${t.mode}`,
    );
  }
  if (type !== undefined && type.part !== 'complete' && filing.carrier?.eori === undefined) {
    add(
      errors,
      'VIGIL_MASTER_DOCUMENT_REQUIRED',
      '$.carrier.eori',
      `a ${type.part}-level filing must name the carrier's EORI, which links its parts`,
    );
  }

  // R3013 / R3014: the means of transport's routing runs from a place of loading to a place of unloading.
  const loading = new Set(filing.consignments.map((c) => countryOf(c.placeOfLoading)));
  const unloading = new Set(filing.consignments.map((c) => countryOf(c.placeOfUnloading)));
  const first = t.routing[0]!;
  const last = t.routing[t.routing.length - 1]!;
  if (!loading.has(first)) {
    add(
      errors,
      'R3013',
      '$.transport.routing[0]',
      `routing starts in ${first} but no consignment is loaded there (loading in ${[...loading].join(', ')})`,
    );
  }
  if (!unloading.has(last)) {
    add(
      errors,
      'R3014',
      `$.transport.routing[${t.routing.length - 1}]`,
      `routing ends in ${last} but no consignment is unloaded there (unloading in ${[...unloading].join(', ')})`,
    );
  }
  filing.consignments.forEach((c, i) => {
    if (!t.routing.includes(countryOf(c.placeOfLoading))) {
      add(
        errors,
        'R3013',
        `$.consignments[${i}].placeOfLoading`,
        `place of loading ${c.placeOfLoading} is in a country not on the transport routing`,
      );
    }
    if (!t.routing.includes(countryOf(c.placeOfUnloading))) {
      add(
        errors,
        'R3014',
        `$.consignments[${i}].placeOfUnloading`,
        `place of unloading ${c.placeOfUnloading} is in a country not on the transport routing`,
      );
    }
  });

  // R3018: the first EU country on the routing is where the office of first entry is.
  const officeCountry = filing.officeOfFirstEntry.slice(0, 2);
  const firstEu = t.routing.findIndex((ctry) => EU_COUNTRIES.has(ctry));
  if (firstEu < 0) {
    add(errors, 'R3018', '$.transport.routing', 'the routing never enters the EU customs territory');
  } else if (t.routing[firstEu] !== officeCountry) {
    add(
      errors,
      'R3018',
      `$.transport.routing[${firstEu}]`,
      `the first EU country on the routing is ${t.routing[firstEu]!}, but the office of first entry ${filing.officeOfFirstEntry} is in ${officeCountry}`,
    );
  }

  // R3053: arrival not before departure.
  const dep = Date.parse(t.estimatedDeparture);
  const arr = Date.parse(t.estimatedArrival);
  if (arr < dep) {
    add(
      errors,
      'R3053',
      '$.transport.estimatedArrival',
      `estimated arrival ${t.estimatedArrival} is before estimated departure ${t.estimatedDeparture}`,
    );
  }

  const seenDocs = new Map<string, string>();
  filing.consignments.forEach((c, i) => {
    const path = `$.consignments[${i}]`;
    checkConsignmentRouting(c, path, errors);
    // C3001: a split consignment names the consignment it was split from.
    if (c.split === true && c.previousMrn === undefined) {
      add(
        errors,
        'C3001',
        `${path}.previousMrn`,
        'a split consignment must name the MRN of the consignment it was split from',
      );
    }
    checkDocumentRef(c.transportDocument, `${path}.transportDocument`, errors);
    if (c.masterTransportDocument !== undefined) {
      checkDocumentRef(c.masterTransportDocument, `${path}.masterTransportDocument`, errors);
    }
    // Documents are the same whatever their case or spacing (as the consignment store keys them).
    const key = `${c.transportDocument.type}:${normaliseAirWaybill(c.transportDocument.ref).toUpperCase()}`;
    const before = seenDocs.get(key);
    if (before !== undefined) {
      add(
        errors,
        'VIGIL_DOCUMENT_DUPLICATE',
        `${path}.transportDocument.ref`,
        `transport document ${c.transportDocument.ref} is already used by ${before}`,
      );
    } else {
      seenDocs.set(key, path);
    }
    if (type?.part === 'house' && c.masterTransportDocument === undefined) {
      add(
        errors,
        'VIGIL_MASTER_DOCUMENT_REQUIRED',
        `${path}.masterTransportDocument`,
        'a house-level consignment must name the master transport document it travels under',
      );
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

  if (ctx.checkDeadlines && Number.isFinite(dep) && Number.isFinite(arr)) {
    const now = ctx.now.getTime();
    const deadline = lodgingDeadline(filing);
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
        `departure ${t.estimatedDeparture} is more than ${MAX_DAYS_AHEAD} days ahead`,
      );
    }
  }
  return { errors, warnings };
}
