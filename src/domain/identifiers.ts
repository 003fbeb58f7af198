/**
 * Identifier checks of the trade (DESIGN §3): EORI, MRN, HS codes, UN/LOCODE, countries, containers,
 * air waybills and customs offices. Each is a small pure function; normalisers return the stored form.
 */
import { COUNTRY_CODES } from './reference-data.ts';
import { referenceScope } from './reference-lists.ts';

/** ISO 6346 letter values: A=10, then counting up but skipping multiples of 11. */
const LETTER_VALUES: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  let v = 10;
  for (let c = 65; c <= 90; c++) {
    if (v % 11 === 0) {
      v++;
    }
    m.set(String.fromCharCode(c), v);
    v++;
  }
  return m;
})();

function charValue(ch: string): number | undefined {
  if (ch >= '0' && ch <= '9') {
    return ch.charCodeAt(0) - 48;
  }
  return LETTER_VALUES.get(ch);
}

/** ISO 6346 check digit over `body` (weights 2^i, sum mod 11, 10 → 0); undefined for bad characters. */
export function iso6346CheckDigit(body: string): number | undefined {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const v = charValue(body[i]!);
    if (v === undefined) {
      return undefined;
    }
    sum += v * 2 ** i;
  }
  return (sum % 11) % 10;
}

export function isCountryCode(code: string): boolean {
  return COUNTRY_CODES.has(code);
}

/** EORI as stored: upper case, no spaces. */
export function normaliseEori(eori: string): string {
  return eori.replace(/\s+/g, '').toUpperCase();
}

export type IdentifierProblem = string;

/** Returns undefined when valid, else what is wrong. Expects the normalised form. */
export function checkEori(eori: string): IdentifierProblem | undefined {
  if (!/^[A-Z]{2}[A-Z0-9]{1,15}$/.test(eori)) {
    return 'an EORI is a 2-letter country code followed by 1 to 15 letters or digits';
  }
  const country = eori.slice(0, 2);
  if (!isCountryCode(country)) {
    return `'${country}' is not an ISO 3166-1 country code`;
  }
  const rest = eori.slice(2);
  if ((country === 'GB' || country === 'XI') && !/^(\d{12}|\d{15})$/.test(rest)) {
    return `${country} EORIs have 12 or 15 digits after the country code`;
  }
  return undefined;
}

const MRN_SHAPE = /^(\d{2})([A-Z]{2})([A-Z0-9]{12})([A-Z])([A-Z0-9])$/;

export function mrnCheckCharacter(first17: string): string | undefined {
  const d = iso6346CheckDigit(first17);
  return d === undefined ? undefined : String(d);
}

export function checkMrn(mrn: string): IdentifierProblem | undefined {
  const m = MRN_SHAPE.exec(mrn);
  if (!m) {
    return 'an MRN has 18 characters: 2-digit year, 2-letter country, 12 letters or digits, a procedure letter and a check character';
  }
  if (!isCountryCode(m[2]!)) {
    return `'${m[2]!}' is not an ISO 3166-1 country code`;
  }
  const expected = mrnCheckCharacter(mrn.slice(0, 17));
  if (expected !== mrn[17]) {
    return `check character should be '${expected ?? '?'}', not '${mrn[17]!}'`;
  }
  return undefined;
}

export interface MrnParts {
  readonly year: number;
  readonly country: string;
  /** 12 letters or digits, unique within the year and country. */
  readonly serial: string;
  readonly procedure: string;
}

export function makeMrn(parts: MrnParts): string {
  const yy = String(parts.year % 100).padStart(2, '0');
  const body = `${yy}${parts.country}${parts.serial}${parts.procedure}`;
  if (!/^\d{2}[A-Z]{2}[A-Z0-9]{12}[A-Z]$/.test(body) || !isCountryCode(parts.country)) {
    throw new Error(`cannot make an MRN from ${JSON.stringify(parts)}`);
  }
  return body + mrnCheckCharacter(body)!;
}

/** HS (6), CN (8) or TARIC (10) code; chapter 01–97. */
export function checkHsCode(code: string): IdentifierProblem | undefined {
  if (!/^(\d{6}|\d{8}|\d{10})$/.test(code)) {
    return 'a goods code has 6 (HS), 8 (CN) or 10 (TARIC) digits';
  }
  const chapter = Number(code.slice(0, 2));
  if (chapter < 1 || chapter > 97) {
    return `chapter ${code.slice(0, 2)} does not exist (01–97)`;
  }
  return undefined;
}

export function checkUnLocode(code: string): IdentifierProblem | undefined {
  if (!/^[A-Z]{2}[A-Z2-9]{3}$/.test(code)) {
    return 'a UN/LOCODE is a 2-letter country code and 3 letters or digits 2–9';
  }
  if (!isCountryCode(code.slice(0, 2))) {
    return `'${code.slice(0, 2)}' is not an ISO 3166-1 country code`;
  }
  return undefined;
}

/**
 * A country code: inside a reference scope (a filing being validated), one valid on the filing's date
 * in the dated country list; outside, one of the static list (data/countries.json).
 */
export function checkCountry(code: string): IdentifierProblem | undefined {
  const scope = referenceScope();
  if (scope !== undefined && scope.lists.size('countries') > 0) {
    return /^[A-Z]{2}$/.test(code)
      ? scope.lists.codeProblem('countries', code, scope.day)
      : `'${code}' is not an ISO 3166-1 alpha-2 country code`;
  }
  return isCountryCode(code) ? undefined : `'${code}' is not an ISO 3166-1 alpha-2 country code`;
}

/** ISO 6346 container number: owner code, category U/J/Z, 6-digit serial, check digit. */
export function checkContainerId(id: string): IdentifierProblem | undefined {
  if (!/^[A-Z]{3}[UJZ]\d{7}$/.test(id)) {
    return 'a container number is 3 letters, U, J or Z, 6 digits and a check digit (ISO 6346)';
  }
  const expected = iso6346CheckDigit(id.slice(0, 10));
  if (String(expected) !== id[10]) {
    return `check digit should be ${String(expected)}, not ${id[10]!}`;
  }
  return undefined;
}

export function containerCheckDigit(first10: string): number | undefined {
  return iso6346CheckDigit(first10);
}

/** Air waybill: 3-digit airline prefix, 7-digit serial, check digit = serial mod 7. Dash allowed after the prefix. */
export function normaliseAirWaybill(awb: string): string {
  return awb.replace(/[\s-]/g, '');
}

export function airWaybillCheckDigit(serial7: string): number {
  return Number(serial7) % 7;
}

export function checkAirWaybill(awb: string): IdentifierProblem | undefined {
  if (!/^\d{11}$/.test(awb)) {
    return 'an air waybill number is a 3-digit prefix, a 7-digit serial and a check digit';
  }
  const expected = airWaybillCheckDigit(awb.slice(3, 10));
  if (String(expected) !== awb[10]) {
    return `check digit should be ${expected}, not ${awb[10]!}`;
  }
  return undefined;
}

export function checkCustomsOffice(code: string): IdentifierProblem | undefined {
  if (!/^[A-Z]{2}[A-Z0-9]{6}$/.test(code)) {
    return 'a customs office reference is a 2-letter country code and 6 letters or digits';
  }
  if (!isCountryCode(code.slice(0, 2))) {
    return `'${code.slice(0, 2)}' is not an ISO 3166-1 country code`;
  }
  return undefined;
}
