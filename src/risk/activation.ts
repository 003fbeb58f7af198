/**
 * The activation: the values one consignment presents to the rules, built once per consignment and
 * shared by every rule evaluated on it. Optional fields of the filing are filled with neutral values
 * ("" and 0) so a rule never meets a missing field, and the derived values analysts ask for (value per
 * kg, totals, the main origin, operator profiles) are computed here once rather than in every rule.
 */
import { ratesOn } from '../domain/money.ts';
import type { RateSet } from '../domain/money.ts';
import type { Consignment, Filing, GoodsItem, Party } from '../domain/filing.ts';

export interface OperatorProfileInput {
  readonly aeo?: boolean | undefined;
  /** AEOC (customs simplifications), AEOS (security and safety) or AEOF (full). */
  readonly aeoType?: 'AEOC' | 'AEOS' | 'AEOF' | undefined;
  readonly controls?: number | undefined;
  readonly irregularities?: number | undefined;
  readonly seizures?: number | undefined;
  /** First time Vigil saw the operator (ISO 8601). */
  readonly firstSeen?: string | undefined;
}

/** Looks up what Vigil knows of an operator by EORI (or by name when it has none). */
export type OperatorProfileLookup = (party: Party) => OperatorProfileInput | undefined;

export interface ActOperatorProfile {
  readonly known: boolean;
  readonly aeo: boolean;
  readonly aeoType: string;
  readonly controls: number;
  readonly irregularities: number;
  readonly seizures: number;
  readonly irregularityRate: number;
  readonly firstSeen: string;
  readonly daysKnown: number;
}

export interface ActAddress {
  readonly street: string;
  readonly city: string;
  readonly postcode: string;
  readonly country: string;
  readonly text: string;
}

export interface ActParty {
  readonly name: string;
  readonly eori: string;
  readonly country: string;
  readonly address: ActAddress;
  readonly profile: ActOperatorProfile;
}

export interface ActTransportDocument {
  readonly type: string;
  readonly ref: string;
}

export interface ActTransport {
  readonly mode: string;
  readonly meansId: string;
  readonly conveyanceRef: string;
  readonly nationality: string;
  readonly routing: readonly string[];
  readonly estimatedDeparture: string;
  readonly estimatedArrival: string;
  readonly transitHours: number;
  readonly shortHaul: boolean;
  readonly containerised: boolean;
}

export interface ActConsignment {
  readonly transportDocument: ActTransportDocument;
  readonly masterTransportDocument: ActTransportDocument;
  readonly previousMrn: string;
  readonly split: boolean;
  readonly placeOfLoading: string;
  readonly placeOfUnloading: string;
  readonly loadingCountry: string;
  readonly unloadingCountry: string;
  readonly routing: readonly string[];
  readonly origin: string;
  readonly origins: readonly string[];
  readonly goodsCount: number;
  readonly containerCount: number;
}

export interface ActGoodsItem {
  readonly hsCode: string;
  readonly chapter: string;
  readonly heading: string;
  readonly description: string;
  readonly grossMassKg: number;
  readonly packageType: string;
  readonly packageCount: number;
  /** The declared value in EUR, converted with the reference rates in force at the assessment. */
  readonly value: number;
  /** The value as declared, in `currency`. */
  readonly declaredValue: number;
  readonly currency: string;
  readonly origin: string;
  /** EUR per kg gross. */
  readonly valuePerKg: number;
}

export interface ActContainer {
  readonly id: string;
  readonly seals: readonly string[];
}

export interface ActFiling {
  readonly filingType: string;
  readonly lrn: string;
  readonly officeOfFirstEntry: string;
  readonly declarant: ActParty;
  readonly carrier: ActParty;
  readonly consignmentCount: number;
}

/** Every variable a rule can name (see docs/rules-language.md). */
export interface RuleActivation {
  readonly filing: ActFiling;
  readonly transport: ActTransport;
  readonly consignment: ActConsignment;
  readonly goods: readonly ActGoodsItem[];
  readonly consignor: ActParty;
  readonly consignee: ActParty;
  readonly declarant: ActParty;
  readonly carrier: ActParty;
  readonly notifyParty: ActParty;
  readonly containers: readonly ActContainer[];
  readonly container: ActContainer;
  readonly valuePerKg: number;
  readonly totalValue: number;
  readonly totalMassKg: number;
  readonly totalPackages: number;
  readonly routing: readonly string[];
  readonly hsCodes: readonly string[];
  readonly operator: ActOperatorProfile;
}

export interface ActivationInput {
  readonly filing: Filing;
  /** Which consignment of the filing to assess. */
  readonly consignmentIndex: number;
  /** The assessment instant (ISO 8601); operator ages are counted to it. */
  readonly at: string;
  readonly profiles?: OperatorProfileLookup | undefined;
}

const DAY_MS = 86_400_000;

const EMPTY_PROFILE: ActOperatorProfile = Object.freeze({
  known: false,
  aeo: false,
  aeoType: '',
  controls: 0,
  irregularities: 0,
  seizures: 0,
  irregularityRate: 0,
  firstSeen: '',
  daysKnown: 0,
});

const EMPTY_ADDRESS: ActAddress = Object.freeze({
  street: '',
  city: '',
  postcode: '',
  country: '',
  text: '',
});

const EMPTY_PARTY: ActParty = Object.freeze({
  name: '',
  eori: '',
  country: '',
  address: EMPTY_ADDRESS,
  profile: EMPTY_PROFILE,
});

const EMPTY_DOCUMENT: ActTransportDocument = Object.freeze({ type: '', ref: '' });
const EMPTY_CONTAINER: ActContainer = Object.freeze({ id: '', seals: Object.freeze([]) });

function profileOf(p: OperatorProfileInput | undefined, atMs: number): ActOperatorProfile {
  if (p === undefined) {
    return EMPTY_PROFILE;
  }
  const controls = p.controls ?? 0;
  const irregularities = p.irregularities ?? 0;
  const firstSeenMs = p.firstSeen === undefined ? NaN : Date.parse(p.firstSeen);
  return {
    known: true,
    aeo: p.aeo ?? false,
    aeoType: p.aeoType ?? '',
    controls,
    irregularities,
    seizures: p.seizures ?? 0,
    irregularityRate: controls > 0 ? irregularities / controls : 0,
    firstSeen: p.firstSeen ?? '',
    daysKnown: Number.isNaN(firstSeenMs) ? 0 : Math.max(0, Math.floor((atMs - firstSeenMs) / DAY_MS)),
  };
}

function partyOf(p: Party | undefined, lookup: OperatorProfileLookup | undefined, atMs: number): ActParty {
  if (p === undefined) {
    return EMPTY_PARTY;
  }
  const a = p.address;
  const address: ActAddress =
    a === undefined
      ? EMPTY_ADDRESS
      : {
          street: a.street,
          city: a.city,
          postcode: a.postcode ?? '',
          country: a.country,
          text: [a.street, a.postcode, a.city, a.country]
            .filter((x) => x !== undefined && x !== '')
            .join(', '),
        };
  const eori = p.eori ?? '';
  return {
    name: p.name,
    eori,
    // The address says where the operator is; an EORI's prefix is the country that issued it.
    country: address.country !== '' ? address.country : eori.slice(0, 2),
    address,
    profile: profileOf(lookup?.(p), atMs),
  };
}

function goodsOf(g: GoodsItem, rates: RateSet): ActGoodsItem {
  const declaredValue = g.value?.amount ?? 0;
  // Intake refuses a currency without a rate; a value stored before that rule counts as 0.
  const rate = g.value !== undefined ? rates.perEur[g.value.currency] : undefined;
  const value = rate !== undefined ? declaredValue / rate : 0;
  return {
    hsCode: g.hsCode,
    chapter: g.hsCode.slice(0, 2),
    heading: g.hsCode.slice(0, 4),
    description: g.description,
    grossMassKg: g.grossMassKg,
    packageType: g.packages?.type ?? '',
    packageCount: g.packages?.count ?? 0,
    value,
    declaredValue,
    currency: g.value?.currency ?? '',
    origin: g.origin ?? '',
    valuePerKg: g.grossMassKg > 0 ? value / g.grossMassKg : 0,
  };
}

/** The consignment's main origin: the origin of its most valuable goods item (first on ties). */
function mainOrigin(goods: readonly ActGoodsItem[]): string {
  let best = '';
  let bestValue = -1;
  for (const g of goods) {
    if (g.origin !== '' && g.value > bestValue) {
      best = g.origin;
      bestValue = g.value;
    }
  }
  return best;
}

function consignmentOf(c: Consignment, goods: readonly ActGoodsItem[]): ActConsignment {
  const origins: string[] = [];
  for (const g of goods) {
    if (g.origin !== '' && !origins.includes(g.origin)) {
      origins.push(g.origin);
    }
  }
  return {
    transportDocument: { type: c.transportDocument.type, ref: c.transportDocument.ref },
    masterTransportDocument:
      c.masterTransportDocument === undefined
        ? EMPTY_DOCUMENT
        : { type: c.masterTransportDocument.type, ref: c.masterTransportDocument.ref },
    previousMrn: c.previousMrn ?? '',
    split: c.split ?? false,
    placeOfLoading: c.placeOfLoading,
    placeOfUnloading: c.placeOfUnloading,
    loadingCountry: c.placeOfLoading.slice(0, 2),
    unloadingCountry: c.placeOfUnloading.slice(0, 2),
    routing: c.routing,
    origin: mainOrigin(goods),
    origins,
    goodsCount: goods.length,
    containerCount: c.containers.length,
  };
}

/** Builds the activation for one consignment of a filing. Pure: the same input gives the same values. */
export function buildActivation(input: ActivationInput): RuleActivation {
  const { filing, profiles } = input;
  const c = filing.consignments[input.consignmentIndex];
  if (c === undefined) {
    throw new RangeError(`filing has no consignment ${input.consignmentIndex}`);
  }
  const atMs = Date.parse(input.at);
  const rates = ratesOn(input.at);
  const goods = c.goods.map((g) => goodsOf(g, rates));
  let totalValue = 0;
  let totalMassKg = 0;
  let totalPackages = 0;
  const hsCodes: string[] = [];
  for (const g of goods) {
    totalValue += g.value;
    totalMassKg += g.grossMassKg;
    totalPackages += g.packageCount;
    hsCodes.push(g.hsCode);
  }
  const t = filing.transport;
  const declarant = partyOf(filing.declarant, profiles, atMs);
  const carrier = partyOf(filing.carrier, profiles, atMs);
  const consignee = partyOf(c.consignee, profiles, atMs);
  const containers = c.containers.map((k) => ({ id: k.id, seals: k.seals }));
  const departure = Date.parse(t.estimatedDeparture);
  const arrival = Date.parse(t.estimatedArrival);
  return {
    filing: {
      filingType: filing.filingType,
      lrn: filing.lrn,
      officeOfFirstEntry: filing.officeOfFirstEntry,
      declarant,
      carrier,
      consignmentCount: filing.consignments.length,
    },
    transport: {
      mode: t.mode,
      meansId: t.meansId ?? '',
      conveyanceRef: t.conveyanceRef ?? '',
      nationality: t.nationality ?? '',
      routing: t.routing,
      estimatedDeparture: t.estimatedDeparture,
      estimatedArrival: t.estimatedArrival,
      transitHours: Number.isNaN(departure) || Number.isNaN(arrival) ? 0 : (arrival - departure) / 3_600_000,
      shortHaul: t.shortHaul ?? false,
      containerised: t.containerised ?? false,
    },
    consignment: consignmentOf(c, goods),
    goods,
    consignor: partyOf(c.consignor, profiles, atMs),
    consignee,
    declarant,
    carrier,
    notifyParty: partyOf(c.notifyParty, profiles, atMs),
    containers,
    container: containers[0] ?? EMPTY_CONTAINER,
    valuePerKg: totalMassKg > 0 ? totalValue / totalMassKg : 0,
    totalValue,
    totalMassKg,
    totalPackages,
    routing: c.routing.length > 0 ? c.routing : t.routing,
    hsCodes,
    // The importer's record is the one that matters most for entry risk (DESIGN §2.2).
    operator: consignee.profile,
  };
}
