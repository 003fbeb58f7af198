/**
 * The demo traffic generator (issue 2, item 9): a deterministic stream of realistic ENS filings across
 * modes and filing types, with a configurable share of filings that break exactly one rule (and the error
 * code the validator must give) and a share of valid filings with a planted risk pattern the risk engine
 * should find. Same seed and same `now` give the same stream; nothing here reads the clock or Math.random
 * except the default `now`.
 */
import { FILING_TYPES } from '../domain/reference-data.ts';
import { breakFiling } from './demo-faults.ts';
import { plantRisk, suspiciousRouteFiling } from './demo-plant.ts';
import { addEnsElements, buildScenario } from './demo-scenarios.ts';
import type { BuildContext } from './demo-scenarios.ts';
import type { DemoFiling, DemoOptions, FilingBody, PlantedRiskKind } from './demo-types.ts';
import { createRng } from './prng.ts';
import type { Rng } from './prng.ts';

export const DEMO_DEFAULTS = Object.freeze({ seed: 1, invalidShare: 0.05, riskyShare: 0.06 });

const RISK_KINDS: readonly PlantedRiskKind[] = [
  'undervaluation',
  'suspicious-route',
  'known-bad-operator',
  'watchlisted-container',
  'misdeclared-description',
];

const BASE36 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

type Fate =
  | { readonly kind: 'valid' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'risky'; readonly risk: PlantedRiskKind };

function checkOptions(o: DemoOptions): void {
  if (!Number.isSafeInteger(o.count) || o.count < 0) {
    throw new RangeError(`count must be a whole number of filings, not ${String(o.count)}`);
  }
  if (o.seed !== undefined && !Number.isFinite(o.seed)) {
    throw new RangeError(`seed must be a number, not ${String(o.seed)}`);
  }
  if (o.now !== undefined && Number.isNaN(o.now.getTime())) {
    throw new RangeError('now must be a valid date');
  }
  for (const key of ['invalidShare', 'riskyShare'] as const) {
    const v = o[key];
    if (v !== undefined && !(v >= 0 && v <= 1)) {
      throw new RangeError(`${key} must be between 0 and 1, not ${String(v)}`);
    }
  }
  if ((o.invalidShare ?? DEMO_DEFAULTS.invalidShare) + (o.riskyShare ?? DEMO_DEFAULTS.riskyShare) > 1) {
    throw new RangeError('invalidShare and riskyShare together must not exceed 1');
  }
}

/** A tag from the seed and the minute of `now`: runs with another seed or time get other LRNs. */
function runTag(rng: Rng, now: Date): string {
  let minutes = Math.floor(now.getTime() / 60_000) % 36 ** 3;
  let tag = '';
  for (let i = 0; i < 3; i++) {
    tag = BASE36[minutes % 36]! + tag;
    minutes = Math.floor(minutes / 36);
  }
  return rng.chars(BASE36, 3) + tag;
}

/** Some filers send EORIs with spaces or in lower case; the validator normalises them (DESIGN §3). */
function messyEori(eori: string): string {
  return `${eori.slice(0, 2).toLowerCase()} ${eori.slice(2)}`;
}

export function* generateDemoFilings(options: DemoOptions): Generator<DemoFiling> {
  checkOptions(options);
  const invalidShare = options.invalidShare ?? DEMO_DEFAULTS.invalidShare;
  const riskyShare = options.riskyShare ?? DEMO_DEFAULTS.riskyShare;
  const now = options.now ?? new Date();
  const rng = createRng(options.seed ?? DEMO_DEFAULTS.seed);
  const ctx: BuildContext = { rng, now, runTag: runTag(rng, now), seq: 0 };

  const fate = (): Fate => {
    const u = rng.next();
    if (u < invalidShare) {
      return { kind: 'invalid' };
    }
    if (u < invalidShare + riskyShare) {
      return { kind: 'risky', risk: rng.pick(RISK_KINDS) };
    }
    return { kind: 'valid' };
  };

  const finish = (body: FilingBody, f: Fate): DemoFiling => {
    const made = ((): DemoFiling => {
      switch (f.kind) {
        case 'invalid': {
          const errorCode = breakFiling(rng, body, now);
          return { filing: body, expect: { valid: false, errorCode }, planted: [] };
        }
        case 'risky':
          return { filing: body, expect: { valid: true }, planted: [plantRisk(ctx, body, f.risk)] };
        case 'valid':
          addEnsElements(ctx, body);
          if (rng.chance(0.02)) {
            body.declarant.eori = messyEori(body.declarant.eori);
          }
          return { filing: body, expect: { valid: true }, planted: [] };
      }
    })();
    departureOfDataSet(body);
    return made;
  };

  let produced = 0;
  while (produced < options.count) {
    const first = fate();
    // The disguised-origin pattern needs a voyage of its own, built around a transshipment port.
    if (first.kind === 'risky' && first.risk === 'suspicious-route') {
      const { body, planted } = suspiciousRouteFiling(ctx);
      departureOfDataSet(body);
      produced++;
      yield { filing: body, expect: { valid: true }, planted: [planted] };
      continue;
    }
    const bodies = buildScenario(ctx, options.count - produced);
    for (let i = 0; i < bodies.length; i++) {
      const f = i === 0 ? first : fate();
      produced++;
      yield finish(bodies[i]!, f);
    }
  }
}

/**
 * The departure the filing type's data set has: the air master F21 and the express sets F30/F31 carry
 * the actual date and time of departure (DE 15 02) and not the estimated one (DE 15 01), so the
 * scenario's departure time is sent as the actual one there (the same instant: deadlines and R3053
 * measure from it alike).
 */
function departureOfDataSet(body: FilingBody): void {
  const t = body.transport;
  const type = FILING_TYPES.get(body.filingType);
  if (t?.estimatedDeparture === undefined || type === undefined) {
    return;
  }
  if (type.presenceOf('15 01 000 000') === undefined && type.presenceOf('15 02 000 000') !== undefined) {
    t.actualDeparture = t.estimatedDeparture;
    delete t.estimatedDeparture;
  }
}
