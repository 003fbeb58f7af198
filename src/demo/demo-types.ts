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
  street: string;
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
  previousMrn?: string;
  split?: boolean;
  placeOfLoading: string;
  placeOfUnloading: string;
  routing: string[];
  consignor: PartyBody & { address: AddressBody };
  consignee: PartyBody & { address: AddressBody };
  notifyParty?: PartyBody;
  containers?: ContainerBody[];
  goods: GoodsBody[];
}

export interface TransportBody {
  mode: 'maritime' | 'air' | 'road' | 'rail' | 'inland-waterway' | 'postal' | 'express';
  meansId?: string;
  conveyanceRef?: string;
  nationality?: string;
  estimatedDeparture: string;
  estimatedArrival: string;
  routing: string[];
  shortHaul?: boolean;
  containerised?: boolean;
}

export interface FilingBody {
  filingType: string;
  lrn: string;
  declarant: { eori: string; name: string; address?: AddressBody };
  carrier?: { eori: string; name: string };
  officeOfFirstEntry: string;
  transport: TransportBody;
  consignments: ConsignmentBody[];
}
