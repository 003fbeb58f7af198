/**
 * The data set of each filing type as a check (issue 17): which EUCDM data elements a filing of type
 * F10…F51 may carry, read from the catalogue (data/filing-types.json, generated from the EU Customs Data
 * Model matrix). A filing that carries an element its type's data set lacks is refused
 * (VIGIL_NOT_IN_DATA_SET, ours: ICS2 refuses such a message against its schema per message type); the
 * few elements the contract makes mandatory per type are required (VIGIL_SCHEMA_REQUIRED, as a schema
 * per message type would say it, the message naming the filing type and the data element).
 *
 * The matrix's `A` means "required subject to conditions", not "always required", so presence in the
 * data set never makes an element mandatory on its own. Only these are required, each with its reason:
 * - `transport` (active border transport means and itinerary) for the types whose data set has the
 *   active border transport means (DE 19 08) — ENS model contract (docs: ENS-MODEL, "required by the
 *   filing types whose data set has it");
 * - the place of loading (DE 16 13) and of unloading (DE 16 14) of each consignment, at house level or
 *   once on the master consignment, for the types whose data set has them — the contract makes them
 *   optional only where the data set leaves them out.
 * - at least one consignment for the types whose data set has a consignor (DE 13 02) or goods items
 *   (DE 18 05); the consignor of each consignment where the data set has it; at least one goods item
 *   per consignment where the data set has goods items (DE 18 05). The schema lets them be absent so
 *   that the postal master sets (F40–F42, F45, no goods) and the complements (F16, F25, F44, neither
 *   consignor nor goods) can be expressed; every other type refuses their absence with the code and
 *   path a schema would give (VIGIL_SCHEMA_REQUIRED when absent, VIGIL_SCHEMA_TOO_SMALL when empty).
 * The departure is mapped per element: the estimated one (DE 15 01) and the actual one (DE 15 02), so a
 * type whose set has only the actual departure (F21, F27, F29–F31) refuses an estimated one, and the
 * sets with only the estimated one (F20, F28) refuse an actual one; the schema requires one of them.
 * Elements the model requires for every filing (party name, goods description, gross mass, HS code,
 * estimated arrival …) are not in this table; data/filing-types.md lists them.
 */
import type { Filing, FilingTypeInfo } from '../domain/index.ts';
import type { FieldError } from '../errors/index.ts';

/** One EUCDM data element (or group of them) and where the JSON filing carries it. */
export interface DataElementMapping {
  /** The DE number(s): the element is in a type's data set when any of them is. */
  readonly des: readonly string[];
  readonly name: string;
  /** JSON paths, `[*]` for every item of an array. */
  readonly paths: readonly string[];
}

const goods = '$.consignments[*].goods[*]';
const both = (field: string): string[] => [`$.masterConsignment.${field}`, `$.consignments[*].${field}`];

/** EUCDM DE number → JSON paths of the filing (only the elements the model has). */
export const DATA_ELEMENT_MAPPING: readonly DataElementMapping[] = [
  // Header
  {
    des: ['11 04 000 000'],
    name: 'Specific circumstance indicator',
    paths: ['$.specificCircumstanceIndicator'],
  },
  { des: ['11 05 000 000'], name: 'Re-entry indicator', paths: ['$.reEntryIndicator'] },
  { des: ['11 06 001 000'], name: 'Split consignment indicator', paths: ['$.split'] },
  { des: ['11 06 002 000'], name: 'Previous MRN', paths: ['$.previousMrn'] },
  { des: ['13 06 000 000'], name: 'Representative', paths: ['$.representative'] },
  { des: ['13 12 000 000'], name: 'Carrier', paths: ['$.carrier'] },
  { des: ['13 12 018 000'], name: 'Carrier / Address', paths: ['$.carrier.address'] },
  { des: ['13 12 029 000'], name: 'Carrier / Communication', paths: ['$.carrier.communication'] },
  { des: ['17 07 000 000'], name: 'Customs office of first entry', paths: ['$.officeOfFirstEntry'] },
  { des: ['16 02 000 000'], name: 'Addressed Member State', paths: ['$.addressedMemberState'] },
  { des: ['12 01 000 000'], name: 'Previous document', paths: ['$.previousDocuments'] },
  // Active border transport means and its itinerary
  {
    des: ['19 08 000 000', '15 01 000 000', '15 02 000 000', '15 03 000 000', '16 11 000 000'],
    name: 'Active border transport means, dates and countries of routing of the means',
    paths: ['$.transport'],
  },
  {
    des: ['19 08 017 000'],
    name: 'Active border transport means / Identification number',
    paths: ['$.transport.meansId'],
  },
  {
    des: ['19 08 061 000'],
    name: 'Active border transport means / Type of identification',
    paths: ['$.transport.typeOfIdentification'],
  },
  {
    des: ['19 08 062 000'],
    name: 'Active border transport means / Nationality',
    paths: ['$.transport.nationality'],
  },
  { des: ['19 02 000 000'], name: 'Conveyance reference number', paths: ['$.transport.conveyanceRef'] },
  {
    des: ['15 01 000 000'],
    name: 'Estimated date and time of departure',
    paths: ['$.transport.estimatedDeparture'],
  },
  {
    des: ['15 02 000 000'],
    name: 'Actual date and time of departure',
    paths: ['$.transport.actualDeparture'],
  },
  // Master level
  { des: ['12 05 000 000'], name: 'Transport document', paths: ['$.masterConsignment.transportDocument'] },
  { des: ['16 13 000 000'], name: 'Place of loading', paths: both('placeOfLoading') },
  { des: ['16 14 000 000'], name: 'Place of unloading', paths: both('placeOfUnloading') },
  { des: ['16 16 000 000'], name: 'Place of acceptance', paths: both('placeOfAcceptance') },
  { des: ['16 05 000 000'], name: 'Place of delivery', paths: both('placeOfDelivery') },
  { des: ['19 01 000 000'], name: 'Container indicator', paths: ['$.masterConsignment.containerIndicator'] },
  {
    des: ['19 07 000 000'],
    name: 'Transport equipment',
    paths: ['$.masterConsignment.transportEquipment', '$.consignments[*].containers'],
  },
  {
    des: ['19 10 000 000'],
    name: 'Seal',
    paths: ['$.masterConsignment.transportEquipment[*].seals', '$.consignments[*].containers[*].seals'],
  },
  {
    des: ['19 09 000 000'],
    name: 'Passive border transport means',
    paths: ['$.masterConsignment.passiveBorderTransportMeans'],
  },
  {
    des: ['19 11 000 000'],
    name: 'Receptacle identification number',
    paths: ['$.masterConsignment.receptacles'],
  },
  // House level
  { des: ['13 02 000 000'], name: 'Consignor', paths: ['$.consignments[*].consignor'] },
  { des: ['13 03 000 000'], name: 'Consignee', paths: ['$.consignments[*].consignee'] },
  { des: ['13 13 000 000'], name: 'Notify party', paths: ['$.consignments[*].notifyParty'] },
  { des: ['13 08 000 000'], name: 'Seller', paths: ['$.consignments[*].seller'] },
  { des: ['13 09 000 000'], name: 'Buyer', paths: ['$.consignments[*].buyer'] },
  {
    des: ['13 15 000 000'],
    name: 'Supplementary declarant',
    paths: ['$.consignments[*].supplementaryDeclarant'],
  },
  {
    des: ['13 14 000 000'],
    name: 'Additional supply chain actor',
    paths: ['$.consignments[*].additionalSupplyChainActors'],
  },
  { des: ['14 02 000 000'], name: 'Transport charges', paths: ['$.consignments[*].transportCharges'] },
  { des: ['12 08 000 000'], name: 'Reference number/UCR', paths: ['$.consignments[*].ucr'] },
  { des: ['16 12 000 000'], name: 'Country of routing of consignment', paths: ['$.consignments[*].routing'] },
  // Goods items
  { des: ['18 05 000 000'], name: 'Goods item (description of goods)', paths: [goods] },
  { des: ['11 03 000 000'], name: 'Goods item number', paths: [`${goods}.itemNumber`] },
  { des: ['18 08 000 000'], name: 'CUS code', paths: [`${goods}.cusCode`] },
  { des: ['18 07 000 000'], name: 'Dangerous goods (UN number)', paths: [`${goods}.unNumbers`] },
  { des: ['18 06 000 000'], name: 'Packaging', paths: [`${goods}.packagings`, `${goods}.packages`] },
  {
    des: ['18 06 054 000'],
    name: 'Packaging / Shipping marks',
    paths: [`${goods}.packagings[*].shippingMarks`],
  },
  {
    des: ['12 03 000 000'],
    name: 'Supporting document',
    paths: ['$.consignments[*].supportingDocuments', `${goods}.supportingDocuments`],
  },
  {
    des: ['12 02 000 000'],
    name: 'Additional information',
    paths: ['$.consignments[*].additionalInformation', `${goods}.additionalInformation`],
  },
];

/** A value the filing carries: not undefined, and not an empty array (an empty list says nothing). */
function carried(value: unknown): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}

/** Every concrete path matching a `$.a[*].b` pattern, with its value. */
export function resolvePath(root: unknown, pattern: string): { path: string; value: unknown }[] {
  let at: { path: string; value: unknown }[] = [{ path: '$', value: root }];
  for (const segment of pattern.split('.').slice(1)) {
    const each = segment.endsWith('[*]');
    const key = each ? segment.slice(0, -3) : segment;
    at = at.flatMap(({ path, value }) => {
      if (value === null || typeof value !== 'object') {
        return [];
      }
      const child = (value as Record<string, unknown>)[key];
      const childPath = `${path}.${key}`;
      if (!each) {
        return [{ path: childPath, value: child }];
      }
      return Array.isArray(child)
        ? (child as unknown[]).map((v, i) => ({ path: `${childPath}[${i}]`, value: v }))
        : [];
    });
  }
  return at;
}

function inDataSet(type: FilingTypeInfo, m: DataElementMapping): boolean {
  return m.des.some((de) => type.presenceOf(de) !== undefined);
}

/**
 * The data-set check of one filing against its filing type: every element it carries outside the
 * type's data set, and the elements the type requires that it lacks, each with its JSON path. A filing
 * whose transport mode does not fit the type gets no data-set errors: the one error is the type.
 */
export function checkDataSet(filing: Filing, type: FilingTypeInfo): FieldError[] {
  if (filing.transport !== undefined && !type.modes.includes(filing.transport.mode)) {
    return []; // the wrong filing type for the mode (VIGIL_FILING_TYPE_MODE): its data set says nothing
  }
  const errors: FieldError[] = [];
  for (const m of DATA_ELEMENT_MAPPING) {
    if (inDataSet(type, m)) {
      continue;
    }
    for (const pattern of m.paths) {
      for (const { path, value } of resolvePath(filing, pattern)) {
        if (carried(value)) {
          errors.push({
            code: 'VIGIL_NOT_IN_DATA_SET',
            path,
            message: `${m.name} (DE ${m.des[0]}) is not in the data set of filing type ${type.code} (${type.title})`,
          });
        }
      }
    }
  }

  errors.push(...checkParts(filing, type));

  if (type.presenceOf('19 08 000 000') !== undefined && filing.transport === undefined) {
    errors.push({
      code: 'VIGIL_SCHEMA_REQUIRED',
      path: '$.transport',
      message: `filing type ${type.code} carries the active border transport means (DE 19 08): transport is required`,
    });
  }
  for (const [de, field, what] of [
    ['16 13 000 000', 'placeOfLoading', 'place of loading'],
    ['16 14 000 000', 'placeOfUnloading', 'place of unloading'],
  ] as const) {
    if (type.presenceOf(de) === undefined || carried(filing.masterConsignment?.[field])) {
      continue;
    }
    filing.consignments.forEach((c, i) => {
      if (!carried(c[field])) {
        errors.push({
          code: 'VIGIL_SCHEMA_REQUIRED',
          path: `$.consignments[${i}].${field}`,
          message: `filing type ${type.code} carries the ${what} (DE ${de.slice(0, 5)}): give it on the consignment or once on the master consignment`,
        });
      }
    });
  }
  return errors;
}

/**
 * Consignments, consignors and goods items where the type's data set has them. An absent goods list
 * reaches here empty (validateFiling normalises it, and turns this error into VIGIL_SCHEMA_REQUIRED).
 */
function checkParts(filing: Filing, type: FilingTypeInfo): FieldError[] {
  const errors: FieldError[] = [];
  const hasConsignor = type.presenceOf('13 02 000 000') !== undefined;
  const hasGoods = type.presenceOf('18 05 000 000') !== undefined;
  if ((hasConsignor || hasGoods) && filing.consignments.length === 0) {
    errors.push({
      code: 'VIGIL_SCHEMA_TOO_SMALL',
      path: '$.consignments',
      message: `filing type ${type.code} carries ${hasGoods ? 'goods items (DE 18 05)' : 'a consignor (DE 13 02)'}: at least one consignment is required`,
    });
  }
  filing.consignments.forEach((c, i) => {
    if (hasConsignor && c.consignor === undefined) {
      errors.push({
        code: 'VIGIL_SCHEMA_REQUIRED',
        path: `$.consignments[${i}].consignor`,
        message: `filing type ${type.code} carries the consignor (DE 13 02): consignor is required`,
      });
    }
    if (hasGoods && c.goods.length === 0) {
      errors.push({
        code: 'VIGIL_SCHEMA_TOO_SMALL',
        path: `$.consignments[${i}].goods`,
        message: `filing type ${type.code} carries goods items (DE 18 05): at least one goods item is required`,
      });
    }
  });
  return errors;
}
