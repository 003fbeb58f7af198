/**
 * The entry summary declaration (ENS) as Vigil holds it once validated and normalised:
 * filing → consignments (house level) → goods items, ICS2-shaped (DESIGN §3). Pure values, no I/O.
 */

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

export interface Address {
  readonly street: string;
  readonly city: string;
  readonly postcode?: string | undefined;
  readonly country: string;
}

export interface Party {
  readonly name: string;
  readonly eori?: string | undefined;
  readonly address?: Address | undefined;
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
}

export interface TransportDocument {
  readonly type: TransportDocumentType;
  readonly ref: string;
}

export interface Consignment {
  readonly transportDocument: TransportDocument;
  /** The master transport document a house consignment travels under (multiple filing). */
  readonly masterTransportDocument?: TransportDocument | undefined;
  /** MRN of the consignment this one was split from (C3001). */
  readonly previousMrn?: string | undefined;
  readonly split?: boolean | undefined;
  readonly placeOfLoading: string;
  readonly placeOfUnloading: string;
  readonly routing: readonly string[];
  readonly consignor: Party;
  readonly consignee: Party;
  readonly notifyParty?: Party | undefined;
  readonly containers: readonly Container[];
  readonly goods: readonly GoodsItem[];
}

export interface Transport {
  readonly mode: TransportMode;
  readonly meansId?: string | undefined;
  readonly conveyanceRef?: string | undefined;
  readonly nationality?: string | undefined;
  readonly estimatedDeparture: string;
  readonly estimatedArrival: string;
  readonly routing: readonly string[];
  /** Short-sea or short-haul flight: changes the lodging deadline (DESIGN §3). */
  readonly shortHaul?: boolean | undefined;
  /** Container traffic by sea: the 24-hour-before-loading rule applies. */
  readonly containerised?: boolean | undefined;
}

/** Which part of a multiple filing this is. */
export type FilingPart = 'complete' | 'master' | 'house';

export interface Filing {
  readonly filingType: string;
  readonly lrn: string;
  readonly declarant: Party & { readonly eori: string };
  /** The carrier's EORI: links house and master parts of a multiple filing. */
  readonly carrier?: Party | undefined;
  readonly officeOfFirstEntry: string;
  readonly transport: Transport;
  readonly consignments: readonly Consignment[];
}
