/**
 * Examples of each ENS filing type F10–F51 made from its data set (data/filing-types.json, the EUCDM
 * matrix), and the table of the rules and conditions that apply to a type with the one change of a
 * valid example that breaks each (issue 17).
 *
 * - `filingOfType`: the reference filing cut down to the elements of the type's data set (what
 *   test/api/filing-types.test.ts checks the data-set check with).
 * - `exampleOfType`: that filing with every element of the data set the model has added, so a valid
 *   example exercises the whole set, not a minimal body. `ELEMENTS` says, per EUCDM data element, how
 *   the example carries it; the same table makes the "element outside the data set" refusal.
 * - `RULE_CASES`: rule or condition → the data elements (and modes) it needs → the mutation → the
 *   code and JSON path it must be refused with. `casesFor` picks those applicable to a type; the
 *   expected code and path are written here, not read from the code under test.
 */
import { FILING_TYPES } from '../domain/index.ts';
import type { FilingTypeInfo, TransportMode } from '../domain/index.ts';
import { validFiling } from './filings.ts';

type Body = Record<string, any>;

const HOUR = 3_600_000;

export function filingType(code: string): FilingTypeInfo {
  const t = FILING_TYPES.get(code);
  if (t === undefined) {
    throw new Error(`${code} is not in the filing-type catalogue`);
  }
  return t;
}

const hasDe = (t: FilingTypeInfo, de: string): boolean => t.presenceOf(de) !== undefined;

/** The air-like modes, whose master transport document is an air waybill. */
const AIR_MODES: readonly TransportMode[] = ['air', 'express', 'postal'];

/**
 * A filing of `code` made only of elements of its data set, from the clock-relative valid filing
 * (filings.ts): elements outside the set removed, the mode, the office or addressed
 * member state, the carrier and the master document as the type has them.
 */
export function filingOfType(code: string, now: Date, lrn = `DS-${code}`): Body {
  const t = filingType(code);
  const has = (de: string) => hasDe(t, de);
  const mode = t.modes[0]!;
  const f = validFiling(now, { lrn });
  f['filingType'] = code;
  const c = f['consignments'][0];
  const air = AIR_MODES.includes(mode);
  c.transportDocument = air ? { type: 'N740', ref: '176-12345675' } : { type: 'N705', ref: `DOC${code}0001` };
  if (has('19 08 000 000')) {
    f['transport'].mode = mode;
    if (!has('15 01 000 000')) {
      // The set has only the actual departure (F21, F27, F29–F31): the departure is the actual one.
      f['transport'].actualDeparture = f['transport'].estimatedDeparture;
      delete f['transport'].estimatedDeparture;
    }
    if (mode !== 'maritime') {
      delete f['transport'].meansId;
    }
    if (!has('19 08 062 000')) {
      delete f['transport'].nationality;
    }
    if (!has('19 02 000 000')) {
      delete f['transport'].conveyanceRef;
    }
  } else {
    delete f['transport'];
  }
  if (!has('17 07 000 000')) {
    delete f['officeOfFirstEntry'];
    f['addressedMemberState'] = 'NL';
  }
  if (has('13 12 000 000')) {
    f['carrier'] = { name: 'Ocean Carrier NV', eori: 'NL987654321' };
  }
  if (t.part === 'house') {
    c.masterTransportDocument = air
      ? { type: 'N740', ref: '176-12345675' }
      : { type: 'N705', ref: 'MASTER1' };
    if (air) {
      c.transportDocument = { type: 'N703', ref: `HAWB${code}1` };
    }
  }
  for (const [de, field] of [
    ['16 12 000 000', 'routing'],
    ['16 13 000 000', 'placeOfLoading'],
    ['16 14 000 000', 'placeOfUnloading'],
    ['13 02 000 000', 'consignor'],
    ['13 03 000 000', 'consignee'],
  ] as const) {
    if (!has(de)) {
      delete c[field];
    }
  }
  if (!has('19 07 000 000')) {
    c.containers = [];
  } else if (!has('19 10 000 000')) {
    c.containers = c.containers.map((k: { id: string }) => ({ id: k.id, seals: [] }));
  }
  if (has('12 01 000 000')) {
    f['previousDocuments'] = [{ type: 'N740', ref: `HAWB${code}1` }];
  }
  if (!has('18 05 000 000')) {
    c.goods = [];
  } else if (!has('18 06 000 000')) {
    delete c.goods[0].packages;
  }
  return f;
}

const master = (f: Body): Body => (f['masterConsignment'] ??= {});
const house = (f: Body): Body => f['consignments'][0];
/** Every goods item of the first consignment (an example has two where its type has goods). */
const goods = (f: Body): Body[] => house(f)['goods'] ?? [];

/** Per means of transport: identification, its type (CL750) and a conveyance reference. */
export const MEANS: Readonly<Record<TransportMode, { id: string; type: string; conveyance: string }>> = {
  maritime: { id: 'IMO9321483', type: '10', conveyance: 'VOY0042E' },
  'inland-waterway': { id: '02326589', type: '80', conveyance: 'VOY0042E' },
  air: { id: 'EK147', type: '40', conveyance: 'EK147' },
  express: { id: 'EK147', type: '40', conveyance: 'EK147' },
  postal: { id: 'EK147', type: '40', conveyance: 'EK147' },
  road: { id: 'AB123CD', type: '30', conveyance: 'TRIP77' },
  rail: { id: '318022770014', type: '20', conveyance: 'TRAIN77' },
};

/** One EUCDM data element the model has: how an example carries it, and where. */
export interface ElementExample {
  readonly de: string;
  readonly name: string;
  /** The JSON path of the element in an example (first consignment, first goods item). */
  readonly path: string;
  /** Adds the element (a valid value) to a filing of `type`. */
  readonly add: (f: Body, type: FilingTypeInfo) => void;
}

/**
 * The model carries these on a goods item only: a type without goods items (DE 18 05) cannot carry
 * them. (Supporting documents and additional information are carried at house level too, so the types
 * without goods items that have them — F16, F40–F42, F44, F45 — send them there.)
 */
export function onGoodsItem(e: ElementExample): boolean {
  return e.path.includes('.goods[');
}

/**
 * The model carries these inside `transport`, with the mode, dates and routing: a type carries a
 * `transport` when its data set has the active border transport means (DE 19 08) or, without it, the
 * itinerary (countries of routing of the means, DE 16 11: F42, the postal set whose data set has the
 * dates, routing and conveyance reference but no active means).
 */
export function onTransport(e: ElementExample): boolean {
  return e.path.startsWith('$.transport.');
}

/** Whether an example of `t` has a `transport`: the active means or, without it, the itinerary. */
export function hasTransport(t: FilingTypeInfo): boolean {
  return hasDe(t, '19 08 000 000') || hasDe(t, '16 11 000 000');
}

/** Whether an example of `t` carries element `e`: in the data set, and expressible by the model. */
export function carries(t: FilingTypeInfo, e: ElementExample): boolean {
  return (
    hasDe(t, e.de) && (!onGoodsItem(e) || hasDe(t, '18 05 000 000')) && (!onTransport(e) || hasTransport(t))
  );
}

const party = (name: string, eori?: string): Body => ({
  name,
  ...(eori !== undefined ? { eori } : {}),
  typeOfPerson: 2,
  communication: [{ type: 'EM', identifier: 'ops@example.com' }],
});

/**
 * The elements of the model an example adds where its type's data set has them, in the order of
 * src/intake/data-sets.ts. The transport, places of loading and unloading, consignor, consignee,
 * consignment routing, transport equipment, seals and goods come with `filingOfType` already.
 */
export const ELEMENTS: readonly ElementExample[] = [
  {
    de: '11 04 000 000',
    name: 'specific circumstance indicator',
    path: '$.specificCircumstanceIndicator',
    add: (f, t) => (f['specificCircumstanceIndicator'] = t.code),
  },
  {
    de: '11 05 000 000',
    name: 're-entry indicator',
    path: '$.reEntryIndicator',
    add: (f) => (f['reEntryIndicator'] = false),
  },
  {
    de: '11 06 001 000',
    name: 'split consignment indicator',
    path: '$.split',
    add: (f) => (f['split'] = true),
  },
  {
    de: '11 06 002 000',
    name: 'previous MRN',
    path: '$.previousMrn',
    add: (f) => (f['previousMrn'] = '22ITZXBZYUTJFLJXK6'),
  },
  {
    de: '13 06 000 000',
    name: 'representative',
    path: '$.representative',
    add: (f) => (f['representative'] = party('Rotterdam Customs Agents BV', 'NL555666777')),
  },
  {
    de: '13 12 018 000',
    name: 'carrier address',
    path: '$.carrier.address',
    add: (f) =>
      (f['carrier'].address = {
        street: 'Boompjes 40',
        city: 'Rotterdam',
        postcode: '3011XB',
        country: 'NL',
      }),
  },
  {
    de: '13 12 029 000',
    name: 'carrier communication',
    path: '$.carrier.communication',
    add: (f) => (f['carrier'].communication = [{ type: 'TE', identifier: '+31102000000' }]),
  },
  {
    de: '16 02 000 000',
    name: 'addressed member state',
    path: '$.addressedMemberState',
    add: (f) => (f['addressedMemberState'] = 'NL'),
  },
  {
    de: '12 01 000 000',
    name: 'previous document',
    path: '$.previousDocuments',
    // filingOfType names the pre-loading set's house waybill already (F25 completes a 7+1 set).
    add: (f, t) => (f['previousDocuments'] ??= [{ type: 'N740', ref: `HAWB${t.code}1` }]),
  },
  {
    de: '19 08 017 000',
    name: 'identification number of the active means',
    path: '$.transport.meansId',
    add: (f) => (f['transport'].meansId = MEANS[f['transport'].mode as TransportMode].id),
  },
  {
    de: '19 08 061 000',
    name: 'type of identification of the active means',
    path: '$.transport.typeOfIdentification',
    add: (f) => (f['transport'].typeOfIdentification = MEANS[f['transport'].mode as TransportMode].type),
  },
  {
    de: '19 02 000 000',
    name: 'conveyance reference number',
    path: '$.transport.conveyanceRef',
    add: (f) => (f['transport'].conveyanceRef = MEANS[f['transport'].mode as TransportMode].conveyance),
  },
  {
    de: '15 01 000 000',
    name: 'estimated departure',
    path: '$.transport.estimatedDeparture',
    add: (f) => (f['transport'].estimatedDeparture ??= f['transport'].actualDeparture),
  },
  {
    de: '15 02 000 000',
    name: 'actual departure',
    path: '$.transport.actualDeparture',
    add: (f) => (f['transport'].actualDeparture ??= f['transport'].estimatedDeparture),
  },
  {
    de: '12 05 000 000',
    name: 'master transport document',
    path: '$.masterConsignment.transportDocument',
    add: (f, t) =>
      (master(f).transportDocument =
        t.part === 'house' || t.part === 'pre-loading'
          ? structuredClone(house(f).masterTransportDocument ?? house(f).transportDocument)
          : structuredClone(house(f).transportDocument)),
  },
  {
    de: '16 16 000 000',
    name: 'place of acceptance',
    path: '$.consignments[0].placeOfAcceptance',
    add: (f) => (house(f).placeOfAcceptance = 'CNSZX'),
  },
  {
    de: '16 05 000 000',
    name: 'place of delivery',
    path: '$.consignments[0].placeOfDelivery',
    add: (f) => (house(f).placeOfDelivery = 'DEHAM'),
  },
  {
    de: '19 01 000 000',
    name: 'container indicator',
    path: '$.masterConsignment.containerIndicator',
    add: (f) => (master(f).containerIndicator = true),
  },
  {
    de: '19 07 000 000',
    name: 'transport equipment at master level',
    path: '$.masterConsignment.transportEquipment',
    add: (f, t) =>
      (master(f).transportEquipment = [
        { id: 'CSQU3054383', ...(hasDe(t, '19 10 000 000') ? { seals: ['SL112233'] } : {}) },
      ]),
  },
  {
    de: '19 09 000 000',
    name: 'passive border transport means',
    path: '$.masterConsignment.passiveBorderTransportMeans',
    add: (f) =>
      (master(f).passiveBorderTransportMeans = {
        meansId: 'TRAILER0042',
        nationality: 'DE',
        typeOfIdentification: '30',
      }),
  },
  {
    de: '19 11 000 000',
    name: 'receptacles',
    path: '$.masterConsignment.receptacles',
    add: (f) => (master(f).receptacles = ['CNSHAANLAMSBAUN30001001110050']),
  },
  {
    de: '13 13 000 000',
    name: 'notify party',
    path: '$.consignments[0].notifyParty',
    add: (f) =>
      (house(f).notifyParty = {
        ...party('Elektro Handel GmbH', 'DE123456789012345'),
        address: { poBox: '1204', city: 'Hamburg', postcode: '20457', country: 'DE' },
      }),
  },
  {
    de: '13 08 000 000',
    name: 'seller',
    path: '$.consignments[0].seller',
    add: (f) => (house(f).seller = party('Shenzhen Bright Electronics Co')),
  },
  {
    de: '13 09 000 000',
    name: 'buyer',
    path: '$.consignments[0].buyer',
    add: (f) => (house(f).buyer = party('Elektro Handel GmbH', 'DE123456789012345')),
  },
  {
    de: '13 15 000 000',
    name: 'supplementary declarant',
    path: '$.consignments[0].supplementaryDeclarant',
    add: (f) => (house(f).supplementaryDeclarant = party('Hamburg Forwarding GmbH', 'DE987654321000000')),
  },
  {
    de: '13 14 000 000',
    name: 'additional supply chain actor',
    path: '$.consignments[0].additionalSupplyChainActors',
    add: (f) => (house(f).additionalSupplyChainActors = [{ role: 'WH', eori: 'NL111222333' }]),
  },
  {
    de: '14 02 000 000',
    name: 'transport charges',
    path: '$.consignments[0].transportCharges',
    add: (f) => (house(f).transportCharges = 'A'),
  },
  {
    de: '12 08 000 000',
    name: 'UCR',
    path: '$.consignments[0].ucr',
    add: (f) => (house(f).ucr = '7NL123456789-2026-0001'),
  },
  {
    de: '18 05 000 000',
    name: 'a second goods item',
    path: '$.consignments[0].goods[1]',
    add: (f) => {
      const g = structuredClone(goods(f)[0]!);
      g.description = 'Tablet computers, 10 inch, boxed';
      g.hsCode = '847130';
      g.grossMassKg = 310;
      goods(f).push(g);
    },
  },
  {
    de: '11 03 000 000',
    name: 'goods item numbers',
    path: '$.consignments[0].goods[0].itemNumber',
    add: (f) => goods(f).forEach((g, j) => (g.itemNumber = j + 1)),
  },
  {
    de: '18 08 000 000',
    name: 'CUS code',
    path: '$.consignments[0].goods[0].cusCode',
    add: (f) => (goods(f)[0]!.cusCode = '0012345-6'),
  },
  {
    de: '18 07 000 000',
    name: 'UN number',
    path: '$.consignments[0].goods[0].unNumbers',
    add: (f) => (goods(f)[0]!.unNumbers = ['3480']),
  },
  {
    de: '18 06 000 000',
    name: 'packaging',
    path: '$.consignments[0].goods[0].packagings',
    add: (f, t) =>
      goods(f).forEach(
        (g) =>
          (g.packagings = [
            {
              type: 'CT',
              count: 250,
              ...(hasDe(t, '18 06 054 000') ? { shippingMarks: 'EHG/HAMBURG/1-250' } : {}),
            },
          ]),
      ),
  },
  {
    de: '12 03 000 000',
    name: 'supporting document',
    path: '$.consignments[0].goods[0].supportingDocuments',
    add: (f) => (goods(f)[0]!.supportingDocuments = [{ type: 'N380', ref: 'INV-2026-0042' }]),
  },
  {
    de: '12 02 000 000',
    name: 'additional information',
    path: '$.consignments[0].goods[0].additionalInformation',
    add: (f) => (goods(f)[0]!.additionalInformation = [{ code: '00200', text: 'Lithium ion batteries' }]),
  },
  {
    de: '12 03 000 000',
    name: 'supporting document at house level',
    path: '$.consignments[0].supportingDocuments',
    add: (f) => (house(f).supportingDocuments = [{ type: 'N380', ref: 'INV-2026-0042' }]),
  },
  {
    de: '12 02 000 000',
    name: 'additional information at house level',
    path: '$.consignments[0].additionalInformation',
    add: (f) => (house(f).additionalInformation = [{ code: '00200', text: 'Consolidated shipment' }]),
  },
];

/**
 * A valid example of filing type `code`: `filingOfType` with every element of ELEMENTS that the data
 * set has, a master transport document named where the type has one, and LRN `lrn`.
 */
export function exampleOfType(code: string, now: Date, lrn: string): Body {
  const t = filingType(code);
  const f = filingOfType(code, now, lrn);
  if (f['transport'] === undefined && hasTransport(t)) {
    // The itinerary without the active means (F42): mode, dates and routing of the reference filing.
    const { estimatedDeparture, estimatedArrival, routing } = validFiling(now)['transport'];
    f['transport'] = { mode: t.modes[0]!, estimatedDeparture, estimatedArrival, routing };
  }
  for (const e of ELEMENTS) {
    if (carries(t, e)) {
      e.add(f, t);
    }
  }
  return f;
}

/** The elements an example may get outside its data set, in order of preference (one is used). */
const OUTSIDE_CANDIDATES = [
  '13 08 000 000', // seller
  '13 13 000 000', // notify party
  '12 08 000 000', // UCR
  '14 02 000 000', // transport charges
  '16 02 000 000', // addressed member state
  '11 05 000 000', // re-entry indicator
  '19 11 000 000', // receptacles
];

/** The first candidate element that is not in the data set of `t`. */
export function elementOutside(t: FilingTypeInfo): ElementExample {
  const de = OUTSIDE_CANDIDATES.find((d) => !hasDe(t, d));
  if (de === undefined) {
    throw new Error(`${t.code} has every candidate element`);
  }
  return ELEMENTS.find((e) => e.de === de)!;
}

/** A rule or condition with the data it needs and the one change of a valid example that breaks it. */
export interface RuleCase {
  /** The error code the refusal must carry (ICS2 rule/condition code, or Vigil's own). */
  readonly code: string;
  /** What the mutation does, for the test name. */
  readonly what: string;
  /** Every one of these data elements must be in the type's data set. */
  readonly needs: readonly string[];
  /** When given, none of these data elements may be in the type's data set. */
  readonly lacks?: readonly string[];
  /** When given, the type's modes must include one of these. */
  readonly modes?: readonly TransportMode[];
  /** When given, the type's part must be one of these. */
  readonly parts?: readonly FilingTypeInfo['part'][];
  /** When given, the type must be one of these (a rule of one level, such as C3035 for master-level goods). */
  readonly types?: readonly string[];
  /** When given, the type must be none of these. */
  readonly notTypes?: readonly string[];
  /** The JSON path of the one error. */
  readonly path: string | ((t: FilingTypeInfo) => string);
  readonly mutate: (f: Body, t: FilingTypeInfo) => void;
}

const ACTIVE_MEANS = '19 08 000 000';
/** Countries of routing of the means of transport: the example has a `transport` (see hasTransport). */
const ROUTING_OF_MEANS = '16 11 000 000';
const GOODS = '18 05 000 000';

/**
 * The applicability table. The example's transport routing is CN, SG, NL (loading at CNSHA, unloading
 * at NLRTM, office of first entry NL000396), its consignment routing CN, SG, NL, DE (acceptance CNSZX,
 * delivery DEHAM): the paths below follow from that.
 */
export const RULE_CASES: readonly RuleCase[] = [
  {
    code: 'R3013',
    what: 'the means’ routing starts in HK, where nothing is loaded',
    needs: [ROUTING_OF_MEANS, '16 13 000 000'],
    path: '$.transport.routing[0]',
    mutate: (f) => f['transport'].routing.unshift('HK'),
  },
  {
    code: 'R3014',
    what: 'the means’ routing ends in GB, where nothing is unloaded',
    needs: [ROUTING_OF_MEANS, '16 14 000 000'],
    path: '$.transport.routing[3]',
    mutate: (f) => f['transport'].routing.push('GB'),
  },
  {
    code: 'R3018',
    what: 'the office of first entry is in BE, the routing enters the EU in NL',
    needs: [ROUTING_OF_MEANS, '17 07 000 000'],
    path: '$.transport.routing[2]',
    mutate: (f) => (f['officeOfFirstEntry'] = 'BE101000'),
  },
  {
    code: 'R3053',
    what: 'the arrival is an hour before the departure',
    needs: ['15 03 000 000'],
    path: '$.transport.estimatedArrival',
    mutate: (f) =>
      (f['transport'].estimatedArrival = new Date(
        Date.parse(f['transport'].actualDeparture ?? f['transport'].estimatedDeparture) - HOUR,
      ).toISOString()),
  },
  {
    code: 'R3009',
    what: 'the IMO number’s check digit is wrong',
    needs: ['19 08 017 000'],
    modes: ['maritime'],
    path: '$.transport.meansId',
    mutate: (f) => (f['transport'].meansId = 'IMO9321484'),
  },
  {
    code: 'R3010',
    what: 'a barge with a 7-digit ENI number',
    needs: ['19 08 017 000'],
    modes: ['inland-waterway'],
    path: '$.transport.meansId',
    mutate: (f) => Object.assign(f['transport'], { mode: 'inland-waterway', meansId: '0232658' }),
  },
  {
    code: 'C3001',
    what: 'split without the previous MRN',
    // Only where the data set has the previous MRN: elsewhere the split indicator stands alone.
    needs: ['11 06 001 000', '11 06 002 000'],
    path: '$.previousMrn',
    mutate: (f) => {
      f['split'] = true;
      delete f['previousMrn'];
    },
  },
  {
    code: 'C3001',
    what: 'a previous MRN without split',
    needs: ['11 06 001 000', '11 06 002 000'],
    path: '$.previousMrn',
    mutate: (f) => (f['split'] = false),
  },
  {
    code: 'R3004',
    what: 'the previous MRN’s check character is wrong',
    needs: ['11 06 002 000'],
    path: '$.previousMrn',
    mutate: (f) => (f['previousMrn'] = '22ITZXBZYUTJFLJXK7'),
  },
  {
    code: 'R3022',
    what: 'delivery in AT, not on the consignment’s routing',
    needs: ['16 12 000 000', '16 05 000 000'],
    path: '$.consignments[0].routing',
    mutate: (f) => (house(f).placeOfDelivery = 'ATVIE'),
  },
  {
    code: 'R3022',
    what: 'acceptance in HK, not on the consignment’s routing',
    needs: ['16 12 000 000', '16 16 000 000'],
    path: '$.consignments[0].routing',
    mutate: (f) => (house(f).placeOfAcceptance = 'HKHKG'),
  },
  {
    code: 'R3021',
    what: 'the container’s check digit is wrong',
    needs: ['19 07 000 000'],
    path: '$.consignments[0].containers[0].id',
    mutate: (f) => (house(f).containers[0].id = 'MSCU1234567'),
  },
  {
    code: 'R3016',
    what: 'two goods items numbered 1',
    needs: [GOODS, '11 03 000 000'],
    path: '$.consignments[0].goods[1].itemNumber',
    mutate: (f) => (goods(f)[1]!.itemNumber = 1),
  },
  {
    code: 'R3017',
    what: 'goods items numbered 1 and 3',
    needs: [GOODS, '11 03 000 000'],
    path: '$.consignments[0].goods[1].itemNumber',
    mutate: (f) => (goods(f)[1]!.itemNumber = 3),
  },
  {
    code: 'R3020',
    what: 'a CUS code without its hyphen',
    needs: [GOODS, '18 08 000 000'],
    path: '$.consignments[0].goods[0].cusCode',
    mutate: (f) => (goods(f)[0]!.cusCode = '00123456'),
  },
  {
    code: 'R3052',
    what: 'a second consignment under the same transport document',
    needs: ['12 05 000 000'],
    path: '$.consignments[1].transportDocument.ref',
    mutate: (f) => f['consignments'].push(structuredClone(house(f))),
  },
  {
    code: 'R3002',
    what: 'the consignor’s address has neither a street nor a P.O. box',
    needs: ['13 02 000 000'],
    path: '$.consignments[0].consignor.address.street',
    mutate: (f) => delete house(f).consignor.address.street,
  },
  {
    code: 'R3005',
    what: 'the declarant’s identification number is not an EORI',
    needs: [],
    path: '$.declarant.eori',
    mutate: (f) => (f['declarant'].eori = 'NOT-AN-EORI'),
  },
  {
    code: 'R3005',
    what: 'the carrier’s identification number is not an EORI',
    needs: ['13 12 000 000'],
    path: '$.carrier.eori',
    mutate: (f) => (f['carrier'].eori = '123456789'),
  },
  {
    code: 'R3006',
    what: 'the carrier’s telephone number in national notation',
    needs: ['13 12 029 000'],
    path: '$.carrier.communication[0].identifier',
    mutate: (f) => (f['carrier'].communication = [{ type: 'TE', identifier: '010 200 0000' }]),
  },
  {
    code: 'R3033',
    what: 'the representative is the declarant',
    needs: ['13 06 000 000'],
    path: '$.representative.eori',
    mutate: (f) => (f['representative'].eori = f['declarant'].eori),
  },
  {
    code: 'C3022',
    what: 'no consignee and not to order',
    needs: ['13 03 000 000'],
    path: '$.consignments[0].consignee',
    mutate: (f) => delete house(f).consignee,
  },
  {
    code: 'C3024',
    what: 'to order (10600) without a notify party',
    needs: ['13 03 000 000', '13 13 000 000', '12 02 000 000'],
    path: '$.consignments[0].notifyParty',
    mutate: (f) => {
      delete house(f).consignee;
      delete house(f).notifyParty;
      house(f).additionalInformation = [{ code: '10600' }];
    },
  },
  {
    code: 'C3035',
    what: 'a master-level carton without its number of packages',
    needs: [GOODS, '18 06 000 000'],
    types: ['F10'],
    path: '$.consignments[0].goods[0].packagings[0].count',
    mutate: (f) => delete goods(f)[0]!.packagings[0].count,
  },
  {
    code: 'C3036',
    what: 'a house-level carton without its number of packages',
    needs: [GOODS, '18 06 000 000'],
    notTypes: ['F10'],
    path: '$.consignments[0].goods[0].packagings[0].count',
    mutate: (f) => delete goods(f)[0]!.packagings[0].count,
  },
  {
    code: 'C3036',
    what: 'bulk liquid with a number of packages',
    needs: [GOODS, '18 06 000 000'],
    notTypes: ['F10'],
    path: '$.consignments[0].goods[0].packagings[0].count',
    mutate: (f) => {
      const p = goods(f)[0]!.packagings[0];
      p.type = 'VL';
      delete p.shippingMarks;
    },
  },
  {
    code: 'C3036',
    what: 'a house-level carton without shipping marks',
    needs: [GOODS, '18 06 054 000'],
    notTypes: ['F10'],
    path: '$.consignments[0].goods[0].packagings[0].shippingMarks',
    mutate: (f) => delete goods(f)[0]!.packagings[0].shippingMarks,
  },
  {
    code: 'VIGIL_AWB_INVALID',
    what: 'an air waybill with a wrong check digit',
    needs: ['12 05 000 000'],
    modes: AIR_MODES,
    path: '$.consignments[0].transportDocument.ref',
    mutate: (f) => (house(f).transportDocument = { type: 'N740', ref: '176-12345676' }),
  },
  {
    code: 'VIGIL_NOT_IN_DATA_SET',
    what: 'an element outside the data set',
    needs: [],
    path: (t) => elementOutside(t).path,
    mutate: (f, t) => elementOutside(t).add(f, t),
  },
  {
    code: 'VIGIL_NOT_IN_DATA_SET',
    what: 'an estimated departure where the data set has only the actual one',
    needs: [ACTIVE_MEANS, '15 02 000 000'],
    lacks: ['15 01 000 000'],
    path: '$.transport.estimatedDeparture',
    mutate: (f) => (f['transport'].estimatedDeparture = f['transport'].actualDeparture),
  },
  {
    code: 'VIGIL_NOT_IN_DATA_SET',
    what: 'an actual departure where the data set has only the estimated one',
    needs: [ACTIVE_MEANS, '15 01 000 000'],
    lacks: ['15 02 000 000'],
    path: '$.transport.actualDeparture',
    mutate: (f) => (f['transport'].actualDeparture = f['transport'].estimatedDeparture),
  },
  {
    code: 'VIGIL_SCHEMA_REQUIRED',
    what: 'no active border transport means',
    needs: [ACTIVE_MEANS],
    path: '$.transport',
    mutate: (f) => delete f['transport'],
  },
  {
    code: 'VIGIL_SCHEMA_REQUIRED',
    what: 'no place of loading',
    needs: ['16 13 000 000'],
    path: '$.consignments[0].placeOfLoading',
    mutate: (f) => delete house(f).placeOfLoading,
  },
  {
    code: 'VIGIL_SCHEMA_REQUIRED',
    what: 'neither office of first entry nor addressed member state',
    needs: [],
    path: '$.officeOfFirstEntry',
    mutate: (f) => {
      delete f['officeOfFirstEntry'];
      delete f['addressedMemberState'];
    },
  },
  {
    code: 'VIGIL_MASTER_DOCUMENT_REQUIRED',
    what: 'a house consignment without its master document',
    needs: [],
    parts: ['house'],
    path: '$.consignments[0].masterTransportDocument',
    mutate: (f) => {
      delete house(f).masterTransportDocument;
      delete f['masterConsignment']?.transportDocument;
    },
  },
  {
    code: 'VIGIL_MASTER_DOCUMENT_REQUIRED',
    what: 'no carrier EORI to link the parts',
    needs: [],
    parts: ['master', 'house'],
    path: '$.carrier.eori',
    mutate: (f) => {
      f['carrier'] ??= { name: 'Ocean Carrier NV' };
      delete f['carrier'].eori;
    },
  },
  {
    code: 'VIGIL_DESCRIPTION_VAGUE',
    what: 'goods described as “general cargo”',
    needs: [GOODS],
    path: '$.consignments[0].goods[0].description',
    mutate: (f) => (goods(f)[0]!.description = 'General cargo'),
  },
  {
    code: 'VIGIL_SCHEMA_TOO_BIG',
    what: 'an LRN of 23 characters',
    needs: [],
    path: '$.lrn',
    mutate: (f) => (f['lrn'] = String(f['lrn']).padEnd(23, 'X')),
  },
  {
    code: 'VIGIL_SCHEMA_TOO_BIG',
    what: 'a conveyance reference of 18 characters',
    needs: [ROUTING_OF_MEANS, '19 02 000 000'],
    path: '$.transport.conveyanceRef',
    mutate: (f) => (f['transport'].conveyanceRef = 'C'.repeat(18)),
  },
  {
    code: 'VIGIL_SCHEMA_TOO_BIG',
    what: 'a seal of 21 characters',
    needs: ['19 07 000 000', '19 10 000 000'],
    path: '$.consignments[0].containers[0].seals[0]',
    mutate: (f) => (house(f).containers[0].seals = ['S'.repeat(21)]),
  },
];

/** The rule cases that apply to filing type `t`, with their expected path resolved. */
export function casesFor(t: FilingTypeInfo): (RuleCase & { readonly at: string })[] {
  return RULE_CASES.filter(
    (r) =>
      r.needs.every((de) => hasDe(t, de)) &&
      (r.lacks ?? []).every((de) => !hasDe(t, de)) &&
      (r.modes === undefined || r.modes.some((m) => t.modes.includes(m))) &&
      (r.parts === undefined || r.parts.includes(t.part)) &&
      (r.types === undefined || r.types.includes(t.code)) &&
      !(r.notTypes ?? []).includes(t.code),
  ).map((r) => ({ ...r, at: typeof r.path === 'string' ? r.path : r.path(t) }));
}
