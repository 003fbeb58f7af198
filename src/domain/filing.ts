/**
 * The entry summary declaration (ENS) as Vigil holds it once validated and normalised:
 * filing → consignments (house level) → goods items, ICS2-shaped (DESIGN §3). Pure values, no I/O.
 */
import { FILING_TYPES } from './reference-data.ts';

export const TRANSPORT_MODES = [
  'maritime',
  'air',
  'road',
  'rail',
  'inland-waterway',
  'postal',
  'express',
] as const;
export type TransportMode = (typeof TRANSPORT_MODES)[number];

export const TRANSPORT_DOCUMENT_TYPES = ['N705', 'N714', 'N740', 'N741', 'N703'] as const;
export type TransportDocumentType = (typeof TRANSPORT_DOCUMENT_TYPES)[number];

/** A postal address (ICS2 Address): a street or a P.O. box, or both. */
export interface Address {
  readonly street?: string | undefined;
  readonly poBox?: string | undefined;
  readonly city: string;
  readonly postcode?: string | undefined;
  readonly country: string;
}

export interface Party {
  readonly name: string;
  readonly eori?: string | undefined;
  readonly address?: Address | undefined;
  /** DE type of person: 1 natural person, 2 legal person, 3 association of persons. */
  readonly typeOfPerson?: 1 | 2 | 3 | undefined;
  readonly communication?: readonly Communication[] | undefined;
}

/** A party's means of communication (ICS2 Communication: type EM e-mail, TE telephone …). */
export interface Communication {
  readonly type: string;
  readonly identifier: string;
}

/** An additional supply-chain actor (DE 13 14): its role code and EORI. */
export interface SupplyChainActor {
  readonly role: string;
  readonly eori: string;
}

/** A packaging of a goods item (DE 18 06): type, count, shipping marks. */
export interface Packaging {
  readonly type: string;
  readonly count?: number | undefined;
  readonly shippingMarks?: string | undefined;
}

/**
 * A supporting document (DE 12 03): a certificate or licence of another authority is cited with its
 * type and number and, where it is written off by quantity (CITES, FLEGT, licences), the quantity this
 * goods item uses and its unit, as the customs declaration's supporting document carries them.
 */
export interface SupportingDocument {
  readonly type: string;
  readonly ref: string;
  /** The quantity of the certificate this goods item uses (DE 12 03 in the customs declaration). */
  readonly quantity?: number | undefined;
  /** Its measurement unit (UN/ECE Recommendation 20 code: KGM, NAR, MTQ …). */
  readonly unit?: string | undefined;
}

export interface AdditionalInformation {
  readonly code: string;
  readonly text?: string | undefined;
}

export interface Container {
  readonly id: string;
  readonly seals: readonly string[];
}

export interface Packages {
  readonly type: string;
  readonly count: number;
}

export interface Money {
  readonly amount: number;
  readonly currency: string;
}

export interface GoodsItem {
  readonly hsCode: string;
  readonly description: string;
  readonly grossMassKg: number;
  readonly packages?: Packages | undefined;
  readonly value?: Money | undefined;
  readonly origin?: string | undefined;
  /** Goods item number (DE 11 03), 1, 2, 3 … within the consignment when given (R3016/R3017). */
  readonly itemNumber?: number | undefined;
  /** CUS code (DE 18 08), NNNNNNN-N (R3020). */
  readonly cusCode?: string | undefined;
  readonly unNumbers?: readonly string[] | undefined;
  readonly packagings?: readonly Packaging[] | undefined;
  readonly supportingDocuments?: readonly SupportingDocument[] | undefined;
  readonly additionalInformation?: readonly AdditionalInformation[] | undefined;
}

export interface TransportDocument {
  readonly type: TransportDocumentType;
  readonly ref: string;
}

export interface Consignment {
  readonly transportDocument: TransportDocument;
  /** The master transport document a house consignment travels under (multiple filing). */
  readonly masterTransportDocument?: TransportDocument | undefined;
  /** Absent where the filing type's data set leaves it out (pre-loading sets, a house under a master). */
  readonly placeOfLoading?: string | undefined;
  readonly placeOfUnloading?: string | undefined;
  readonly placeOfAcceptance?: string | undefined;
  readonly placeOfDelivery?: string | undefined;
  /** Countries of routing of the consignment (R3022); absent where the data set leaves it out. */
  readonly routing?: readonly string[] | undefined;
  /** Absent where the data set has no consignor (the complements F16, F25, F44). */
  readonly consignor?: Party | undefined;
  /** Absent for a consignment "to order" (additional information 10600 at house level, C3022). */
  readonly consignee?: Party | undefined;
  readonly notifyParty?: Party | undefined;
  readonly buyer?: Party | undefined;
  readonly seller?: Party | undefined;
  readonly supplementaryDeclarant?: Party | undefined;
  readonly additionalSupplyChainActors?: readonly SupplyChainActor[] | undefined;
  /** Supporting documents at house level (DE 12 03): the sets without goods items carry them here. */
  readonly supportingDocuments?: readonly Pick<SupportingDocument, 'type' | 'ref'>[] | undefined;
  /** Additional information at house level (DE 12 02); 10600 states a consignment to order. */
  readonly additionalInformation?: readonly AdditionalInformation[] | undefined;
  /** Method of payment of transport charges (a1). */
  readonly transportCharges?: string | undefined;
  readonly ucr?: string | undefined;
  readonly containers: readonly Container[];
  /**
   * Goods items; empty where the data set has none (postal master sets F40–F42/F45, the complements
   * F16/F25/F44). An absent list in the JSON is normalised to empty once the data-set check has run.
   */
  readonly goods: readonly GoodsItem[];
}

/** A previous document (DE 12 01): a complement names the pre-loading set's house document with it. */
export interface PreviousDocument {
  readonly type: string;
  readonly ref: string;
}

export interface Transport {
  readonly mode: TransportMode;
  /** Identification of the means (IMO number R3009, ENI number R3010, flight number …). */
  readonly meansId?: string | undefined;
  readonly typeOfIdentification?: string | undefined;
  readonly conveyanceRef?: string | undefined;
  readonly nationality?: string | undefined;
  /** Either it or `actualDeparture` is given (ICS2). */
  readonly estimatedDeparture?: string | undefined;
  readonly estimatedArrival: string;
  /** When the means actually left (R3053 compares the arrival with it when given). */
  readonly actualDeparture?: string | undefined;
  readonly routing: readonly string[];
  /** Short-sea or short-haul flight: changes the lodging deadline (DESIGN §3). */
  readonly shortHaul?: boolean | undefined;
  /** Container traffic by sea: the 24-hour-before-loading rule applies. */
  readonly containerised?: boolean | undefined;
}

/** Which part of a multiple filing this is. */
export type FilingPart = 'complete' | 'master' | 'house' | 'pre-loading' | 'complement';

/** Passive border transport means (a road trailer, a rail wagon). */
export interface PassiveTransportMeans {
  readonly meansId: string;
  readonly nationality?: string | undefined;
  readonly typeOfIdentification?: string | undefined;
}

/** The master-level consignment (ICS2 ConsignmentMasterLevel). */
export interface MasterConsignment {
  readonly transportDocument?: TransportDocument | undefined;
  readonly placeOfLoading?: string | undefined;
  readonly placeOfUnloading?: string | undefined;
  readonly placeOfAcceptance?: string | undefined;
  readonly placeOfDelivery?: string | undefined;
  readonly containerIndicator?: boolean | undefined;
  readonly transportEquipment?: readonly Container[] | undefined;
  readonly passiveBorderTransportMeans?: PassiveTransportMeans | undefined;
  readonly receptacles?: readonly string[] | undefined;
}

export interface Filing {
  readonly filingType: string;
  readonly lrn: string;
  readonly specificCircumstanceIndicator?: string | undefined;
  readonly reEntryIndicator?: boolean | undefined;
  /** Split consignment indicator (DE 11 06 001); with `previousMrn` (C3001). */
  readonly split?: boolean | undefined;
  /** MRN of the ENS this one was split from (DE 11 06 002, C3001, R3004). */
  readonly previousMrn?: string | undefined;
  readonly declarant: Party & { readonly eori: string };
  readonly representative?: Party | undefined;
  /** The carrier's EORI: links house and master parts of a multiple filing. */
  readonly carrier?: Party | undefined;
  /** At least one of the office of first entry and the addressed member state. */
  readonly officeOfFirstEntry?: string | undefined;
  readonly addressedMemberState?: string | undefined;
  /** Absent in a house-level filing by a forwarder or a pre-loading set (mode: the filing type's). */
  readonly transport?: Transport | undefined;
  readonly masterConsignment?: MasterConsignment | undefined;
  /** Previous documents (DE 12 01), header level: F25 names the 7+1 set's house document. */
  readonly previousDocuments?: readonly PreviousDocument[] | undefined;
  /** House-level consignments; empty where the data set has neither consignor nor goods items. */
  readonly consignments: readonly Consignment[];
}

/** The country the filing is addressed to: the office of first entry's, else the member state. */
export function entryCountryOf(filing: Filing): string {
  return filing.officeOfFirstEntry?.slice(0, 2) ?? filing.addressedMemberState ?? '';
}

/** Additional information code 10600 (CL239): a consignment "to order" (a negotiable bill of lading). */
export const TO_ORDER = '10600';

/** Whether a house consignment is "to order": it says so with 10600, or names no consignee. */
export function isToOrder(c: Pick<Consignment, 'consignee' | 'additionalInformation'>): boolean {
  return c.consignee === undefined || statesToOrder(c);
}

/** Whether a house consignment states it is "to order" (additional information 10600 at house level). */
export function statesToOrder(c: Pick<Consignment, 'additionalInformation'>): boolean {
  return (c.additionalInformation ?? []).some((a) => a.code === TO_ORDER);
}

/**
 * The mode of transport of a filing: its active means' when it has one, else the (first) mode of its
 * filing type (a house-level or pre-loading set without transport); undefined for an unknown type.
 */
export function modeOf(filing: Filing): TransportMode | undefined {
  return filing.transport?.mode ?? FILING_TYPES.get(filing.filingType)?.modes[0];
}
