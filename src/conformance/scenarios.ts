/**
 * The published conformance scenarios (issue 14, item 5): what a filer's system must get right against
 * Vigil. Each scenario acts through the filer channel (the kit itself, or the filer's software through
 * its adapter) and checks what Vigil answered and stored; it passes, fails with a reason, or is skipped
 * with one. The list is the documentation's (docs/integration.md) and is stable: a
 * scenario's name never changes meaning.
 */
import { Webhook } from 'standardwebhooks';
import { FILING_TYPES } from '../domain/index.ts';
import type { FilingTypeInfo, TransportMode } from '../domain/index.ts';
import { MEANS, RULE_CASES, casesFor, exampleOfType, filingType, hasTransport } from './filing-examples.ts';
import { validFiling, validHouseFiling, validMasterFiling } from './filings.ts';
import type { Answer, FilerChannel, HttpCall } from './filer-channel.ts';
import { startWebhookReceiver } from './webhook-receiver.ts';

type Body = Record<string, any>;

/** The LRN prefix of the filing the conformance rule (data/conformance-rfi-rule.json) asks about. */
export const RFI_LRN_PREFIX = 'VCRFI-';

/** The webhook events the kit subscribes to (the Standard Webhooks deliveries of issue 14, item 3). */
export const WEBHOOK_EVENTS = [
  'outcome.decided',
  'outcome.request-for-information',
  'amendment.registered',
  'filing.invalidated',
] as const;

export interface ScenarioContext {
  /** Straight to Vigil with the filer's key: for the checks of what Vigil stored. */
  readonly http: HttpCall;
  /** The filer's system: the kit itself, or the filer's software through its adapter. */
  readonly filer: FilerChannel;
  /** Vigil's time (its Date header), from which the filings' dates are set. */
  readonly now: Date;
  /** A fresh LRN of this run (at most 22 characters); `prefix` marks it for the server. */
  lrn(prefix?: string): string;
  /** This run's id: transport documents carry it so that runs never link with each other's parts. */
  readonly run: string;
  /** The declarant's EORI in the kit's filings (a key bound to EORIs files for one of them). */
  readonly eori: string;
  /** How long to wait for an assessment or a webhook. */
  readonly waitMs: number;
  /** The host Vigil reaches the kit's webhook receiver by, when Vigil is not on this machine. */
  readonly callbackHost?: string | undefined;
}

export interface Skipped {
  readonly skipped: string;
}

export interface Scenario {
  readonly name: string;
  /** The JUnit class name: the scenario's group. */
  readonly group: string;
  readonly description: string;
  run(ctx: ScenarioContext): Promise<void | Skipped>;
}

/** A scenario's check failed: `message` says what Vigil (or the filer's system) did wrong. */
export class ScenarioFailure extends Error {}

function expect(ok: boolean, message: string): asserts ok {
  if (!ok) {
    throw new ScenarioFailure(message);
  }
}

const brief = (a: Answer): string => `${a.status} ${a.text.slice(0, 300)}`;

/** A registered filing's MRN from a lodging answer, or a failure naming what came instead. */
function registered(a: Answer, what: string): string {
  expect(
    (a.status === 200 || a.status === 201) && typeof a.body?.mrn === 'string',
    `${what} was not registered: ${brief(a)}`,
  );
  const mrn = a.body.mrn as string;
  expect(/^\d{2}[A-Z]{2}[A-Z0-9]{12}[A-Z][A-Z0-9]$/.test(mrn), `${what}: ${mrn} is not an MRN (an18)`);
  return mrn;
}

const withDeclarant = (f: Body, eori: string): Body => {
  if (f['declarant'] !== undefined) {
    f['declarant'].eori = eori;
  }
  return f;
};

/** A valid example of `t` in `mode` (the type's first mode is the example as it is made). */
function exampleIn(t: FilingTypeInfo, mode: TransportMode, ctx: ScenarioContext): Body {
  const f = withDeclarant(exampleOfType(t.code, ctx.now, ctx.lrn()), ctx.eori);
  const transport = f['transport'];
  if (mode !== t.modes[0] && transport !== undefined) {
    transport.mode = mode;
    if (transport.meansId !== undefined) {
      transport.meansId = MEANS[mode].id;
    }
    if (transport.typeOfIdentification !== undefined) {
      transport.typeOfIdentification = MEANS[mode].type;
    }
    if (transport.conveyanceRef !== undefined) {
      transport.conveyanceRef = MEANS[mode].conveyance;
    }
  }
  return f;
}

/** A valid filing of each type, and of each further mode of the types that carry a transport. */
function validFilingScenarios(): Scenario[] {
  return [...FILING_TYPES.values()].flatMap((t) =>
    (hasTransport(t) ? t.modes : t.modes.slice(0, 1)).map((mode): Scenario => ({
      name: `valid/${t.code}/${mode}`,
      group: 'valid-filing',
      description: `a valid ${t.code} (${t.part}) filing by ${mode} carrying its whole data set is registered with an MRN`,
      async run(ctx) {
        const a = await ctx.filer.send(this.name, 'lodge', exampleIn(t, mode, ctx));
        registered(a, `the ${t.code} filing`);
        expect(
          a.body.status === 'registered' || a.body.status === 'incomplete',
          `the ${t.code} filing has status ${String(a.body.status)}, not registered or incomplete`,
        );
      },
    })),
  );
}

/** A business-rule case of the kit beyond the filing-type matrix: a change of the F10 example. */
interface ExtraCase {
  readonly code: string;
  readonly what: string;
  readonly path: string;
  readonly mutate: (f: Body, now: Date) => void;
}

const DAY = 86_400_000;
const goods0 = (f: Body): Body => f['consignments'][0].goods[0];
/** Sets the departure (estimated and, where the example has it, actual) and the arrival from `now`. */
const departing = (f: Body, now: Date, departure: number, arrival: number): void => {
  const t = f['transport'];
  t.estimatedDeparture = new Date(now.getTime() + departure).toISOString();
  if (t.actualDeparture !== undefined) {
    t.actualDeparture = t.estimatedDeparture;
  }
  t.estimatedArrival = new Date(now.getTime() + arrival).toISOString();
};

/** Codes a filer triggers on any filing type; checked on a maritime F10. */
const EXTRA_CASES: readonly ExtraCase[] = [
  {
    code: 'VIGIL_FILING_TYPE_UNKNOWN',
    what: 'filing type F99',
    path: '$.filingType',
    mutate: (f) => (f['filingType'] = 'F99'),
  },
  {
    code: 'VIGIL_FILING_TYPE_MODE',
    what: 'an F10 (sea) filing by air',
    path: '$.filingType',
    mutate: (f) => (f['transport'].mode = 'air'),
  },
  {
    code: 'R3005',
    what: 'a declarant EORI without its country code',
    path: '$.declarant.eori',
    mutate: (f) => (f['declarant'].eori = '123456789'),
  },
  {
    code: 'VIGIL_HS_CODE_INVALID',
    what: 'commodity code of chapter 99',
    path: '$.consignments[0].goods[0].hsCode',
    mutate: (f) => (goods0(f).hsCode = '990000'),
  },
  {
    code: 'VIGIL_UNLOCODE_INVALID',
    what: 'a place of loading that is no UN/LOCODE',
    path: '$.consignments[0].placeOfLoading',
    mutate: (f) => (f['consignments'][0].placeOfLoading = 'CN-SHA'),
  },
  {
    code: 'VIGIL_CURRENCY_UNKNOWN',
    what: 'a value in currency XYZ',
    path: '$.consignments[0].goods[0].value.currency',
    mutate: (f) => (goods0(f).value.currency = 'XYZ'),
  },
  {
    code: 'VIGIL_COUNTRY_INVALID',
    what: 'goods of origin XX',
    path: '$.consignments[0].goods[0].origin',
    mutate: (f) => (goods0(f).origin = 'XX'),
  },
  {
    code: 'VIGIL_OFFICE_INVALID',
    what: 'an office of first entry of six characters',
    path: '$.officeOfFirstEntry',
    mutate: (f) => (f['officeOfFirstEntry'] = 'NL0003'),
  },
  {
    code: 'VIGIL_SCHEMA_UNKNOWN_FIELD',
    what: 'a field the filing does not have',
    path: '$.colour',
    mutate: (f) => (f['colour'] = 'red'),
  },
  {
    code: 'VIGIL_SCHEMA_TYPE',
    what: 'a gross mass given as text',
    path: '$.consignments[0].goods[0].grossMassKg',
    mutate: (f) => (goods0(f).grossMassKg = 'heavy'),
  },
  {
    code: 'VIGIL_SCHEMA_VALUE',
    what: 'a transport mode that does not exist',
    path: '$.transport.mode',
    mutate: (f) => (f['transport'].mode = 'spaceship'),
  },
  {
    code: 'VIGIL_SCHEMA_TOO_SMALL',
    what: 'a negative customs value',
    path: '$.consignments[0].goods[0].value.amount',
    mutate: (f) => (goods0(f).value.amount = -1),
  },
  {
    code: 'VIGIL_SCHEMA_FORMAT',
    what: 'a NUL character in the goods description',
    path: '$.consignments[0].goods[0].description',
    mutate: (f) => (goods0(f).description = 'Smartphones\u0000, boxed'),
  },
  {
    code: 'VIGIL_DATE_INVALID',
    what: 'an arrival on the 45th of the 13th month',
    path: '$.transport.estimatedArrival',
    mutate: (f) => (f['transport'].estimatedArrival = '2027-13-45T06:00:00Z'),
  },
  {
    code: 'VIGIL_LODGED_LATE',
    what: 'a sea filing lodged ten days after the departure',
    path: '$.transport',
    mutate: (f, now) => departing(f, now, -10 * DAY, 5 * DAY),
  },
  {
    code: 'VIGIL_LODGED_TOO_EARLY',
    what: 'a departure 250 days ahead',
    path: '$.transport.estimatedDeparture',
    mutate: (f, now) => departing(f, now, 250 * DAY, 261 * DAY),
  },
];

/** One scenario per business-rule code a filer can trigger: the answer names that code at that path. */
function ruleScenarios(): Scenario[] {
  const refused = async (ctx: ScenarioContext, name: string, f: Body, code: string, path: string) => {
    const a = await ctx.filer.send(name, 'lodge', f);
    expect(a.status === 422, `expected 422 with ${code} at ${path}; got ${brief(a)}`);
    expect(a.body?.code === 'VIGIL_FILING_INVALID', `expected code VIGIL_FILING_INVALID; got ${brief(a)}`);
    const errors = (Array.isArray(a.body?.errors) ? a.body.errors : []) as { code?: string; path?: string }[];
    expect(
      errors.some((e) => e.code === code && e.path === path),
      `expected the error ${code} at ${path}; the answer named ${errors.map((e) => `${String(e.code)} at ${String(e.path)}`).join(', ') || 'no error'}`,
    );
  };
  const seen = new Set<string>();
  const fromMatrix: Scenario[] = [];
  for (const r of RULE_CASES) {
    if (seen.has(r.code)) {
      continue;
    }
    const t = [...FILING_TYPES.values()].find((x) =>
      casesFor(x).some((c) => c.code === r.code && c.what === r.what),
    );
    if (t === undefined) {
      continue;
    }
    seen.add(r.code);
    const c = casesFor(t).find((x) => x.code === r.code && x.what === r.what)!;
    fromMatrix.push({
      name: `rule/${r.code}`,
      group: 'business-rule',
      description: `${t.code}: ${r.what}: refused with ${r.code} at ${c.at}`,
      async run(ctx) {
        const f = withDeclarant(exampleOfType(t.code, ctx.now, ctx.lrn()), ctx.eori);
        c.mutate(f, filingType(t.code));
        await refused(ctx, this.name, f, c.code, c.at);
      },
    });
  }
  const extras = EXTRA_CASES.filter((e) => !seen.has(e.code)).map((e): Scenario => ({
    name: `rule/${e.code}`,
    group: 'business-rule',
    description: `F10: ${e.what}: refused with ${e.code} at ${e.path}`,
    async run(ctx) {
      const f = withDeclarant(exampleOfType('F10', ctx.now, ctx.lrn()), ctx.eori);
      e.mutate(f, ctx.now);
      await refused(ctx, this.name, f, e.code, e.path);
    },
  }));
  const warning: Scenario = {
    name: 'warning/VIGIL_DESCRIPTION_VAGUE_TERM',
    group: 'business-rule',
    description:
      'F10: goods described with a vague term (“spare parts”) among precise words: registered, with the warning VIGIL_DESCRIPTION_VAGUE_TERM at the description',
    async run(ctx) {
      const f = withDeclarant(exampleOfType('F10', ctx.now, ctx.lrn()), ctx.eori);
      goods0(f).description = 'Smartphones, 128GB, with spare parts';
      const a = await ctx.filer.send(this.name, 'lodge', f);
      registered(a, 'the filing');
      const warnings = (Array.isArray(a.body?.warnings) ? a.body.warnings : []) as Body[];
      const path = '$.consignments[0].goods[0].description';
      expect(
        warnings.some((w) => w['code'] === 'VIGIL_DESCRIPTION_VAGUE_TERM' && w['path'] === path),
        `expected the warning VIGIL_DESCRIPTION_VAGUE_TERM at ${path}; the answer warned ${JSON.stringify(warnings).slice(0, 300)}`,
      );
    },
  };
  return [...fromMatrix, ...extras, warning];
}

const valid = (ctx: ScenarioContext, lrn = ctx.lrn()): Body =>
  withDeclarant(validFiling(ctx.now, { lrn }), ctx.eori);

/** Polls the filer's view of the outcome until the first consignment's is decided. */
async function decidedOutcome(ctx: ScenarioContext, mrn: string): Promise<Body> {
  const until = Date.now() + ctx.waitMs;
  for (;;) {
    const a = await ctx.http('GET', `/filings/${mrn}/outcome`);
    expect(a.status === 200, `GET /v1/filings/${mrn}/outcome answered ${brief(a)}`);
    const outcome = a.body?.consignments?.[0]?.outcome as Body | undefined;
    if (outcome !== undefined && outcome['kind'] !== 'pending') {
      return outcome;
    }
    expect(
      Date.now() < until,
      `no outcome for ${mrn} within ${ctx.waitMs / 1000} s (is the assessment running?)`,
    );
    await new Promise((r) => setTimeout(r, 250));
  }
}

const LIFECYCLE: readonly Scenario[] = [
  {
    name: 'declarant-binding',
    group: 'lifecycle',
    description:
      'a filing for a declarant the key is not bound to is refused with VIGIL_EORI_NOT_BOUND at $.declarant.eori (skipped for a key that files for any declarant)',
    async run(ctx) {
      const f = valid(ctx);
      f['declarant'] =
        ctx.eori === 'DE123456789012345'
          ? { eori: 'NL123456789', name: 'Acme Shipping BV' }
          : { eori: 'DE123456789012345', name: 'Elektro Handel GmbH' };
      const a = await ctx.filer.send(this.name, 'lodge', f);
      if (a.status === 200 || a.status === 201) {
        return { skipped: `the key is not bound to EORIs: it filed for ${String(f['declarant'].eori)}` };
      }
      const errors = (Array.isArray(a.body?.errors) ? a.body.errors : []) as Body[];
      expect(
        a.status === 403 &&
          a.body?.code === 'VIGIL_EORI_NOT_BOUND' &&
          errors.some((e) => e['code'] === 'VIGIL_EORI_NOT_BOUND' && e['path'] === '$.declarant.eori'),
        `expected 403 VIGIL_EORI_NOT_BOUND at $.declarant.eori; got ${brief(a)}`,
      );
    },
  },
  {
    name: 'idempotent-resubmission',
    group: 'lifecycle',
    description: 'the same filing lodged twice under one LRN gets the same MRN, and no second filing',
    async run(ctx) {
      const f = valid(ctx);
      const first = registered(await ctx.filer.send(this.name, 'lodge', f), 'the filing');
      const again = await ctx.filer.send(this.name, 'lodge', f);
      const second = registered(again, 'the resubmission');
      expect(second === first, `the resubmission got MRN ${second}, the first lodging ${first}`);
      const listed = await ctx.http('GET', `/filings?lrn=${encodeURIComponent(f['lrn'])}`);
      expect(
        listed.status === 200 && Array.isArray(listed.body?.items) && listed.body.items.length === 1,
        `GET /v1/filings?lrn=${f['lrn']} should list one filing: ${brief(listed)}`,
      );
    },
  },
  {
    name: 'amendment',
    group: 'lifecycle',
    description: 'an amendment with the complete new data makes version 2, and the new data is on file',
    async run(ctx) {
      const f = valid(ctx);
      const mrn = registered(await ctx.filer.send(this.name, 'lodge', f), 'the filing');
      const amended = structuredClone(f);
      amended['consignments'][0].goods[0].description = 'Smartphones, 256GB, boxed';
      const a = await ctx.filer.send(this.name, 'amend', amended, mrn);
      expect(a.status === 200, `the amendment was not accepted: ${brief(a)}`);
      expect(a.body?.version === 2, `the amended filing has version ${String(a.body?.version)}, not 2`);
      const got = await ctx.http('GET', `/filings/${mrn}`);
      expect(
        got.body?.filing?.consignments?.[0]?.goods?.[0]?.description === 'Smartphones, 256GB, boxed',
        `GET /v1/filings/${mrn} does not show the amended description: ${brief(got)}`,
      );
    },
  },
  {
    name: 'invalidation',
    group: 'lifecycle',
    description: 'a filing invalidated by its filer is invalidated and takes no amendment',
    async run(ctx) {
      const f = valid(ctx);
      const mrn = registered(await ctx.filer.send(this.name, 'lodge', f), 'the filing');
      const a = await ctx.filer.send(this.name, 'invalidate', { reason: 'conformance: not shipped' }, mrn);
      expect(a.status === 200, `the invalidation was not accepted: ${brief(a)}`);
      const got = await ctx.http('GET', `/filings/${mrn}`);
      expect(
        got.body?.status === 'invalidated',
        `GET /v1/filings/${mrn} shows status ${String(got.body?.status)}`,
      );
      const late = await ctx.filer.send(this.name, 'amend', f, mrn);
      expect(
        late.body?.code === 'VIGIL_FILING_INVALIDATED',
        `an amendment of the invalidated filing should be refused with VIGIL_FILING_INVALIDATED: ${brief(late)}`,
      );
    },
  },
  {
    name: 'multiple-filing',
    group: 'lifecycle',
    description:
      'a house part (F15) waits as incomplete until its master part (F12) under the same master document and carrier is in; then both are registered',
    async run(ctx) {
      const carrier = { eori: 'NL987654321', name: 'Ocean Carrier NV' };
      const masterRef = `MB${ctx.run}01`;
      const house = withDeclarant(
        validHouseFiling(ctx.now, ctx.lrn(), carrier, `HB${ctx.run}01`, masterRef),
        ctx.eori,
      );
      const h = await ctx.filer.send(this.name, 'lodge', house);
      const hMrn = registered(h, 'the house part');
      expect(
        h.body.status === 'incomplete',
        `the house part alone has status ${String(h.body.status)}, not incomplete`,
      );
      const master = withDeclarant(validMasterFiling(ctx.now, ctx.lrn(), carrier, masterRef), ctx.eori);
      const m = await ctx.filer.send(this.name, 'lodge', master);
      const mMrn = registered(m, 'the master part');
      for (const [mrn, what] of [
        [hMrn, 'house'],
        [mMrn, 'master'],
      ] as const) {
        const got = await ctx.http('GET', `/filings/${mrn}`);
        expect(
          got.body?.status === 'registered',
          `once both parts are in, the ${what} part has status ${String(got.body?.status)}, not registered`,
        );
      }
    },
  },
  {
    name: 'bulk',
    group: 'lifecycle',
    description:
      'POST /v1/filings/bulk answers each NDJSON line in order (registered with an MRN, or rejected with the code and path) and a summary; the same bulk again gives the same MRNs',
    async run(ctx) {
      const bad = valid(ctx);
      bad['consignments'][0].containers[0].id = 'MSCU1234567';
      const body = [valid(ctx), bad, valid(ctx)].map((f) => JSON.stringify(f)).join('\n');
      const results = async (): Promise<Body[]> => {
        const a = await ctx.filer.send(this.name, 'bulk', body);
        expect(a.status === 200, `the bulk request was not taken: ${brief(a)}`);
        const lines = a.text
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => {
            try {
              return JSON.parse(l) as Body;
            } catch {
              throw new ScenarioFailure(`the bulk answer has a line that is not JSON: ${l.slice(0, 200)}`);
            }
          });
        const shape = lines
          .map((l) => `${String(l['line'] ?? 'summary')}:${String(l['status'] ?? '')}`)
          .join(' ');
        expect(shape === '1:registered 2:rejected 3:registered summary:', `the bulk answer was ${shape}`);
        const errors = (lines[1]!['errors'] ?? []) as Body[];
        expect(
          errors.some((e) => e['code'] === 'R3021' && e['path'] === '$.consignments[0].containers[0].id'),
          `line 2 should be rejected with R3021 at $.consignments[0].containers[0].id: ${JSON.stringify(lines[1])}`,
        );
        const s = lines[3]!['summary'] as Body | undefined;
        expect(
          s?.['lines'] === 3 && s['registered'] === 2 && s['rejected'] === 1,
          `the summary should count 3 lines, 2 registered, 1 rejected: ${JSON.stringify(s)}`,
        );
        return lines;
      };
      const first = await results();
      const again = await results();
      for (const i of [0, 2]) {
        expect(
          first[i]!['mrn'] === again[i]!['mrn'],
          `line ${i + 1} got MRN ${String(again[i]!['mrn'])} the second time, ${String(first[i]!['mrn'])} the first`,
        );
      }
    },
  },
  {
    name: 'request-for-information',
    group: 'lifecycle',
    description: `a filing customs ask about (LRN starting ${RFI_LRN_PREFIX}, with the conformance rule loaded) gets a request for information; the filer's answer is on file`,
    async run(ctx) {
      const f = valid(ctx, ctx.lrn(RFI_LRN_PREFIX));
      const mrn = registered(await ctx.filer.send(this.name, 'lodge', f), 'the filing');
      const outcome = await decidedOutcome(ctx, mrn);
      expect(
        outcome['kind'] === 'request-for-information',
        `the outcome is ${String(outcome['kind'])}, not request-for-information: is the conformance rule (data/conformance-rfi-rule.json) active in this authority?`,
      );
      const answer = `Conformance run ${ctx.run}: maker Acme, model X1.`;
      const a = await ctx.filer.send(this.name, 'answer-rfi', { consignment: 0, answer }, mrn);
      expect(a.status === 200, `the answer was not accepted: ${brief(a)}`);
      const after = await decidedOutcome(ctx, mrn);
      expect(
        after['answer']?.text === answer,
        `the outcome does not show the answer: ${JSON.stringify(after).slice(0, 300)}`,
      );
    },
  },
  {
    name: 'webhook',
    group: 'notifications',
    description:
      'a registered webhook endpoint receives the outcome of a filing, signed by the Standard Webhooks scheme with the secret given at registration',
    async run(ctx) {
      const receiver = await startWebhookReceiver({ callbackHost: ctx.callbackHost });
      try {
        const reg = await ctx.http('POST', '/webhooks', { url: receiver.url, events: [...WEBHOOK_EVENTS] });
        if (reg.status === 404) {
          return { skipped: 'the server has no /v1/webhooks' };
        }
        expect(
          reg.status === 201 &&
            typeof reg.body?.id === 'string' &&
            String(reg.body?.secret).startsWith('whsec_'),
          `registering the webhook endpoint answered ${brief(reg)}`,
        );
        try {
          const mrn = registered(await ctx.filer.send(this.name, 'lodge', valid(ctx)), 'the filing');
          const mine = (d: { body: string }): boolean => {
            try {
              return (JSON.parse(d.body) as Body)['data']?.mrn === mrn;
            } catch {
              return false;
            }
          };
          const d = await receiver.next(mine, ctx.waitMs);
          expect(d !== undefined, `no webhook delivery for ${mrn} within ${ctx.waitMs / 1000} s`);
          for (const h of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
            expect(d.headers[h] !== undefined, `the delivery has no ${h} header`);
          }
          try {
            new Webhook(String(reg.body.secret)).verify(d.body, d.headers);
          } catch (err) {
            throw new ScenarioFailure(`the delivery's signature does not verify: ${(err as Error).message}`);
          }
          const event = JSON.parse(d.body) as Body;
          expect(
            (WEBHOOK_EVENTS as readonly string[]).includes(String(event['type'])) &&
              typeof event['timestamp'] === 'string',
            `the delivery is not an event of the contract: ${d.body.slice(0, 300)}`,
          );
        } finally {
          await ctx.http('DELETE', `/webhooks/${String(reg.body.id)}`);
        }
      } finally {
        await receiver.close();
      }
    },
  },
];

/** Every scenario, in the order they run. */
export function conformanceScenarios(): Scenario[] {
  return [...validFilingScenarios(), ...ruleScenarios(), ...LIFECYCLE];
}
