/**
 * Plants risk patterns in otherwise valid filings, the ones the risk engine is meant to find later:
 * undervaluation against the typical unit value of the goods and origin, transshipment that disguises
 * Chinese origin of goods under anti-dumping duties, known bad operators under variant names,
 * watchlisted containers, and descriptions that do not belong to the declared goods code. Every planted
 * filing stays valid: patterns are risks, not errors.
 */
import { DEMO_GOODS, DEMO_MISDECLARATIONS, typicalUnitValue } from './demo-goods.ts';
import { DEMO_BAD_OPERATORS, DEMO_WATCHLIST_CONTAINERS, EXPORTERS } from './demo-parties.ts';
import { SEA_LANES } from './demo-places.ts';
import { containersFor, countryOf, goodsItem, partyBody, seaComplete, valueOf } from './demo-scenarios.ts';
import type { BuildContext } from './demo-scenarios.ts';
import type { FilingBody, PlantedRisk, PlantedRiskKind } from './demo-types.ts';
import type { Rng } from './prng.ts';

/** Countries goods are routed through to hide Chinese origin from anti-dumping duties. */
export const DEMO_TRANSSHIPMENT_HUBS: readonly string[] = Object.freeze(['MY', 'VN', 'TH', 'KH', 'ID']);

/** HS6 codes of goods under EU anti-dumping or anti-subsidy duties on Chinese origin, as the demo models them. */
export const DEMO_ANTI_DUMPING_HS6: readonly string[] = Object.freeze(
  DEMO_GOODS.filter((g) => g.antiDumpingCn === true).map((g) => g.hs6),
);

const HUB_PORTS = ['MYPKG', 'MYTPP', 'VNSGN', 'VNHPH', 'THLCH', 'KHKOS', 'IDJKT'];

/** Legal forms evasive operators swap between filings. */
const LEGAL_FORMS: readonly (readonly [string, string])[] = [
  ['Co., Ltd.', 'Company Limited'],
  ['Ltd. Sti.', 'Limited Sirketi'],
  ['Sdn. Bhd.', 'Sdn Bhd'],
  ['B.V.', 'BV'],
  ['Sp. z o.o.', 'Spolka z o.o.'],
  ['EOOD', 'E.O.O.D.'],
  ['FZE', 'F.Z.E.'],
  ['Ltd', 'Limited'],
];

function splitLegalForm(name: string): [string, string] {
  for (const [form] of LEGAL_FORMS) {
    if (name.endsWith(` ${form}`)) {
      return [name.slice(0, -form.length - 1), form];
    }
  }
  return [name, ''];
}

/** A spelling of `name` as it turns up on filings: a typo, another word order or legal form, capitals. */
export function operatorNameVariant(rng: Rng, name: string): { name: string; how: string } {
  const [core, form] = splitLegalForm(name);
  const words = core.split(' ');
  const how = rng.pick(['typo', 'word order', 'legal form', 'capitals'] as const);
  switch (how) {
    case 'typo': {
      const candidates = words.map((w, i) => [w, i] as const).filter(([w]) => /^[A-Za-z]{5,}$/.test(w));
      const [word, i] = candidates.length > 0 ? rng.pick(candidates) : [words[0]!, 0];
      const k = rng.int(1, Math.max(1, word.length - 3));
      const typo = rng.chance(0.5)
        ? word.slice(0, k) + word[k + 1]! + word[k]! + word.slice(k + 2) // swapped letters
        : word.slice(0, k) + word.slice(k + 1); // dropped letter
      const out = [...words];
      out[i] = typo;
      return { name: [out.join(' '), form].filter((s) => s !== '').join(' '), how };
    }
    case 'word order': {
      if (words.length < 2) {
        return { name: name.toUpperCase(), how: 'capitals' };
      }
      const i = rng.int(0, words.length - 2);
      const out = [...words];
      [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
      return { name: [out.join(' '), form].filter((s) => s !== '').join(' '), how };
    }
    case 'legal form': {
      const alt = LEGAL_FORMS.find(([f]) => f === form)?.[1];
      return { name: alt === undefined ? `${core} Trading` : `${core} ${alt}`, how };
    }
    case 'capitals':
      return { name: name.toUpperCase(), how };
  }
}

type Planter = (ctx: BuildContext, body: FilingBody) => PlantedRisk | undefined;

const undervaluation: Planter = ({ rng }, body) => {
  const spots = body.consignments.flatMap((c, ci) =>
    c.goods.flatMap((g, gi) =>
      g.origin !== undefined && typicalUnitValue(g.hsCode, g.origin) !== undefined ? [[ci, gi] as const] : [],
    ),
  );
  if (spots.length === 0) {
    return undefined;
  }
  const [ci, gi] = rng.pick(spots);
  const g = body.consignments[ci]!.goods[gi]!;
  const typical = typicalUnitValue(g.hsCode, g.origin!)!;
  const declared = typical * rng.float(0.04, 0.18);
  g.value = valueOf(rng, g.grossMassKg, declared);
  return {
    kind: 'undervaluation',
    detail: `${g.hsCode.slice(0, 6)} from ${g.origin!} declared at ${declared.toFixed(2)} EUR/kg; typical is ${typical.toFixed(2)} EUR/kg`,
    path: `$.consignments[${ci}].goods[${gi}].value`,
  };
};

const badOperator: Planter = ({ rng }, body) => {
  const ci = rng.int(0, body.consignments.length - 1);
  const c = body.consignments[ci]!;
  const abroad = DEMO_BAD_OPERATORS.filter(
    (p) => p.eori === undefined && p.address.country === c.consignor.address.country,
  );
  if (abroad.length > 0 && rng.chance(0.6)) {
    const op = rng.pick(abroad);
    const variant = operatorNameVariant(rng, op.name);
    c.consignor = { ...partyBody(op), name: variant.name };
    return {
      kind: 'known-bad-operator',
      detail: `consignor '${variant.name}' is known bad operator '${op.name}' (${variant.how})`,
      path: `$.consignments[${ci}].consignor`,
    };
  }
  const op = rng.pick(DEMO_BAD_OPERATORS.filter((p) => p.eori !== undefined));
  const variant = operatorNameVariant(rng, op.name);
  const party = partyBody(op);
  // Half the time the EORI gives them away; otherwise only the name and address do.
  if (rng.chance(0.5)) {
    delete party.eori;
  }
  c.consignee = { ...party, name: variant.name };
  return {
    kind: 'known-bad-operator',
    detail: `consignee '${variant.name}' is known bad operator '${op.name}' ${op.eori!} (${variant.how}${party.eori === undefined ? ', EORI left out' : ''})`,
    path: `$.consignments[${ci}].consignee`,
  };
};

const watchlistedContainer: Planter = ({ rng }, body) => {
  const spots = body.consignments.flatMap((c, ci) => (c.containers ?? []).map((_, k) => [ci, k] as const));
  if (spots.length === 0) {
    return undefined;
  }
  const [ci, k] = rng.pick(spots);
  const id = rng.pick(DEMO_WATCHLIST_CONTAINERS);
  body.consignments[ci]!.containers![k]!.id = id;
  return {
    kind: 'watchlisted-container',
    detail: `container ${id} is on the watchlist`,
    path: `$.consignments[${ci}].containers[${k}].id`,
  };
};

const misdeclaredDescription: Planter = ({ rng }, body) => {
  const ci = rng.int(0, body.consignments.length - 1);
  const goods = body.consignments[ci]!.goods;
  const gi = rng.int(0, goods.length - 1);
  const m = rng.pick(DEMO_MISDECLARATIONS);
  goods[gi]!.hsCode = m.declaredHs;
  goods[gi]!.description = m.description;
  return {
    kind: 'misdeclared-description',
    detail: `'${m.description}' belongs under ${m.trueHs6}, declared under ${m.declaredHs}`,
    path: `$.consignments[${ci}].goods[${gi}]`,
  };
};

const PLANTERS: Readonly<Record<Exclude<PlantedRiskKind, 'suspicious-route'>, Planter>> = {
  undervaluation,
  'known-bad-operator': badOperator,
  'watchlisted-container': watchlistedContainer,
  'misdeclared-description': misdeclaredDescription,
};

/** Plants `preferred` in `body`, or another kind that fits when it does not (a filing without containers…). */
export function plantRisk(ctx: BuildContext, body: FilingBody, preferred: PlantedRiskKind): PlantedRisk {
  const kinds = Object.keys(PLANTERS) as (keyof typeof PLANTERS)[];
  const others = kinds.filter((k) => k !== preferred);
  // Fallbacks in random order, so a misfit does not bias the mix towards one kind.
  for (let i = others.length - 1; i > 0; i--) {
    const j = ctx.rng.int(0, i);
    [others[i], others[j]] = [others[j]!, others[i]!];
  }
  const order = [...(preferred === 'suspicious-route' ? [] : [preferred]), ...others];
  for (const kind of order) {
    const planted = PLANTERS[kind](ctx, body);
    if (planted !== undefined) {
      return planted;
    }
  }
  // The bad-operator planter always fits; this is unreachable.
  throw new Error('no risk pattern fits this filing');
}

/**
 * A complete maritime filing whose goods under anti-dumping duties on Chinese origin are declared of a
 * neighbouring country's origin, with a consignment routing that shows they came from China.
 */
export function suspiciousRouteFiling(ctx: BuildContext): { body: FilingBody; planted: PlantedRisk } {
  const { rng } = ctx;
  const hub = rng.pick(HUB_PORTS);
  const hubCountry = countryOf(hub);
  const lane = SEA_LANES.find((l) => l.load.includes(hub))!;
  const body = seaComplete(ctx, { lane, loadPorts: [hub], consignments: 1, channel: 'S' });
  const c = body.consignments[0]!;
  const goods = rng.pick(DEMO_GOODS.filter((g) => g.antiDumpingCn === true && g.channels.includes('S')));
  const item = goodsItem(rng, 'S', { goods, origin: hubCountry });
  item.origin = hubCountry;
  // Priced like the Chinese goods they are.
  const cnValue = typicalUnitValue(goods.hs6, 'CN') ?? goods.eurPerKg;
  item.value = valueOf(rng, item.grossMassKg, cnValue * rng.spread(0.15));
  c.goods = [item];
  c.consignor = partyBody(rng.pick(EXPORTERS[hubCountry]!));
  c.routing = ['CN', ...(c.routing ?? []).filter((x) => x !== 'CN')];
  const prefix = c.containers?.[0]?.id.slice(0, 4) ?? 'MSCU';
  c.containers = containersFor(rng, [prefix], c.goods);
  return {
    body,
    planted: {
      kind: 'suspicious-route',
      detail: `${goods.hs6} (anti-dumping duties on Chinese origin) declared of ${hubCountry} origin, but routed from CN through ${hub}`,
      path: '$.consignments[0].routing',
    },
  };
}
