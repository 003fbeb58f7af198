/**
 * The demo generator's public types: its options, what it yields, and the JSON body of a filing exactly
 * as a carrier's system would POST it (DESIGN §3). The body types are mutable on purpose: the generator
 * builds a valid body, then clones and breaks or salts it.
 */

export interface DemoOptions {
  /** How many filings to generate (master and house parts count one each). */
  readonly count: number;
  /** Same seed and same `now` give the same filings. Default 1. */
  readonly seed?: number | undefined;
  /** The moment of filing; dates are set relative to it so valid filings meet their deadlines. Default: the current time. */
  readonly now?: Date | undefined;
  /** Share of filings that break exactly one rule. Default 0.05. */
  readonly invalidShare?: number | undefined;
  /** Share of (valid) filings with a planted risk pattern. Default 0.06. */
  readonly riskyShare?: number | undefined;
}

export type PlantedRiskKind =
  | 'undervaluation'
  | 'suspicious-route'
  | 'known-bad-operator'
  | 'watchlisted-container'
  | 'misdeclared-description';

export interface PlantedRisk {
  readonly kind: PlantedRiskKind;
  /** What was planted, in words an analyst can check the engine's explanation against. */
  readonly detail: string;
  /** JSON path of the field that carries the pattern. */
  readonly path: string;
}

export interface DemoExpectation {
  readonly valid: boolean;
  /** For an invalid filing: the one error code the validator must report. */
  readonly errorCode?: string;
}

export interface DemoFiling {
  /** The JSON body a carrier's system would POST. */
  readonly filing: unknown;
  readonly expect: DemoExpectation;
  readonly planted: readonly PlantedRisk[];
}

export interface AddressBody {
  /** A street, or a P.O. box (`poBox`), or both. */
  street?: string;
  poBox?: string;
  city: string;
  postcode?: string;
  country: string;
}

export interface PartyBody {
  name: string;
  eori?: string;
  address?: AddressBody;
}

export interface TransportDocumentBody {
  type: 'N705' | 'N714' | 'N740' | 'N741' | 'N703';
  ref: string;
}

export interface GoodsBody {
  hsCode: string;
  description: string;
  grossMassKg: number;
  itemNumber?: number;
  packages?: { type: string; count: number };
  value?: { amount: number; currency: string };
  origin?: string;
}

export interface ContainerBody {
  id: string;
  seals: string[];
}

export interface ConsignmentBody {
  transportDocument: TransportDocumentBody;
  masterTransportDocument?: TransportDocumentBody;
  /** Absent where the filing type's data set has none (house and pre-loading sets). */
  placeOfLoading?: string;
  placeOfUnloading?: string;
  placeOfAcceptance?: string;
  placeOfDelivery?: string;
  routing?: string[];
  consignor: PartyBody & { address: AddressBody };
  /** Absent for a consignment "to order" (additional information 10600 at house level, C3022). */
  consignee?: PartyBody & { address: AddressBody };
  /** Required for a consignment "to order" (C3024). */
  notifyParty?: PartyBody;
  /** House-level additional information: 10600 states a consignment "to order". */
  additionalInformation?: { code: string; text?: string }[];
  buyer?: PartyBody;
  seller?: PartyBody;
  containers?: ContainerBody[];
  goods: GoodsBody[];
}

export interface TransportBody {
  mode: 'maritime' | 'air' | 'road' | 'rail' | 'inland-waterway' | 'postal' | 'express';
  meansId?: string;
  conveyanceRef?: string;
  nationality?: string;
  /** Absent where the filing type's data set has only the actual departure (F21, F30 …). */
  estimatedDeparture?: string;
  estimatedArrival: string;
  actualDeparture?: string;
  routing: string[];
  shortHaul?: boolean;
  containerised?: boolean;
}

export interface FilingBody {
  filingType: string;
  lrn: string;
  declarant: { eori: string; name: string; address?: AddressBody };
  /** Split consignment (header level since issue 17) and the MRN it was split from (C3001). */
  split?: boolean;
  previousMrn?: string;
  carrier?: { eori: string; name: string };
  officeOfFirstEntry?: string;
  addressedMemberState?: string;
  /** Absent for house-level and pre-loading sets (their data set has no active means). */
  transport?: TransportBody;
  consignments: ConsignmentBody[];
}
