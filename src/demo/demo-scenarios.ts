/**
 * Builds valid filing bodies for one trade scenario at a time: a sea voyage (complete filing, or a master
 * with its house filings), an air cargo flight, an express or postal flight, a truck, a train or a barge.
 * Every body built here satisfies the intake rules for a filing lodged at `now` (DESIGN §3): identifiers
 * with valid check digits, routing that starts and ends where the goods are loaded and unloaded, the
 * office of first entry in the first EU country, and dates that meet the mode's lodging deadline.
 */
import { airWaybillCheckDigit, containerCheckDigit, makeMrn } from '../domain/identifiers.ts';
import { TO_ORDER } from '../domain/filing.ts';
import { fromEur } from '../domain/money.ts';
import { EU_COUNTRIES, FILING_TYPES } from '../domain/reference-data.ts';
import { DEMO_GOODS, typicalUnitValue } from './demo-goods.ts';
import type { Channel, DemoGoods } from './demo-goods.ts';
import {
  AIRLINES,
  BARGE_OPERATORS,
  EU_POSTS,
  EXPORTERS,
  FORWARDER_AGENTS,
  FORWARDERS,
  HAULIERS,
  IMPORTERS,
  INTEGRATORS,
  ORIGIN_POSTS,
  RAIL_OPERATORS,
  SHIPPING_LINES,
} from './demo-parties.ts';
import type { Airline, DemoParty, ShippingLine } from './demo-parties.ts';
import {
  BORDER_OFFICE_BY_COUNTRY,
  EU_AIRPORTS,
  OFFICE_BY_PLACE,
  ORIGIN_AIRPORTS,
  RAIL_LANES,
  ROAD_LANES,
  SEA_LANES,
  SHIP_FLAGS,
  SHORT_HAUL_COUNTRIES,
  WATERWAY_LANES,
} from './demo-places.ts';
import type { LandLane, SeaLane } from './demo-places.ts';
import type {
  AddressBody,
  ConsignmentBody,
  ContainerBody,
  FilingBody,
  GoodsBody,
  PartyBody,
  TransportBody,
  TransportDocumentBody,
} from './demo-types.ts';
import { digits } from './prng.ts';
import type { Rng } from './prng.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export interface BuildContext {
  readonly rng: Rng;
  readonly now: Date;
  /** Four characters from the seed, so LRNs of different runs do not collide on one server. */
  readonly runTag: string;
  /** Running number for LRNs. */
  seq: number;
}

// ---------------------------------------------------------------------------------------------------
// Small helpers

export const countryOf = (locode: string): string => locode.slice(0, 2);

/** ISO 8601 in UTC without milliseconds, as filers' systems usually send it. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Rounds to five minutes: schedules are not to the millisecond, and `now`'s seconds must not leak in. */
function schedule(ms: number): number {
  const step = 5 * 60_000;
  return Math.ceil(ms / step) * step;
}

/** Removes repeats of the same country in a row (a voyage calling twice in one country reads once). */
function collapse(countries: readonly string[]): string[] {
  return countries.filter((c, i) => i === 0 || countries[i - 1] !== c);
}

function unique(countries: readonly string[]): string[] {
  return [...new Set(countries)];
}

/** `k` distinct items of `list`, kept in list order (ports in call order). */
function pickOrdered<T>(rng: Rng, list: readonly T[], k: number): T[] {
  const idx = new Set<number>();
  const want = Math.min(k, list.length);
  while (idx.size < want) {
    idx.add(rng.int(0, list.length - 1));
  }
  return [...idx].sort((a, b) => a - b).map((i) => list[i]!);
}

const round1 = (n: number): number => Math.max(0.1, Math.round(n * 10) / 10);
const round2 = (n: number): number => Math.round(n * 100) / 100;

function address(a: DemoParty['address']): AddressBody {
  return {
    street: a.street,
    city: a.city,
    ...(a.postcode === undefined ? {} : { postcode: a.postcode }),
    country: a.country,
  };
}

export function partyBody(p: DemoParty): PartyBody & { address: AddressBody } {
  return { name: p.name, ...(p.eori === undefined ? {} : { eori: p.eori }), address: address(p.address) };
}

function declarant(p: DemoParty): FilingBody['declarant'] {
  if (p.eori === undefined) {
    throw new Error(`declarant ${p.name} has no EORI`);
  }
  return { eori: p.eori, name: p.name, address: address(p.address) };
}

function nextLrn(ctx: BuildContext, prefix: string): string {
  ctx.seq += 1;
  const yy = String(ctx.now.getUTCFullYear() % 100).padStart(2, '0');
  return `${prefix}-${yy}${ctx.runTag}-${String(ctx.seq).padStart(6, '0')}`;
}

// ---------------------------------------------------------------------------------------------------
// Identifiers with valid check digits

export function containerNumber(rng: Rng, owner: string): string {
  const body = `${owner}${digits(rng, 6)}`;
  return body + String(containerCheckDigit(body));
}

/** Air waybill: airline prefix, 7-digit serial, serial mod 7; written with the dash about half the time. */
export function airWaybill(rng: Rng, prefix: string): string {
  const serial = digits(rng, 7);
  const check = String(airWaybillCheckDigit(serial));
  return rng.chance(0.5) ? `${prefix}-${serial}${check}` : `${prefix}${serial}${check}`;
}

/** UPU S10 item identifier (e.g. RR123456785CN) with its mod-11 check digit. */
export function s10(rng: Rng, service: string, country: string): string {
  const serial = digits(rng, 8);
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  const sum = weights.reduce((s, w, i) => s + w * Number(serial[i]), 0);
  const c = 11 - (sum % 11);
  const check = c === 10 ? 0 : c === 11 ? 5 : c;
  return `${service}${serial}${check}${country}`;
}

/** IMO ship number: six digits and a check digit (weights 7 to 2). */
function imoNumber(rng: Rng): string {
  const six = String(rng.int(9_100_000, 9_999_999)).slice(0, 6);
  const sum = [...six].reduce((s, d, i) => s + Number(d) * (7 - i), 0);
  return `IMO${six}${sum % 10}`;
}

function seal(rng: Rng): string {
  return `${rng.chars(LETTERS, 2)}${digits(rng, 7)}`;
}

function previousMrn(ctx: BuildContext, officeCountry: string): string {
  return makeMrn({
    year: ctx.now.getUTCFullYear(),
    country: officeCountry,
    serial: ctx.rng.chars(ALNUM, 12),
    procedure: 'A',
  });
}

// ---------------------------------------------------------------------------------------------------
// Goods

interface GoodsChoice {
  readonly goods: DemoGoods;
  readonly origin: string;
}

const GOODS_INDEX: ReadonlyMap<string, readonly (readonly [DemoGoods, number])[]> = (() => {
  const m = new Map<string, (readonly [DemoGoods, number])[]>();
  for (const g of DEMO_GOODS) {
    for (const ch of g.channels) {
      for (const [origin, weight] of g.origins) {
        const key = `${ch}:${origin}`;
        const list = m.get(key) ?? [];
        list.push([g, weight]);
        m.set(key, list);
      }
    }
  }
  return m;
})();

/** Origins of goods exported from a country: hubs re-export their neighbours' goods. */
function originsFrom(country: string): readonly string[] {
  switch (country) {
    case 'HK':
      return ['HK', 'CN'];
    case 'SG':
      return ['SG', 'MY', 'CN'];
    default:
      return [country];
  }
}

export function hasGoods(channel: Channel, exportCountry: string): boolean {
  return originsFrom(exportCountry).some((o) => GOODS_INDEX.has(`${channel}:${o}`));
}

function chooseGoods(rng: Rng, channel: Channel, exportCountry: string): GoodsChoice {
  const origins = originsFrom(exportCountry).filter((o) => GOODS_INDEX.has(`${channel}:${o}`));
  const origin = rng.pick(origins);
  return { goods: rng.weighted(GOODS_INDEX.get(`${channel}:${origin}`)!), origin };
}

const MASS_RANGE: Readonly<Record<Channel, readonly [number, number]>> = {
  S: [600, 14_000],
  B: [300_000, 6_000_000],
  A: [25, 1_200],
  P: [0.2, 5],
  R: [300, 9_000],
  L: [1_500, 14_000],
};

function hsCodeFor(rng: Rng, g: DemoGoods): string {
  if (g.cn8 !== undefined && rng.chance(0.4)) {
    const cn = rng.pick(g.cn8);
    // TARIC codes without further subdivision are the CN code followed by 00.
    return rng.chance(0.25) ? `${cn}00` : cn;
  }
  return g.hs6;
}

/** Customs value in a currency for `massKg` of goods worth `eurPerKg`. */
export function valueOf(rng: Rng, massKg: number, eurPerKg: number): { amount: number; currency: string } {
  const eur = massKg * eurPerKg;
  if (rng.chance(0.2)) {
    // The product's own rate (data/exchange-rates.json), so the signals read back what was meant.
    return { amount: round2(fromEur(eur, 'USD')!), currency: 'USD' };
  }
  return { amount: round2(eur), currency: 'EUR' };
}

export function goodsItem(rng: Rng, channel: Channel, choice: GoodsChoice): GoodsBody {
  const { goods: g, origin } = choice;
  let grossMassKg: number;
  let packages: GoodsBody['packages'];
  if (channel === 'P') {
    grossMassKg = round1(rng.float(MASS_RANGE.P[0], Math.min(MASS_RANGE.P[1], g.kgPerPkg[1])));
    packages = { type: 'PK', count: 1 };
  } else {
    const [lo, hi] = MASS_RANGE[channel];
    const target = rng.float(lo, hi);
    const count = Math.max(1, Math.round(target / ((g.kgPerPkg[0] + g.kgPerPkg[1]) / 2)));
    grossMassKg = round1(count * rng.float(g.kgPerPkg[0], g.kgPerPkg[1]));
    // Bulk (VR) is not packed; everything else counts its packages.
    packages = g.pkg === 'VR' ? undefined : { type: g.pkg, count };
  }
  const typical = typicalUnitValue(g.hs6, origin) ?? g.eurPerKg;
  const item: GoodsBody = {
    hsCode: hsCodeFor(rng, g),
    description: rng.pick(g.descriptions),
    grossMassKg,
  };
  if (packages !== undefined) {
    item.packages = packages;
  }
  if (rng.chance(0.95)) {
    // Clamped so honest declarations never look like the planted undervaluation (below a fifth of typical).
    const spread = Math.min(2, Math.max(0.5, rng.spread(channel === 'P' ? 0.3 : 0.22)));
    item.value = valueOf(rng, grossMassKg, typical * spread);
  }
  if (rng.chance(0.95)) {
    item.origin = origin;
  }
  return item;
}

function goodsItems(rng: Rng, channel: Channel, exportCountry: string, maxItems: number): GoodsBody[] {
  const n = rng.int(1, maxItems);
  const items: GoodsBody[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const choice = chooseGoods(rng, channel, exportCountry);
    if (seen.has(choice.goods.hs6)) {
      continue;
    }
    seen.add(choice.goods.hs6);
    items.push(goodsItem(rng, channel, choice));
  }
  return items;
}

// ---------------------------------------------------------------------------------------------------
// Parties

const CONSUMERS: Readonly<
  Record<string, { first: string[]; last: string[]; streets: string[]; cities: [string, string][] }>
> = {
  DE: {
    first: ['Lukas', 'Anna', 'Jonas', 'Lea', 'Felix', 'Marie'],
    last: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Becker'],
    streets: ['Lindenstraße', 'Bahnhofstraße', 'Gartenweg', 'Schillerstraße'],
    cities: [
      ['Berlin', '10969'],
      ['Köln', '50667'],
      ['Leipzig', '04109'],
      ['Dresden', '01067'],
    ],
  },
  FR: {
    first: ['Camille', 'Louis', 'Chloé', 'Hugo', 'Inès'],
    last: ['Martin', 'Bernard', 'Dubois', 'Laurent', 'Moreau'],
    streets: ['rue de la République', 'avenue Jean Jaurès', 'rue Victor Hugo'],
    cities: [
      ['Paris', '75011'],
      ['Lille', '59000'],
      ['Toulouse', '31000'],
      ['Nantes', '44000'],
    ],
  },
  NL: {
    first: ['Daan', 'Emma', 'Sem', 'Julia', 'Noah'],
    last: ['de Vries', 'Jansen', 'van Dijk', 'Bakker', 'Visser'],
    streets: ['Kerkstraat', 'Dorpsstraat', 'Molenweg'],
    cities: [
      ['Utrecht', '3511 AB'],
      ['Eindhoven', '5611 AZ'],
      ['Groningen', '9711 LM'],
    ],
  },
  BE: {
    first: ['Lucas', 'Olivia', 'Arthur', 'Louise'],
    last: ['Peeters', 'Janssens', 'Maes', 'Dubois'],
    streets: ['Stationsstraat', 'Rue de la Station', 'Kerkplein'],
    cities: [
      ['Gent', '9000'],
      ['Liège', '4000'],
      ['Leuven', '3000'],
    ],
  },
  IT: {
    first: ['Giulia', 'Francesco', 'Sofia', 'Alessandro'],
    last: ['Rossi', 'Russo', 'Ferrari', 'Esposito'],
    streets: ['Via Roma', 'Via Garibaldi', 'Corso Italia'],
    cities: [
      ['Torino', '10121'],
      ['Bologna', '40121'],
      ['Napoli', '80133'],
    ],
  },
  ES: {
    first: ['Lucía', 'Hugo', 'Martina', 'Pablo'],
    last: ['García', 'Fernández', 'López', 'Martínez'],
    streets: ['Calle Mayor', 'Avenida de la Constitución', 'Calle Real'],
    cities: [
      ['Madrid', '28013'],
      ['Sevilla', '41001'],
      ['Zaragoza', '50001'],
    ],
  },
  PL: {
    first: ['Zuzanna', 'Jakub', 'Julia', 'Antoni'],
    last: ['Nowak', 'Kowalski', 'Wiśniewska', 'Wójcik'],
    streets: ['ul. Mickiewicza', 'ul. Długa', 'ul. Polna'],
    cities: [
      ['Kraków', '31-001'],
      ['Wrocław', '50-001'],
      ['Poznań', '61-001'],
    ],
  },
  SE: {
    first: ['Alice', 'William', 'Maja', 'Elias'],
    last: ['Andersson', 'Johansson', 'Karlsson', 'Nilsson'],
    streets: ['Storgatan', 'Kungsgatan', 'Drottninggatan'],
    cities: [
      ['Stockholm', '111 29'],
      ['Malmö', '211 22'],
      ['Uppsala', '753 20'],
    ],
  },
  HU: {
    first: ['Bence', 'Hanna', 'Máté', 'Zoé'],
    last: ['Nagy', 'Kovács', 'Tóth', 'Szabó'],
    streets: ['Fő utca', 'Petőfi utca', 'Kossuth Lajos utca'],
    cities: [
      ['Budapest', '1052'],
      ['Debrecen', '4024'],
      ['Szeged', '6720'],
    ],
  },
};

function consumer(rng: Rng, near?: string): PartyBody & { address: AddressBody } {
  const country =
    near !== undefined && near in CONSUMERS && rng.chance(0.6) ? near : rng.pick(Object.keys(CONSUMERS));
  const c = CONSUMERS[country]!;
  const [city, postcode] = rng.pick(c.cities);
  const street =
    country === 'FR' || country === 'PL'
      ? `${rng.int(1, 120)} ${rng.pick(c.streets)}`
      : `${rng.pick(c.streets)} ${rng.int(1, 120)}`;
  return { name: `${rng.pick(c.first)} ${rng.pick(c.last)}`, address: { street, city, postcode, country } };
}

function importer(rng: Rng, near: string): PartyBody & { address: AddressBody } {
  const local = IMPORTERS.filter((p) => p.address.country === near);
  return partyBody(local.length > 0 && rng.chance(0.6) ? rng.pick(local) : rng.pick(IMPORTERS));
}

function exporter(rng: Rng, country: string): PartyBody & { address: AddressBody } {
  const list = EXPORTERS[country];
  if (list === undefined || list.length === 0) {
    throw new Error(`no demo exporter in ${country}`);
  }
  return partyBody(rng.pick(list));
}

function consignmentRouting(
  loading: string,
  unloading: string,
  consignee: PartyBody & { address: AddressBody },
): string[] {
  return unique([countryOf(loading), countryOf(unloading), consignee.address.country]);
}

// ---------------------------------------------------------------------------------------------------
// Transport

function dates(
  ctx: BuildContext,
  minAheadMs: number,
  maxAheadMs: number,
  transitMs: number,
): { dep: string; arr: string } {
  const dep = schedule(ctx.now.getTime() + ctx.rng.float(minAheadMs, maxAheadMs));
  return { dep: isoTime(dep), arr: isoTime(schedule(dep + transitMs)) };
}

export function containersFor(
  rng: Rng,
  prefixes: readonly string[],
  goods: readonly GoodsBody[],
): ContainerBody[] {
  const mass = goods.reduce((s, g) => s + g.grossMassKg, 0);
  const n = Math.min(4, Math.max(1, Math.ceil(mass / 20_000)));
  return Array.from({ length: n }, () => ({
    id: containerNumber(rng, rng.pick(prefixes)),
    seals: [seal(rng)],
  }));
}

// ---------------------------------------------------------------------------------------------------
// Maritime

export interface SeaOptions {
  readonly lane?: SeaLane;
  readonly loadPorts?: readonly string[];
  readonly consignments?: number;
  readonly channel?: Channel;
}

interface Voyage {
  readonly line: ShippingLine;
  readonly transport: TransportBody;
  readonly office: string;
}

function voyage(
  ctx: BuildContext,
  lane: SeaLane,
  channel: Channel,
  loads: readonly string[],
  discharges: readonly string[],
): Voyage {
  const { rng } = ctx;
  const line = rng.pick(SHIPPING_LINES);
  const loadCountries = loads.map(countryOf);
  const via = lane.via.filter((c) => !loadCountries.includes(c));
  const routing = collapse([...loadCountries, ...via, ...discharges.map(countryOf)]);
  // Container cargo must be filed 24 h before loading: sail two to ten days after filing.
  const { dep, arr } = dates(ctx, 2 * DAY, 10 * DAY, rng.float(lane.days[0], lane.days[1]) * DAY);
  const transport: TransportBody = {
    mode: 'maritime',
    // The maritime data sets have no conveyance reference (an air element): the voyage is not filed.
    meansId: imoNumber(rng),
    nationality: rng.pick(SHIP_FLAGS),
    estimatedDeparture: dep,
    estimatedArrival: arr,
    routing,
    containerised: channel !== 'B',
  };
  if (lane.shortSea === true) {
    transport.shortHaul = true;
  }
  return { line, transport, office: OFFICE_BY_PLACE[discharges[0]!]! };
}

function billOfLading(rng: Rng, line: ShippingLine): TransportDocumentBody {
  return { type: 'N705', ref: `${line.scac}${digits(rng, 9)}` };
}

function seaLaneFor(rng: Rng, channel: Channel): SeaLane {
  return rng.pick(SEA_LANES.filter((l) => l.load.some((p) => hasGoods(channel, countryOf(p)))));
}

/**
 * A complete maritime filing: F11 (master and house level in one), or F10 for a straight bill of
 * lading, whose data set has no consignment routing.
 */
export function seaComplete(ctx: BuildContext, opts: SeaOptions = {}): FilingBody {
  const { rng } = ctx;
  const channel = opts.channel ?? (rng.chance(0.12) ? 'B' : 'S');
  const lane = opts.lane ?? seaLaneFor(rng, channel);
  const straight = opts.consignments === undefined && rng.chance(0.25);
  const n =
    opts.consignments ??
    (straight
      ? 1
      : rng.weighted([
          [1, 4],
          [2, 3],
          [3, 2],
          [4, 1],
        ] as const));
  const loadPool = lane.load.filter((p) => hasGoods(channel, countryOf(p)));
  const loads = opts.loadPorts ?? pickOrdered(rng, loadPool, Math.min(n, rng.int(1, 2)));
  const discharges = pickOrdered(rng, lane.discharge, Math.min(n, channel === 'B' ? 1 : rng.int(1, 3)));
  const v = voyage(ctx, lane, channel, loads, discharges);
  const officeCountry = v.office.slice(0, 2);
  const consignments: ConsignmentBody[] = [];
  for (let i = 0; i < n; i++) {
    const loading = loads[i % loads.length]!;
    const unloading = discharges[i % discharges.length]!;
    const consignor = exporter(rng, countryOf(loading));
    const consignee = importer(rng, countryOf(unloading));
    const goods = goodsItems(rng, channel, countryOf(loading), channel === 'B' ? 1 : 3);
    const c: ConsignmentBody = {
      transportDocument: billOfLading(rng, v.line),
      placeOfLoading: loading,
      placeOfUnloading: unloading,
      routing: consignmentRouting(loading, unloading, consignee),
      consignor,
      consignee,
      goods,
    };
    if (channel !== 'B') {
      c.containers = containersFor(rng, v.line.containerPrefixes, goods);
    }
    if (rng.chance(0.3)) {
      c.notifyParty = partyBody(rng.pick(FORWARDERS));
    }
    if (straight) {
      delete c.routing;
    }
    consignments.push(c);
  }
  const body: FilingBody = {
    filingType: straight ? 'F10' : 'F11',
    lrn: nextLrn(ctx, v.line.scac),
    declarant: { eori: v.line.eori, name: v.line.name },
    carrier: { eori: v.line.eori, name: v.line.name },
    officeOfFirstEntry: v.office,
    transport: v.transport,
    consignments,
  };
  // A split consignment names the ENS it was split from (header level, C3001).
  if (rng.chance(0.01)) {
    body.split = true;
    body.previousMrn = previousMrn(ctx, officeCountry);
  }
  return body;
}

/** Summary goods lines of a master document: the house goods without the values only houses declare. */
function masterGoods(houses: readonly FilingBody[]): GoodsBody[] {
  return houses
    .flatMap((h) => h.consignments.flatMap((c) => c.goods))
    .map((g) => {
      const item: GoodsBody = { hsCode: g.hsCode, description: g.description, grossMassKg: g.grossMassKg };
      if (g.packages !== undefined) {
        item.packages = { ...g.packages };
      }
      return item;
    });
}

/**
 * A master bill of lading (F12, by the carrier) and up to `maxHouses` house filings under it by a
 * forwarder: F14, or F15 with buyer and seller. The house sets have no active means, office of first
 * entry (the addressed member state instead) or places of loading and unloading: the master has them.
 */
export function seaMultiple(ctx: BuildContext, maxHouses: number): FilingBody[] {
  const { rng } = ctx;
  const masterType = 'F12';
  const houseType = rng.pick(['F14', 'F15'] as const);
  const lane = seaLaneFor(rng, 'S');
  const loading = rng.pick(lane.load.filter((p) => hasGoods('S', countryOf(p))));
  const unloading = rng.pick(lane.discharge);
  const v = voyage(ctx, lane, 'S', [loading], [unloading]);
  const forwarder = rng.pick(FORWARDERS);
  const masterDoc = billOfLading(rng, v.line);
  const carrier = { eori: v.line.eori, name: v.line.name };
  const houseCount = rng.int(1, Math.max(1, Math.min(3, maxHouses)));
  const houses: FilingBody[] = [];
  for (let h = 0; h < houseCount; h++) {
    const consignments: ConsignmentBody[] = [];
    for (let i = rng.int(1, 2); i > 0; i--) {
      const consignee = importer(rng, countryOf(unloading));
      const consignor = exporter(rng, countryOf(loading));
      const c: ConsignmentBody = {
        transportDocument: {
          type: 'N714',
          ref: `${forwarder.name.slice(0, 3).toUpperCase()}${countryOf(loading)}${digits(rng, 8)}`,
        },
        masterTransportDocument: { ...masterDoc },
        routing: consignmentRouting(loading, unloading, consignee),
        consignor,
        consignee,
        goods: goodsItems(rng, 'S', countryOf(loading), 2),
      };
      if (houseType === 'F15') {
        // The buyer and seller set: here the importer buys from the exporter.
        c.buyer = { name: consignee.name, ...(consignee.eori !== undefined ? { eori: consignee.eori } : {}) };
        c.seller = { name: consignor.name, address: { ...consignor.address } };
      }
      consignments.push(c);
    }
    houses.push({
      filingType: houseType,
      lrn: nextLrn(
        ctx,
        forwarder.name
          .slice(0, 4)
          .toUpperCase()
          .replace(/[^A-Z]/g, 'X'),
      ),
      declarant: declarant(forwarder),
      carrier: { ...carrier },
      addressedMemberState: v.office.slice(0, 2),
      consignments,
    });
  }
  const goods = masterGoods(houses);
  const containers = containersFor(rng, v.line.containerPrefixes, goods);
  // The consolidation shares the master's containers: each house names those it is stuffed in.
  for (const house of houses) {
    for (const c of house.consignments) {
      c.containers = structuredClone(containers);
    }
  }
  const agent = FORWARDER_AGENTS[countryOf(loading)];
  const master: FilingBody = {
    filingType: masterType,
    lrn: nextLrn(ctx, v.line.scac),
    declarant: { ...carrier },
    carrier,
    officeOfFirstEntry: v.office,
    transport: v.transport,
    consignments: [
      {
        transportDocument: masterDoc,
        placeOfLoading: loading,
        placeOfUnloading: unloading,
        consignor: agent === undefined ? exporter(rng, countryOf(loading)) : partyBody(agent),
        consignee: partyBody(forwarder),
        containers,
        goods,
      },
    ],
  };
  return [master, ...houses];
}

// ---------------------------------------------------------------------------------------------------
// Air, express and postal

interface Flight {
  readonly airline: Airline;
  readonly origin: string;
  readonly destination: string;
  readonly transport: TransportBody;
  readonly office: string;
}

function flight(
  ctx: BuildContext,
  mode: 'air' | 'express' | 'postal',
  originCountry: string,
  opts: { airline?: Airline; destination?: string } = {},
): Flight {
  const { rng } = ctx;
  const airports = ORIGIN_AIRPORTS[originCountry]!;
  const origin = rng.pick(airports);
  const candidates = AIRLINES.filter(
    (a) =>
      (a.from === undefined || a.from.includes(originCountry)) &&
      (opts.destination === undefined || a.to === undefined || a.to.includes(opts.destination)),
  );
  const airline =
    opts.airline ?? rng.pick(candidates.length > 0 ? candidates : AIRLINES.filter((a) => a.to === undefined));
  const destination =
    opts.destination ?? (airline.to !== undefined ? rng.pick(airline.to) : rng.pick(EU_AIRPORTS));
  const hub = airline.hub !== undefined && airline.hub !== originCountry ? airline.hub : undefined;
  const routing = collapse([originCountry, ...(hub === undefined ? [] : [hub]), countryOf(destination)]);
  const shortHaul = hub === undefined && SHORT_HAUL_COUNTRIES.has(originCountry);
  const flightHours = shortHaul
    ? rng.float(1.5, 3.5)
    : rng.float(7, 13) + (hub === undefined ? 0 : rng.float(5, 18));
  // Long-haul: 4 h before arrival; short-haul: by departure. A day or more ahead meets both.
  const { dep, arr } = dates(ctx, 26 * HOUR, 4 * DAY, flightHours * HOUR);
  const transport: TransportBody = {
    mode,
    conveyanceRef: `${airline.iata}${rng.int(100, 9899)}`,
    nationality: airline.country,
    estimatedDeparture: dep,
    estimatedArrival: arr,
    routing,
  };
  if (shortHaul) {
    transport.shortHaul = true;
  }
  return { airline, origin, destination, transport, office: OFFICE_BY_PLACE[destination]! };
}

function airOriginCountry(rng: Rng, channel: Channel, among?: readonly string[]): string {
  const countries = (among ?? Object.keys(ORIGIN_AIRPORTS)).filter(
    (c) => ORIGIN_AIRPORTS[c] !== undefined && hasGoods(channel, c),
  );
  return rng.pick(countries);
}

function airlineDeclarant(a: Airline): FilingBody['declarant'] {
  return { eori: a.eori, name: a.name };
}

/**
 * Air cargo: a complete filing (F20, or F28 without consignment routing) or a master air waybill (F21)
 * with house filings (F22).
 */
export function airCargo(ctx: BuildContext, maxFilings: number): FilingBody[] {
  const { rng } = ctx;
  const originCountry = airOriginCountry(rng, 'A');
  const f = flight(ctx, 'air', originCountry);
  if (maxFilings >= 2 && rng.chance(0.3)) {
    return airMultiple(ctx, f, 'air', maxFilings - 1);
  }
  const consignments: ConsignmentBody[] = [];
  for (
    let i = rng.weighted([
      [1, 5],
      [2, 3],
      [3, 2],
      [4, 1],
    ] as const);
    i > 0;
    i--
  ) {
    const consignee = importer(rng, countryOf(f.destination));
    consignments.push({
      transportDocument: { type: 'N740', ref: airWaybill(rng, f.airline.prefix) },
      placeOfLoading: f.origin,
      placeOfUnloading: f.destination,
      routing: consignmentRouting(f.origin, f.destination, consignee),
      consignor: exporter(rng, originCountry),
      consignee,
      goods: goodsItems(rng, 'A', originCountry, 2),
    });
  }
  const type = rng.chance(0.85) ? 'F20' : 'F28';
  if (type === 'F28') {
    for (const c of consignments) {
      delete c.routing;
    }
  }
  return [
    {
      filingType: type,
      lrn: nextLrn(ctx, f.airline.iata),
      declarant: airlineDeclarant(f.airline),
      carrier: { eori: f.airline.eori, name: f.airline.name },
      officeOfFirstEntry: f.office,
      transport: f.transport,
      consignments,
    },
  ];
}

/**
 * A master air waybill (F21, lodged by the airline) and house filings under it: house air waybills by a
 * forwarder (F22) or express shipments by an integrator (F33, which travel on an airline's master).
 * The house sets have no active means, office of first entry or places of loading and unloading.
 */
function airMultiple(
  ctx: BuildContext,
  f: Flight,
  houseMode: 'air' | 'express',
  maxHouses: number,
  integratorIndex?: number,
): FilingBody[] {
  const { rng } = ctx;
  const originCountry = countryOf(f.origin);
  const masterDoc: TransportDocumentBody = { type: 'N741', ref: airWaybill(rng, f.airline.prefix) };
  const carrier = { eori: f.airline.eori, name: f.airline.name };
  const integrator = integratorIndex === undefined ? undefined : INTEGRATORS[integratorIndex];
  const filer: DemoParty = integrator?.party ?? rng.pick(FORWARDERS);
  const channel: Channel = houseMode === 'express' ? 'P' : 'A';
  const houses: FilingBody[] = [];
  for (let h = rng.int(1, Math.max(1, Math.min(3, maxHouses))); h > 0; h--) {
    const consignments: ConsignmentBody[] = [];
    for (let i = houseMode === 'express' ? rng.int(2, 6) : rng.int(1, 2); i > 0; i--) {
      const consignee =
        houseMode === 'express'
          ? consumer(rng, countryOf(f.destination))
          : importer(rng, countryOf(f.destination));
      const ref =
        integrator !== undefined
          ? digits(rng, integrator.waybillDigits)
          : `HAWB${countryOf(f.origin)}${digits(rng, 8)}`;
      consignments.push({
        transportDocument: { type: 'N703', ref },
        masterTransportDocument: { ...masterDoc },
        routing: consignmentRouting(f.origin, f.destination, consignee),
        consignor: exporter(rng, originCountry),
        consignee,
        goods: goodsItems(rng, channel, originCountry, houseMode === 'express' ? 1 : 2),
      });
    }
    houses.push({
      filingType: houseMode === 'express' ? 'F33' : 'F22',
      lrn: nextLrn(
        ctx,
        filer.name
          .slice(0, 4)
          .toUpperCase()
          .replace(/[^A-Z]/g, 'X'),
      ),
      declarant: declarant(filer),
      carrier: { ...carrier },
      addressedMemberState: f.office.slice(0, 2),
      consignments,
    });
  }
  const agent = FORWARDER_AGENTS[originCountry];
  const master: FilingBody = {
    filingType: 'F21',
    lrn: nextLrn(ctx, f.airline.iata),
    declarant: airlineDeclarant(f.airline),
    carrier,
    officeOfFirstEntry: f.office,
    transport: { ...f.transport, mode: 'air' },
    consignments: [
      {
        transportDocument: masterDoc,
        placeOfLoading: f.origin,
        placeOfUnloading: f.destination,
        consignor: agent === undefined ? exporter(rng, originCountry) : partyBody(agent),
        consignee: partyBody(filer),
        goods: masterGoods(houses),
      },
    ],
  };
  return [master, ...houses];
}

/** Express: an integrator's complete filing (F30) or an airline master (F21) with express houses (F33). */
export function express(ctx: BuildContext, maxFilings: number): FilingBody[] {
  const { rng } = ctx;
  const index = rng.int(0, INTEGRATORS.length - 1);
  const integrator = INTEGRATORS[index]!;
  const originCountry = airOriginCountry(rng, 'P');
  const airline = AIRLINES.find((a) => a.prefix === integrator.airlinePrefix);
  const f = flight(ctx, 'express', originCountry, {
    destination: integrator.hub,
    ...(airline === undefined ? {} : { airline }),
  });
  if (maxFilings >= 2 && rng.chance(0.25)) {
    return airMultiple(ctx, f, 'express', maxFilings - 1, index);
  }
  const consignments: ConsignmentBody[] = [];
  for (let i = rng.int(2, 10); i > 0; i--) {
    const consignee = rng.chance(0.8) ? consumer(rng) : importer(rng, countryOf(f.destination));
    consignments.push({
      transportDocument: { type: 'N703', ref: digits(rng, integrator.waybillDigits) },
      placeOfLoading: f.origin,
      placeOfUnloading: f.destination,
      routing: consignmentRouting(f.origin, f.destination, consignee),
      consignor: exporter(rng, originCountry),
      consignee,
      goods: goodsItems(rng, 'P', originCountry, 2),
    });
  }
  return [
    {
      filingType: 'F30',
      lrn: nextLrn(ctx, integrator.party.name.slice(0, 4).toUpperCase()),
      declarant: declarant(integrator.party),
      carrier: { eori: f.airline.eori, name: f.airline.name },
      officeOfFirstEntry: f.office,
      transport: f.transport,
      consignments,
    },
  ];
}

/**
 * Postal: the destination post's item-level set (F43), lodged before the mail is loaded. The official
 * postal sets with the flight (F40–F42, F45, by the airline) carry receptacles and no goods items; the
 * demo sends the item level, which has the goods the risk rules read: no active means, carrier, office
 * of first entry (the addressed member state instead), places or routing in its data set.
 */
export function postal(ctx: BuildContext): FilingBody[] {
  const { rng } = ctx;
  const originCountry = rng.pick(Object.keys(ORIGIN_POSTS).filter((c) => hasGoods('P', c)));
  const destination = rng.pick(Object.keys(EU_POSTS));
  const post = EU_POSTS[destination]!;
  const consignments: ConsignmentBody[] = [];
  for (let i = rng.int(3, 12); i > 0; i--) {
    consignments.push({
      transportDocument: {
        type: 'N703',
        ref: s10(rng, rng.pick(['RR', 'RB', 'LX', 'CP', 'EE']), originCountry),
      },
      consignor: exporter(rng, originCountry),
      consignee: consumer(rng, countryOf(destination)),
      goods: goodsItems(rng, 'P', originCountry, 1),
    });
  }
  return [
    {
      filingType: 'F43',
      lrn: nextLrn(ctx, 'POST'),
      declarant: declarant(post),
      addressedMemberState: countryOf(destination),
      consignments,
    },
  ];
}

// ---------------------------------------------------------------------------------------------------
// Road, rail and inland waterway

function plate(rng: Rng, country: string): string {
  switch (country) {
    case 'TR':
      return `${rng.int(10, 81)}${rng.chars(LETTERS, 3)}${digits(rng, 3)}`;
    case 'GB':
      return `${rng.chars(LETTERS, 2)}${digits(rng, 2)}${rng.chars(LETTERS, 3)}`;
    default:
      return `${rng.chars(LETTERS, 2)}${digits(rng, 4)}${rng.chars(LETTERS, 2)}`;
  }
}

function landFiling(
  ctx: BuildContext,
  mode: 'road' | 'rail' | 'inland-waterway',
  lane: LandLane,
  operator: DemoParty,
): FilingBody {
  const { rng } = ctx;
  const loadCountry = lane.routing[0]!;
  const channel: Channel = mode === 'rail' ? 'L' : 'R';
  const n = mode === 'rail' ? rng.int(2, 5) : rng.int(1, 4);
  const unloads = pickOrdered(rng, lane.unload, Math.min(n, rng.int(1, 3)));
  const loads = pickOrdered(rng, lane.load, Math.min(n, rng.int(1, 2)));
  const lastIndex = Math.max(...unloads.map((u) => lane.routing.indexOf(countryOf(u))));
  const routing = lane.routing.slice(0, lastIndex + 1);
  const firstEu = routing.find((c) => EU_COUNTRIES.has(c))!;
  const hours = rng.float(lane.hours[0], lane.hours[1]);
  // Road: 1 h before arrival; rail and waterway: 2 h. Leaving a day or more after filing meets both.
  const { dep, arr } = dates(ctx, 24 * HOUR, 3 * DAY, hours * HOUR);
  const transport: TransportBody = {
    mode,
    estimatedDeparture: dep,
    estimatedArrival: arr,
    routing,
  };
  if (mode === 'road') {
    transport.meansId = plate(rng, loadCountry);
    transport.nationality = loadCountry;
  } else if (mode === 'rail') {
    transport.conveyanceRef = `${rng.pick(['XIY', 'CGU', 'CKG', 'WUH', 'IST'])}-${digits(rng, 5)}`;
  } else {
    // The ENI number: 8 digits (R3010).
    transport.meansId = digits(rng, 8);
    transport.nationality = rng.pick(['DE', 'NL', 'CH', 'HU']);
  }
  const consignments: ConsignmentBody[] = [];
  for (let i = 0; i < n; i++) {
    const loading = loads[i % loads.length]!;
    const unloading = unloads[i % unloads.length]!;
    const consignee = importer(rng, countryOf(unloading));
    const goods = goodsItems(rng, channel, countryOf(loading), 2);
    const c: ConsignmentBody = {
      // The EU code lists of the catalogue have no road or rail consignment note; a house waybill stands in.
      transportDocument:
        mode === 'inland-waterway'
          ? { type: 'N705', ref: `RH${digits(rng, 8)}` }
          : { type: 'N703', ref: `${mode === 'road' ? 'CMR' : 'CIM'}${loadCountry}${digits(rng, 8)}` },
      placeOfLoading: loading,
      placeOfUnloading: unloading,
      routing: unique([countryOf(loading), countryOf(unloading), consignee.address.country]),
      consignor: exporter(rng, countryOf(loading)),
      consignee,
      goods,
    };
    if (mode === 'rail') {
      c.containers = containersFor(rng, rng.pick(SHIPPING_LINES).containerPrefixes, goods);
    }
    consignments.push(c);
  }
  return {
    filingType: mode === 'road' ? 'F50' : mode === 'rail' ? 'F51' : 'F11',
    lrn: nextLrn(
      ctx,
      operator.name
        .slice(0, 4)
        .toUpperCase()
        .replace(/[^A-Z]/g, 'X'),
    ),
    declarant: declarant(operator),
    officeOfFirstEntry: BORDER_OFFICE_BY_COUNTRY[firstEu]!,
    transport,
    consignments,
  };
}

export function road(ctx: BuildContext): FilingBody {
  const { rng } = ctx;
  const lane = rng.pick(ROAD_LANES.filter((l) => hasGoods('R', l.routing[0]!)));
  return landFiling(ctx, 'road', lane, rng.pick(HAULIERS[lane.routing[0]!]!));
}

export function rail(ctx: BuildContext): FilingBody {
  const { rng } = ctx;
  const i = rng.int(0, RAIL_LANES.length - 1);
  return landFiling(ctx, 'rail', RAIL_LANES[i]!, RAIL_OPERATORS[i] ?? RAIL_OPERATORS[0]!);
}

export function waterway(ctx: BuildContext): FilingBody {
  const { rng } = ctx;
  const i = rng.int(0, WATERWAY_LANES.length - 1);
  return landFiling(ctx, 'inland-waterway', WATERWAY_LANES[i]!, BARGE_OPERATORS[i] ?? BARGE_OPERATORS[0]!);
}

/** One scenario: its filings in the order a real flow lodges them (master before houses). */
export function buildScenario(ctx: BuildContext, maxFilings: number): FilingBody[] {
  const { rng } = ctx;
  const mode = rng.weighted([
    ['maritime', 55],
    ['air', 13],
    ['express', 11],
    ['postal', 8],
    ['road', 8],
    ['rail', 3],
    ['inland-waterway', 2],
  ] as const);
  switch (mode) {
    case 'maritime':
      return maxFilings >= 2 && rng.chance(0.25) ? seaMultiple(ctx, maxFilings - 1) : [seaComplete(ctx)];
    case 'air':
      return airCargo(ctx, maxFilings);
    case 'express':
      return express(ctx, maxFilings);
    case 'postal':
      return postal(ctx);
    case 'road':
      return [road(ctx)];
    case 'rail':
      return [rail(ctx)];
    case 'inland-waterway':
      return [waterway(ctx)];
  }
}

/** Filing types whose data set has the places of acceptance and delivery, buyer and seller (issue 17). */
const RICH_TYPES: ReadonlySet<string> = new Set(['F11', 'F50', 'F51']);
/** Filing types whose data set has goods item numbers (DE 11 03), from the catalogue. */
const NUMBERED_TYPES: ReadonlySet<string> = new Set(
  [...FILING_TYPES.values()].filter((t) => t.presenceOf('11 03 001 000') !== undefined).map((t) => t.code),
);

/**
 * Some of the ENS elements issue 17 added, on a share of the valid filings whose type has them: goods
 * item numbers (1, 2, 3 …, R3016/R3017), places of acceptance and delivery (their countries are on the
 * consignment's routing, R3022), buyer and seller, a consignment "to order" (additional information
 * 10600 and no consignee, C3022; the importer is the notify party, C3024) and an address with a P.O.
 * box instead of a street.
 */
export function addEnsElements(ctx: BuildContext, body: FilingBody): void {
  const { rng } = ctx;
  if (NUMBERED_TYPES.has(body.filingType) && rng.chance(0.3)) {
    for (const c of body.consignments) {
      c.goods.forEach((g, i) => (g.itemNumber = i + 1));
    }
  }
  if (!RICH_TYPES.has(body.filingType)) {
    return;
  }
  for (const c of body.consignments) {
    if (c.placeOfLoading !== undefined && c.placeOfUnloading !== undefined && rng.chance(0.2)) {
      c.placeOfAcceptance = c.placeOfLoading;
      c.placeOfDelivery = c.placeOfUnloading;
    }
    if (c.consignee !== undefined && rng.chance(0.15)) {
      c.buyer = {
        name: c.consignee.name,
        ...(c.consignee.eori !== undefined ? { eori: c.consignee.eori } : {}),
      };
      c.seller = { name: c.consignor.name };
    }
    if (rng.chance(0.05)) {
      const { street: _street, ...rest } = c.consignor.address;
      c.consignor.address = { ...rest, poBox: digits(rng, 4) };
    }
  }
  const last = body.consignments[body.consignments.length - 1]!;
  // The notify party is in the maritime data set (F11), not in the road and rail ones.
  if (
    body.filingType === 'F11' &&
    body.consignments.length > 1 &&
    last.consignee !== undefined &&
    rng.chance(0.05)
  ) {
    last.notifyParty = last.consignee;
    last.additionalInformation = [{ code: TO_ORDER, text: 'Negotiable bill of lading to order' }];
    delete last.consignee;
  }
}
