/**
 * The activation: the values one consignment presents to the rules, built once per consignment and
 * shared by every rule evaluated on it. Optional fields of the filing are filled with neutral values
 * ("" and 0) so a rule never meets a missing field, and the derived values analysts ask for (value per
 * kg, totals, the main origin, operator profiles) are computed here once rather than in every rule.
 */
import { aeoTypeOf, dayOf, grantsInForce } from '../domain/aeo.ts';
import type { AeoGrant } from '../domain/aeo.ts';
import { ratesOn } from '../domain/money.ts';
import { HsNomenclature, NO_NOMENCLATURE } from './hs-nomenclature.ts';
import { IprBrands, NO_BRANDS } from './brand-screen.ts';
import type { BrandScreen } from './brand-screen.ts';
import type { GoodsNomenclature } from './hs-nomenclature.ts';
import type { RateSet } from '../domain/money.ts';
import { isToOrder, modeOf } from '../domain/filing.ts';
import type { Consignment, Filing, GoodsItem, Party } from '../domain/filing.ts';

export interface OperatorProfileInput {
  readonly aeo?: boolean | undefined;
  /** AEOC (customs simplifications), AEOS (security and safety) or AEOF (full). */
  readonly aeoType?: 'AEOC' | 'AEOS' | 'AEOF' | undefined;
  /**
   * The AEO statuses the register gives the operator (own authorisations, MRA recognitions): when
   * given, `aeo` and `aeoType` are what of them is in force on the day of the assessment.
   */
  readonly aeoGrants?: readonly AeoGrant[] | undefined;
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
  readonly poBox: string;
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
  /** 1 natural person, 2 legal person, 3 association of persons; 0 when not given. */
  readonly typeOfPerson: number;
  readonly profile: ActOperatorProfile;
}

export interface ActTransportDocument {
  readonly type: string;
  readonly ref: string;
}

export interface ActTransport {
  readonly mode: string;
  readonly meansId: string;
  readonly typeOfIdentification: string;
  readonly conveyanceRef: string;
  readonly nationality: string;
  readonly routing: readonly string[];
  readonly estimatedDeparture: string;
  readonly estimatedArrival: string;
  readonly actualDeparture: string;
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
  readonly placeOfAcceptance: string;
  readonly placeOfDelivery: string;
  readonly acceptanceCountry: string;
  readonly deliveryCountry: string;
  readonly routing: readonly string[];
  /** No consignee: a consignment "to order". */
  readonly toOrder: boolean;
  readonly ucr: string;
  readonly transportCharges: string;
  /** Roles of the additional supply chain actors. */
  readonly supplyChainRoles: readonly string[];
  /** Supporting document types and additional information codes at house level. */
  readonly documentTypes: readonly string[];
  readonly additionalInformationCodes: readonly string[];
  readonly origin: string;
  readonly origins: readonly string[];
  readonly goodsCount: number;
  readonly containerCount: number;
}

export interface ActGoodsItem {
  /** The goods item number; 0 when not given. */
  readonly itemNumber: number;
  readonly hsCode: string;
  readonly cusCode: string;
  readonly unNumbers: readonly string[];
  readonly shippingMarks: readonly string[];
  readonly documentTypes: readonly string[];
  readonly additionalInformationCodes: readonly string[];
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

export interface ActMasterConsignment {
  readonly transportDocument: ActTransportDocument;
  readonly placeOfLoading: string;
  readonly placeOfUnloading: string;
  readonly placeOfAcceptance: string;
  readonly placeOfDelivery: string;
  readonly containerIndicator: boolean;
  readonly passiveMeansId: string;
  readonly passiveMeansNationality: string;
  readonly receptacles: readonly string[];
  readonly containerCount: number;
}

export interface ActFiling {
  readonly filingType: string;
  readonly lrn: string;
  readonly officeOfFirstEntry: string;
  readonly addressedMemberState: string;
  readonly specificCircumstanceIndicator: string;
  readonly reEntry: boolean;
  readonly split: boolean;
  readonly previousMrn: string;
  readonly representative: ActParty;
  /** The filing gave an active means of transport (false: a house part or pre-loading set). */
  readonly hasTransport: boolean;
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
  readonly buyer: ActParty;
  readonly seller: ActParty;
  readonly representative: ActParty;
  readonly supplementaryDeclarant: ActParty;
  readonly masterConsignment: ActMasterConsignment;
  readonly containers: readonly ActContainer[];
  readonly container: ActContainer;
  readonly valuePerKg: number;
  readonly totalValue: number;
  readonly totalMassKg: number;
  readonly totalPackages: number;
  readonly routing: readonly string[];
  readonly hsCodes: readonly string[];
  readonly operator: ActOperatorProfile;
  /** The goods nomenclature: `hs.chapter(code)`, `hs.under(code, "8517")` … (hs-nomenclature.ts). */
  readonly hs: HsNomenclature;
  /** Protected brands of IPR applications in force: `ipr.brands(g.description)` (brand-screen.ts). */
  readonly ipr: IprBrands;
}

export interface ActivationInput {
  readonly filing: Filing;
  /** Which consignment of the filing to assess. */
  readonly consignmentIndex: number;
  /** The assessment instant (ISO 8601); operator ages are counted to it. */
  readonly at: string;
  readonly profiles?: OperatorProfileLookup | undefined;
  /** The reference data for `hs.description` (descriptions in force on the day of `at`). */
  readonly nomenclature?: GoodsNomenclature | undefined;
  /** The authority's IPR applications for `ipr.brands` (none: no brand is found). */
  readonly brands?: BrandScreen | undefined;
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
  poBox: '',
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
  typeOfPerson: 0,
  profile: EMPTY_PROFILE,
});

const EMPTY_DOCUMENT: ActTransportDocument = Object.freeze({ type: '', ref: '' });
/** Shared by every activation that has nothing there (activations are never changed once built). */
const NONE: readonly string[] = Object.freeze([]);
const EMPTY_MASTER: ActMasterConsignment = Object.freeze({
  transportDocument: EMPTY_DOCUMENT,
  placeOfLoading: '',
  placeOfUnloading: '',
  placeOfAcceptance: '',
  placeOfDelivery: '',
  containerIndicator: false,
  passiveMeansId: '',
  passiveMeansNationality: '',
  receptacles: NONE,
  containerCount: 0,
});

/** The address as one line: street, PO box, postcode, city, country (those given, comma-separated). */
function addressText(a: NonNullable<Party['address']>): string {
  let text = '';
  const add = (x: string | undefined): void => {
    if (x !== undefined && x !== '') {
      text = text === '' ? x : `${text}, ${x}`;
    }
  };
  add(a.street);
  add(a.poBox === undefined ? undefined : `PO Box ${a.poBox}`);
  add(a.postcode);
  add(a.city);
  add(a.country);
  return text;
}

/** `Date.parse` of the assessment instant, which is the same for a run of consignments. */
let lastAt = '';
let lastAtMs = NaN;
function parseAt(at: string): number {
  if (at !== lastAt) {
    lastAtMs = Date.parse(at);
    lastAt = at;
  }
  return lastAtMs;
}
const EMPTY_CONTAINER: ActContainer = Object.freeze({ id: '', seals: Object.freeze([]) });

function profileOf(p: OperatorProfileInput | undefined, atMs: number): ActOperatorProfile {
  if (p === undefined) {
    return EMPTY_PROFILE;
  }
  const controls = p.controls ?? 0;
  const irregularities = p.irregularities ?? 0;
  const firstSeenMs = p.firstSeen === undefined ? NaN : Date.parse(p.firstSeen);
  const inForce =
    p.aeoGrants === undefined || p.aeoGrants.length === 0 || Number.isNaN(atMs)
      ? undefined
      : grantsInForce(p.aeoGrants, dayOf(new Date(atMs)));
  return {
    known: true,
    aeo: inForce !== undefined ? inForce.length > 0 : (p.aeo ?? false),
    aeoType: inForce !== undefined ? (aeoTypeOf(inForce) ?? '') : (p.aeoType ?? ''),
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
          street: a.street ?? '',
          poBox: a.poBox ?? '',
          city: a.city,
          postcode: a.postcode ?? '',
          country: a.country,
          text: addressText(a),
        };
  const eori = p.eori ?? '';
  return {
    name: p.name,
    eori,
    // The address says where the operator is; an EORI's prefix is the country that issued it.
    country: address.country !== '' ? address.country : eori.slice(0, 2),
    address,
    typeOfPerson: p.typeOfPerson ?? 0,
    profile: profileOf(lookup?.(p), atMs),
  };
}

function goodsOf(g: GoodsItem, rates: RateSet): ActGoodsItem {
  const declaredValue = g.value?.amount ?? 0;
  // Intake refuses a currency without a rate; a value stored before that rule counts as 0.
  const rate = g.value !== undefined ? rates.perEur[g.value.currency] : undefined;
  const value = rate !== undefined ? declaredValue / rate : 0;
  return {
    itemNumber: g.itemNumber ?? 0,
    hsCode: g.hsCode,
    cusCode: g.cusCode ?? '',
    unNumbers: g.unNumbers ?? NONE,
    shippingMarks:
      g.packagings === undefined
        ? NONE
        : g.packagings.flatMap((p) => (p.shippingMarks === undefined ? [] : [p.shippingMarks])),
    documentTypes: g.supportingDocuments === undefined ? NONE : g.supportingDocuments.map((d) => d.type),
    additionalInformationCodes:
      g.additionalInformation === undefined ? NONE : g.additionalInformation.map((x) => x.code),
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

function consignmentOf(filing: Filing, c: Consignment, goods: readonly ActGoodsItem[]): ActConsignment {
  const m = filing.masterConsignment;
  // A house consignment without its own places travels under the master level's.
  const loading = c.placeOfLoading ?? m?.placeOfLoading ?? '';
  const unloading = c.placeOfUnloading ?? m?.placeOfUnloading ?? '';
  const acceptance = c.placeOfAcceptance ?? m?.placeOfAcceptance ?? '';
  const delivery = c.placeOfDelivery ?? m?.placeOfDelivery ?? '';
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
    // The split indicator and previous MRN are the header's since issue 17; kept here for old rules.
    previousMrn: filing.previousMrn ?? '',
    split: filing.split ?? false,
    placeOfLoading: loading,
    placeOfUnloading: unloading,
    loadingCountry: loading.slice(0, 2),
    unloadingCountry: unloading.slice(0, 2),
    placeOfAcceptance: acceptance,
    placeOfDelivery: delivery,
    acceptanceCountry: acceptance.slice(0, 2),
    deliveryCountry: delivery.slice(0, 2),
    routing: c.routing ?? NONE,
    toOrder: isToOrder(c),
    documentTypes: c.supportingDocuments === undefined ? NONE : c.supportingDocuments.map((d) => d.type),
    additionalInformationCodes:
      c.additionalInformation === undefined ? NONE : c.additionalInformation.map((x) => x.code),
    ucr: c.ucr ?? '',
    transportCharges: c.transportCharges ?? '',
    supplyChainRoles:
      c.additionalSupplyChainActors === undefined ? NONE : c.additionalSupplyChainActors.map((a) => a.role),
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
  const atMs = parseAt(input.at);
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
  const m = filing.masterConsignment;
  const declarant = partyOf(filing.declarant, profiles, atMs);
  const representative = partyOf(filing.representative, profiles, atMs);
  const carrier = partyOf(filing.carrier, profiles, atMs);
  const consignee = partyOf(c.consignee, profiles, atMs);
  const containers = c.containers.map((k) => ({ id: k.id, seals: k.seals }));
  const departure = t === undefined ? NaN : Date.parse(t.actualDeparture ?? t.estimatedDeparture ?? '');
  const arrival = t === undefined ? NaN : Date.parse(t.estimatedArrival);
  const routing = c.routing ?? [];
  return {
    filing: {
      filingType: filing.filingType,
      lrn: filing.lrn,
      officeOfFirstEntry: filing.officeOfFirstEntry ?? '',
      addressedMemberState: filing.addressedMemberState ?? '',
      specificCircumstanceIndicator: filing.specificCircumstanceIndicator ?? '',
      reEntry: filing.reEntryIndicator ?? false,
      split: filing.split ?? false,
      previousMrn: filing.previousMrn ?? '',
      representative,
      hasTransport: t !== undefined,
      declarant,
      carrier,
      consignmentCount: filing.consignments.length,
    },
    // Without transport (a house part, a pre-loading set): the filing type's mode, empty values.
    transport: {
      mode: t?.mode ?? modeOf(filing) ?? '',
      meansId: t?.meansId ?? '',
      typeOfIdentification: t?.typeOfIdentification ?? '',
      conveyanceRef: t?.conveyanceRef ?? '',
      nationality: t?.nationality ?? '',
      routing: t?.routing ?? NONE,
      estimatedDeparture: t?.estimatedDeparture ?? '',
      estimatedArrival: t?.estimatedArrival ?? '',
      actualDeparture: t?.actualDeparture ?? '',
      transitHours: Number.isNaN(departure) || Number.isNaN(arrival) ? 0 : (arrival - departure) / 3_600_000,
      shortHaul: t?.shortHaul ?? false,
      containerised: t?.containerised ?? false,
    },
    consignment: consignmentOf(filing, c, goods),
    goods,
    consignor: partyOf(c.consignor, profiles, atMs),
    consignee,
    declarant,
    carrier,
    notifyParty: partyOf(c.notifyParty, profiles, atMs),
    buyer: partyOf(c.buyer, profiles, atMs),
    seller: partyOf(c.seller, profiles, atMs),
    representative,
    supplementaryDeclarant: partyOf(c.supplementaryDeclarant, profiles, atMs),
    masterConsignment: masterOf(m),
    containers,
    container: containers[0] ?? EMPTY_CONTAINER,
    valuePerKg: totalMassKg > 0 ? totalValue / totalMassKg : 0,
    totalValue,
    totalMassKg,
    totalPackages,
    routing: routing.length > 0 ? routing : (t?.routing ?? NONE),
    hsCodes,
    // The importer's record is the one that matters most for entry risk (DESIGN §2.2).
    operator: consignee.profile,
    hs:
      input.nomenclature === undefined
        ? NO_NOMENCLATURE
        : new HsNomenclature(input.nomenclature, input.at.slice(0, 10)),
    ipr: input.brands === undefined ? NO_BRANDS : new IprBrands(input.brands, input.at.slice(0, 10)),
  };
}

function masterOf(m: Filing['masterConsignment']): ActMasterConsignment {
  if (m === undefined) {
    return EMPTY_MASTER;
  }
  return {
    transportDocument:
      m.transportDocument === undefined
        ? EMPTY_DOCUMENT
        : { type: m.transportDocument.type, ref: m.transportDocument.ref },
    placeOfLoading: m.placeOfLoading ?? '',
    placeOfUnloading: m.placeOfUnloading ?? '',
    placeOfAcceptance: m.placeOfAcceptance ?? '',
    placeOfDelivery: m.placeOfDelivery ?? '',
    containerIndicator: m.containerIndicator ?? false,
    passiveMeansId: m.passiveBorderTransportMeans?.meansId ?? '',
    passiveMeansNationality: m.passiveBorderTransportMeans?.nationality ?? '',
    receptacles: m.receptacles ?? NONE,
    containerCount: m.transportEquipment?.length ?? 0,
  };
}
