/**
 * Demo RIF traffic (`vigil demo --cooperation`), so the workbench and the indicators have cooperation
 * to show: the demo authorities in the directory, their sharing policies, risk information forms
 * drafted and issued by their issuers, and what the recipients did with them (adopted as live rules,
 * noted, declined with a reason, feedback given, amended, withdrawn). The traffic is data
 * (data/demo-pack/cooperation.json, dates relative to the run's `now`), checked with the API's own
 * schemas when it is read, and played through the HTTP API as each authority's own users, so the
 * server applies every check, permission and audit entry it would for people. Running it again does
 * not duplicate anything: a RIF its issuer already has (by title) is not drafted again, and each step
 * is taken only when the recipient has not taken it yet.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fromZodIssues } from '../errors/index.ts';
import { authorityCodeSchema, feedbackInputSchema, rifInputSchema } from '../cooperation/rif.schema.ts';
import type { DirectoryEntry } from '../cooperation/rif.schema.ts';
import { sharingPolicySchema } from '../cooperation/sharing.service.ts';

/** The shipped traffic. */
export const COOPERATION_DEMO_FILE: URL = new URL('../../data/demo-pack/cooperation.json', import.meta.url);

const DAY_MS = 86_400_000;

const days = z.number().int().min(-3650).max(3650);
const reason = z.string().trim().min(1).max(1000);

const stepSchema = z.discriminatedUnion('do', [
  z.strictObject({ by: authorityCodeSchema, do: z.literal('read') }),
  z.strictObject({ by: authorityCodeSchema, do: z.literal('adopt') }),
  z.strictObject({ by: authorityCodeSchema, do: z.literal('note') }),
  z.strictObject({ by: authorityCodeSchema, do: z.literal('decline'), reason }),
  z.strictObject({ by: authorityCodeSchema, do: z.literal('feedback'), ...feedbackInputSchema.shape }),
  z.strictObject({
    by: authorityCodeSchema,
    do: z.literal('amend'),
    /** Fields of the RIF body that change; the title stays (it is how a rerun finds the RIF). */
    changes: z.record(z.string(), z.unknown()),
  }),
  z.strictObject({ by: authorityCodeSchema, do: z.literal('withdraw'), reason }),
]);
export type CooperationDemoStep = z.output<typeof stepSchema>;

const entrySchema = z.strictObject({
  issuer: authorityCodeSchema,
  /** False leaves the RIF a draft of its issuer. */
  issue: z.boolean().default(true),
  timing: z.strictObject({ from: days, until: days, feedbackDue: days.optional() }),
  /** The body as POST /v1/rifs takes it, without validFrom, validUntil and feedback. */
  rif: z.record(z.string(), z.unknown()),
  steps: z.array(stepSchema).default([]),
});
export type CooperationDemoRif = z.output<typeof entrySchema>;

const fileSchema = z.strictObject({
  $comment: z.string().optional(),
  authorities: z
    .array(
      z.strictObject({
        code: authorityCodeSchema,
        name: z.string().trim().min(1).max(200),
        kind: z.enum(['customs', 'partner']),
      }),
    )
    .min(1),
  sharingPolicies: z
    .array(z.strictObject({ authority: authorityCodeSchema, rules: sharingPolicySchema.shape.rules }))
    .default([]),
  rifs: z.array(entrySchema),
});

export interface CooperationDemo {
  readonly authorities: readonly DirectoryEntry[];
  readonly sharingPolicies: z.output<typeof fileSchema>['sharingPolicies'];
  readonly rifs: readonly CooperationDemoRif[];
}

/** The traffic file cannot be read, or the API would refuse something in it. */
export class CooperationDemoError extends Error {
  override readonly name = 'CooperationDemoError';
}

const DATE_FIELDS = ['validFrom', 'validUntil', 'feedback'] as const;
const FIXED_ON_AMEND = ['title', ...DATE_FIELDS] as const;

/** The RIF body of `entry` for a run at `now`: its dates from the relative timing. */
export function rifBodyAt(entry: CooperationDemoRif, now: Date): Record<string, unknown> {
  const at = (d: number): string => new Date(now.getTime() + d * DAY_MS).toISOString();
  const { from, until, feedbackDue } = entry.timing;
  return {
    ...entry.rif,
    validFrom: at(from),
    validUntil: at(until),
    feedback: feedbackDue !== undefined ? { required: true, dueAt: at(feedbackDue) } : { required: false },
  };
}

/** The body after an `amend` step: the original with the changed fields. */
function amendedBody(entry: CooperationDemoRif, changes: Record<string, unknown>, now: Date) {
  return { ...rifBodyAt(entry, now), ...changes };
}

/** The customs authorities a RIF reaches (partner agencies do not adopt, decide or give feedback). */
function customsRecipients(
  entry: CooperationDemoRif,
  directory: ReadonlyMap<string, DirectoryEntry>,
): string[] {
  const r = entry.rif['recipients'];
  if (r === 'all') {
    return [...directory.values()]
      .filter((e) => e.kind === 'customs' && e.code !== entry.issuer)
      .map((e) => e.code);
  }
  return Array.isArray(r) ? r.filter((c): c is string => typeof c === 'string') : [];
}

/**
 * Checks the traffic as the API would: every RIF body (and every amended one) against the RIF
 * contract, every authority named in the directory, each step by someone who may take it. `where`
 * names the file in errors.
 */
export function parseCooperationDemo(json: unknown, where = 'cooperation.json'): CooperationDemo {
  const parsed = fileSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    refuse(
      where,
      fromZodIssues(parsed.error.issues).map((e) => `${e.path}: ${e.message}`),
    );
  }
  const data = parsed.data;
  const directory = new Map(data.authorities.map((a) => [a.code, a]));
  const problems: string[] = [];
  const seen = new Set<string>();
  data.authorities.forEach((a, i) => {
    if (seen.has(a.code)) {
      problems.push(`$.authorities[${i}].code: '${a.code}' appears twice`);
    }
    seen.add(a.code);
  });
  data.sharingPolicies.forEach((p, i) => {
    if (directory.get(p.authority)?.kind !== 'customs') {
      problems.push(
        `$.sharingPolicies[${i}].authority: ${p.authority} is not a customs authority of the file`,
      );
    }
  });
  // A reference instant: the timing is relative, so any instant checks the same bodies.
  const now = new Date('2030-01-01T00:00:00Z');
  const titles = new Set<string>();
  data.rifs.forEach((entry, i) => {
    const at = `$.rifs[${i}]`;
    const issuer = directory.get(entry.issuer);
    if (issuer === undefined) {
      problems.push(`${at}.issuer: ${entry.issuer} is not in the file's authorities`);
    }
    for (const field of DATE_FIELDS) {
      if (field in entry.rif) {
        problems.push(`${at}.rif.${field}: comes from timing, not from the body`);
      }
    }
    const body = rifInputSchema.safeParse(rifBodyAt(entry, now), { reportInput: true });
    if (!body.success) {
      problems.push(
        ...fromZodIssues(body.error.issues).map((e) => `${at}.rif${e.path.slice(1)}: ${e.message}`),
      );
    }
    const title = `${entry.issuer}/${String(entry.rif['title'])}`;
    if (titles.has(title)) {
      problems.push(`${at}.rif.title: ${entry.issuer} has two RIFs titled '${String(entry.rif['title'])}'`);
    }
    titles.add(title);
    const recipients = customsRecipients(entry, directory);
    const named = entry.rif['recipients'];
    if (Array.isArray(named)) {
      for (const code of named) {
        if (directory.get(String(code))?.kind !== 'customs') {
          problems.push(`${at}.rif.recipients: ${String(code)} is not a customs authority of the file`);
        }
      }
    }
    let amends = 0;
    entry.steps.forEach((step, j) => {
      const path = `${at}.steps[${j}]`;
      if (step.do === 'amend' || step.do === 'withdraw') {
        if (step.by !== entry.issuer) {
          problems.push(`${path}.by: only the issuer ${entry.issuer} may ${step.do} its RIF`);
        }
        if (step.do === 'amend') {
          amends++;
          for (const field of FIXED_ON_AMEND) {
            if (field in step.changes) {
              problems.push(`${path}.changes.${field}: an amendment keeps the ${field}`);
            }
          }
          const changed = rifInputSchema.safeParse(amendedBody(entry, step.changes, now), {
            reportInput: true,
          });
          if (!changed.success) {
            problems.push(
              ...fromZodIssues(changed.error.issues).map(
                (e) => `${path}.changes${e.path.slice(1)}: ${e.message}`,
              ),
            );
          }
        }
      } else if (!recipients.includes(step.by)) {
        problems.push(`${path}.by: ${step.by} is not a customs authority this RIF is sent to`);
      }
      if (!entry.issue) {
        problems.push(`${path}: a RIF left a draft has no steps`);
      }
    });
    if (amends > 1) {
      problems.push(`${at}.steps: one amendment per RIF (a rerun finds it by its version)`);
    }
  });
  if (problems.length > 0) {
    refuse(where, problems);
  }
  return { authorities: data.authorities, sharingPolicies: data.sharingPolicies, rifs: data.rifs };
}

function refuse(file: string, problems: readonly string[]): never {
  throw new CooperationDemoError(
    `${file} is not a valid cooperation demo file:\n${problems.map((p) => `  ${p}`).join('\n')}`,
  );
}

/** Reads and checks the traffic file (the shipped one by default); errors name the file. */
export async function loadCooperationDemo(file: URL = COOPERATION_DEMO_FILE): Promise<CooperationDemo> {
  const path = fileURLToPath(file);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new CooperationDemoError(
      `cannot read the cooperation demo file ${path}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return parseCooperationDemo(json, path);
}

// ——— Playing the traffic through the API ———

/** The roles the demo acts in: admins register authorities, coordinators set policies, analysts (and partner agencies) write RIFs. */
export type CooperationDemoRole = 'admin' | 'coordinator' | 'analyst' | 'partner';

export interface CooperationDemoOptions {
  /** Base URL of a Vigil server, e.g. http://localhost:8080. */
  readonly url: string;
  /** A bearer token of this server for a user of `authority` in `role`. */
  readonly tokenFor: (authority: string, role: CooperationDemoRole) => Promise<string>;
  /** The run's now: the RIFs' dates are relative to it (the server's clock should agree). */
  readonly now: Date;
  /** The traffic; the shipped file by default. */
  readonly demo?: CooperationDemo | undefined;
  /** One line per step taken, for a progress log. */
  readonly say?: ((line: string) => void) | undefined;
}

export const COOPERATION_DEMO_ACTIONS = [
  'registered',
  'policies',
  'drafted',
  'issued',
  'alreadyThere',
  'amended',
  'withdrawn',
  'read',
  'adopted',
  'noted',
  'declined',
  'feedback',
] as const;
export type CooperationDemoAction = (typeof COOPERATION_DEMO_ACTIONS)[number];

export interface CooperationDemoSummary {
  /** What this run did, per action (`alreadyThere`: RIFs an earlier run had drafted). */
  readonly counts: Readonly<Record<CooperationDemoAction, number>>;
  /** Every RIF of the traffic as it stands now on the server. */
  readonly rifs: readonly {
    readonly id: string;
    readonly issuer: string;
    readonly title: string;
    readonly status: string;
    readonly version: number;
  }[];
}

/** A request the server refused where the demo expected it to succeed. */
export class CooperationDemoRequestError extends Error {
  override readonly name = 'CooperationDemoRequestError';
  readonly status: number;
  readonly problem: unknown;

  constructor(what: string, status: number, problem: unknown) {
    // A problem+json answer, or whatever else came back: its code, detail and field errors if any.
    const p = (problem ?? {}) as {
      code?: string;
      detail?: string;
      errors?: { path?: string; message?: string }[];
    };
    const errors = Array.isArray(p.errors)
      ? ` [${p.errors.map((e) => `${e.path ?? '$'}: ${e.message ?? ''}`).join('; ')}]`
      : '';
    super(`${what}: ${status} ${p.code ?? ''} ${p.detail ?? ''}${errors}`.replace(/\s+/g, ' ').trim());
    this.status = status;
    this.problem = problem;
  }
}

interface ServerRif {
  readonly id: string;
  readonly version: number;
  readonly issuer: string;
  readonly title: string;
  readonly status: string;
}
interface InboxItem {
  readonly rif: ServerRif;
  readonly delivery: { readonly state: string };
}

/**
 * Plays the traffic through the API at `url`: registers the directory entries that are missing or
 * different, sets the sharing policies that differ, drafts and issues each RIF as its issuer (one the
 * issuer already has, by title, is kept), then takes each step the recipient has not taken yet.
 * Returns what it did and where every RIF stands.
 */
export async function runCooperationDemo(opts: CooperationDemoOptions): Promise<CooperationDemoSummary> {
  const demo = opts.demo ?? (await loadCooperationDemo());
  const base = opts.url.replace(/\/+$/, '');
  const say = opts.say ?? (() => undefined);
  const counts = Object.fromEntries(COOPERATION_DEMO_ACTIONS.map((a) => [a, 0])) as Record<
    CooperationDemoAction,
    number
  >;
  const kinds = new Map(demo.authorities.map((a) => [a.code, a.kind]));
  const writer = (code: string): CooperationDemoRole =>
    kinds.get(code) === 'partner' ? 'partner' : 'analyst';

  const call = async <T>(
    authority: string,
    role: CooperationDemoRole,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
  ): Promise<T> => {
    const token = await opts.tokenFor(authority, role);
    const res = await fetch(`${base}/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    const json = text === '' ? null : (JSON.parse(text) as unknown);
    if (!res.ok) {
      throw new CooperationDemoRequestError(`${method} ${path} as ${authority} ${role}`, res.status, json);
    }
    return json as T;
  };

  // The directory: whoever registers must be an admin; the first customs authority's does.
  const registrar = demo.authorities.find((a) => a.kind === 'customs')?.code ?? demo.authorities[0]!.code;
  const known = new Map(
    (await call<{ items: DirectoryEntry[] }>(registrar, 'admin', 'GET', '/authorities')).items.map((e) => [
      e.code,
      e,
    ]),
  );
  for (const a of demo.authorities) {
    const have = known.get(a.code);
    if (have?.name !== a.name || have.kind !== a.kind) {
      await call(registrar, 'admin', 'PUT', `/authorities/${a.code}`, { name: a.name, kind: a.kind });
      counts.registered++;
      say(`registered ${a.code} (${a.name}, ${a.kind})`);
    }
  }

  for (const p of demo.sharingPolicies) {
    const current = await call<{ rules: { category: string; receiver: string; level: string }[] }>(
      p.authority,
      'coordinator',
      'GET',
      '/sharing-policies',
    );
    const key = (rules: readonly { category: string; receiver: string; level: string }[]): string =>
      rules
        .map((r) => `${r.category}/${r.receiver}/${r.level}`)
        .sort()
        .join(',');
    if (key(current.rules) !== key(p.rules)) {
      await call(p.authority, 'coordinator', 'PUT', '/sharing-policies', { rules: p.rules });
      counts.policies++;
      say(`set ${p.authority}'s sharing policy (${p.rules.length} rules)`);
    }
  }

  const issuedBy = async (issuer: string): Promise<ServerRif[]> =>
    (await call<{ items: ServerRif[] }>(issuer, writer(issuer), 'GET', '/rifs?box=issued&limit=1000')).items;
  const deliveryOf = async (authority: string, id: string): Promise<InboxItem> => {
    const inbox = await call<{ items: InboxItem[] }>(
      authority,
      'analyst',
      'GET',
      '/rifs?box=inbox&limit=1000',
    );
    const item = inbox.items.find((e) => e.rif.id === id);
    if (item === undefined) {
      throw new CooperationDemoError(`RIF ${id} was not delivered to ${authority}`);
    }
    return item;
  };

  const ids: { issuer: string; id: string }[] = [];
  for (const entry of demo.rifs) {
    const title = String(entry.rif['title']);
    const role = writer(entry.issuer);
    let rif = (await issuedBy(entry.issuer)).find((r) => r.title === title);
    if (rif === undefined) {
      rif = (await call<{ rif: ServerRif }>(entry.issuer, role, 'POST', '/rifs', rifBodyAt(entry, opts.now)))
        .rif;
      counts.drafted++;
      say(`${entry.issuer} drafted ${rif.id}: ${title}`);
    } else {
      counts.alreadyThere++;
    }
    ids.push({ issuer: entry.issuer, id: rif.id });
    if (entry.issue && rif.status === 'draft') {
      const out = await call<{ rif: ServerRif; deliveredTo: string[] }>(
        entry.issuer,
        role,
        'POST',
        `/rifs/${rif.id}/issue`,
      );
      rif = out.rif;
      counts.issued++;
      say(`${entry.issuer} issued ${rif.id} to ${out.deliveredTo.join(', ')}`);
    }
    for (const step of entry.steps) {
      rif = await takeStep(entry, rif, step);
    }
  }

  async function takeStep(
    entry: CooperationDemoRif,
    rif: ServerRif,
    step: CooperationDemoStep,
  ): Promise<ServerRif> {
    const id = rif.id;
    switch (step.do) {
      case 'amend': {
        if (rif.version > 1 || rif.status !== 'issued') {
          return rif;
        }
        const out = await call<{ rif: ServerRif }>(
          step.by,
          writer(step.by),
          'PUT',
          `/rifs/${id}`,
          amendedBody(entry, step.changes, opts.now),
        );
        counts.amended++;
        say(`${step.by} amended ${id} (version ${out.rif.version})`);
        return out.rif;
      }
      case 'withdraw': {
        if (rif.status !== 'issued') {
          return rif;
        }
        const out = await call<ServerRif>(step.by, writer(step.by), 'POST', `/rifs/${id}/withdrawal`, {
          reason: step.reason,
        });
        counts.withdrawn++;
        say(`${step.by} withdrew ${id}`);
        return out;
      }
      case 'read':
      case 'adopt':
      case 'note':
      case 'decline':
      case 'feedback':
        break;
    }
    const { delivery } = await deliveryOf(step.by, id);
    const undecided = delivery.state === 'unread' || delivery.state === 'read';
    switch (step.do) {
      case 'read':
        if (delivery.state === 'unread') {
          await call(step.by, 'analyst', 'GET', `/rifs/${id}`);
          counts.read++;
          say(`${step.by} read ${id}`);
        }
        break;
      case 'adopt':
        if (undecided && rif.status === 'issued') {
          const out = await call<{ rule: { id: string }; backtest: { consignmentsHit: number } | null }>(
            step.by,
            'analyst',
            'POST',
            `/rifs/${id}/adoption`,
            {},
          );
          counts.adopted++;
          say(
            `${step.by} adopted ${id} as rule ${out.rule.id} (backtest: ${out.backtest?.consignmentsHit ?? 0} hits)`,
          );
        }
        break;
      case 'note':
      case 'decline':
        if (undecided) {
          const decision = step.do === 'note' ? 'noted' : 'declined';
          await call(step.by, 'analyst', 'POST', `/rifs/${id}/decision`, {
            decision,
            ...(step.do === 'decline' ? { reason: step.reason } : {}),
          });
          counts[decision]++;
          say(`${step.by} ${decision} ${id}`);
        }
        break;
      case 'feedback': {
        const given = await call<{ feedback: { authority: string; kind: string }[] }>(
          step.by,
          'analyst',
          'GET',
          `/rifs/${id}/feedback`,
        );
        if (!given.feedback.some((f) => f.authority === step.by && f.kind === 'manual')) {
          const { by: _by, do: _do, ...feedback } = step;
          await call(step.by, 'analyst', 'POST', `/rifs/${id}/feedback`, feedback);
          counts.feedback++;
          say(`${step.by} gave feedback on ${id} (${step.usefulness})`);
        }
        break;
      }
    }
    return rif;
  }

  const rifs: CooperationDemoSummary['rifs'][number][] = [];
  const byIssuer = new Map<string, ServerRif[]>();
  for (const { issuer, id } of ids) {
    if (!byIssuer.has(issuer)) {
      byIssuer.set(issuer, await issuedBy(issuer));
    }
    const r = byIssuer.get(issuer)!.find((x) => x.id === id);
    if (r !== undefined) {
      rifs.push({ id: r.id, issuer: r.issuer, title: r.title, status: r.status, version: r.version });
    }
  }
  return { counts, rifs };
}

/**
 * The directory entries a fresh instance gets for its demo authority: the traffic's authorities, and
 * the demo authority itself when the traffic does not name it.
 */
export function demoDirectoryEntries(demo: CooperationDemo, authority: string): DirectoryEntry[] {
  const entries = [...demo.authorities];
  if (!entries.some((e) => e.code === authority)) {
    entries.push({ code: authority, name: `${authority} customs (demo authority)`, kind: 'customs' });
  }
  return entries;
}
