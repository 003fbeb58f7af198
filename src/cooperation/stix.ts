/**
 * A RIF and its feedback as a STIX 2.1 bundle and back, losing no field. The form is a `report`
 * (TLP-marked, created by the issuer's `identity`) over one `indicator`; each feedback is a `sighting`
 * of that indicator, seen where the giving authority's `identity` is. Customs indicators (goods codes,
 * origins, EORIs, containers, places) are no STIX cyber-observables, so the indicator's pattern over an
 * `x-vigil-consignment` object is only a projection for STIX tools; the whole form rides in a property
 * extension named by an `extension-definition` in the bundle. An extension rather than `x_` custom
 * properties: STIX 2.1 deprecates those (§11) in favour of extensions (§7.3), an extension is named by
 * its id so it cannot collide with another producer's properties, and its definition tells a consumer
 * what it reads. In it every RIF field keeps its name in snake_case and absent values are left out
 * (STIX property names are lower case; STIX has no null and no empty list); import reads the
 * extension, the standard properties only mirror it. TLP uses the TLP 2.0 marking definitions OASIS
 * published, because Vigil's labels are TLP 2.0 (CLEAR and AMBER+STRICT have no TLP 1.0 marking). The
 * handling code, source reliability and information accuracy have no STIX property and stay in the
 * extension: STIX's confidence scales (the Admiralty scale among them) do not fit that 4×4 evaluation,
 * so no confidence number is made up. Ids are UUIDv5 of a fixed namespace and the authority code, RIF
 * id or feedback id, so an export is deterministic. Import reports every problem at once: the STIX
 * structure as VIGIL_STIX_INVALID at its JSON path in the bundle, the form through `rifInputSchema`
 * with its own codes. Pure: no I/O, no clock.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { checkMrn, periodEnd, periodStart, refineIdentifier } from '../domain/index.ts';
import { fromZodIssues, jsonPath } from '../errors/index.ts';
import type { FieldError, Result } from '../errors/index.ts';
import {
  FEEDBACK_RESULTS,
  FEEDBACK_USEFULNESS,
  RIF_STATUSES,
  TLP_LABELS,
  authorityCodeSchema,
  rifInputSchema,
} from './rif.schema.ts';
import type { ParsedRifInput, Rif, RifFeedback, RifIndicators, TlpLabel } from './rif.schema.ts';

/** Any STIX object: its type, its id and whatever properties the type has. */
export interface StixObject {
  readonly type: string;
  readonly id: string;
  readonly [property: string]: unknown;
}

export interface StixBundle {
  readonly type: 'bundle';
  readonly id: string;
  readonly objects: readonly StixObject[];
}

export interface StixExportOptions {
  /** Names for the authorities' identities (the directory); the code stands in for a missing name. */
  readonly directory?: ReadonlyMap<string, { readonly name: string }>;
}

/** What a bundle gives back: the RIF as stored and its feedback, in the bundle's order. */
export interface StixImport {
  readonly rif: Rif;
  readonly feedback: readonly RifFeedback[];
}

/** The namespace of every UUIDv5 Vigil derives for STIX ids. Never change it: ids would change. */
export const VIGIL_STIX_NAMESPACE = '570de44b-dd0d-4fe9-a670-a0108bb6e110';
/** Vigil's RIF property extension (report: the form; sighting: the feedback; identity: the code). */
export const RIF_EXTENSION_ID = 'extension-definition--fb37a936-3d33-4a20-b0de-4a2ec1cc17ed';
/** The Vigil project, creator of the extension definition. */
const VIGIL_IDENTITY_ID = 'identity--3def7292-712b-4235-8e7a-9ab283f4c920';
/**
 * When the extension definition and the authorities' identities were first written. Fixed, because an
 * object's `created` must not change between versions and the same id must mean the same object.
 */
const VIGIL_EPOCH = '2026-11-30T00:00:00.000Z';

/** The TLP 2.0 extension and marking definitions published by OASIS (cti-stix-common-objects). */
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
const TLP2_CREATED = '2022-10-01T00:00:00.000Z';
export const TLP_MARKING_IDS: Readonly<Record<TlpLabel, string>> = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};
const TLP2_BY_ID: ReadonlyMap<string, TlpLabel> = new Map(
  Object.entries(TLP_MARKING_IDS).map(([label, id]) => [id, label as TlpLabel]),
);
/**
 * The TLP 1.0 markings STIX 2.1 predefines, read as their TLP 2.0 successors so a report
 * from another producer is understood; WHITE became CLEAR. Export writes TLP 2.0 only.
 */
const TLP1_BY_ID: ReadonlyMap<string, TlpLabel> = new Map([
  ['marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9', 'CLEAR'],
  ['marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', 'GREEN'],
  ['marking-definition--f88d31f6-486f-44da-b317-01333bde0b82', 'AMBER'],
  ['marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed', 'RED'],
]);

/** RFC 9562 UUIDv5 (SHA-1 of namespace and name). */
export function uuidV5(name: string, namespace: string = VIGIL_STIX_NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const identityId = (authority: string): string => `identity--${uuidV5(`authority:${authority}`)}`;

/** A STIX timestamp: UTC with milliseconds (what `created` and `modified` require). */
const stixTime = (instant: string): string => new Date(instant).toISOString();

const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (key: string): string => key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** A value with snake_case keys and without null, undefined or empty lists, which STIX does not have. */
function toStixValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(toStixValue);
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)) {
        out[snake(k)] = toStixValue(v);
      }
    }
    return out;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Export
// ---------------------------------------------------------------------------------------------

/** A string literal of the STIX patterning grammar: quotes and backslashes escaped. */
const lit = (s: string): string => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** A number as the grammar writes it: plain decimals, never an exponent. */
function num(n: number): string {
  const s = String(n);
  return /e/i.test(s) ? n.toFixed(20).replace(/\.?0+$/, '') : s;
}

const OBJECT = 'x-vigil-consignment';

/**
 * The RIF's indicators as one STIX observation over a consignment: the groups must all hold, any value
 * of a group will do, as Vigil reads a RIF. `[*]` steps match independently in STIX, so a range over
 * goods items is an approximation here; the extension keeps the exact form.
 */
export function rifPattern(ind: RifIndicators): string {
  const groups: string[] = [];
  const anyOf = (tests: readonly string[]): void => {
    groups.push(tests.length === 1 ? tests[0]! : `(${tests.join(' OR ')})`);
  };
  const inSet = (path: string, values: readonly string[] | undefined): void => {
    if (values !== undefined) {
      anyOf([`${OBJECT}:${path} IN (${values.map(lit).join(', ')})`]);
    }
  };
  const range = (path: string, r: { readonly min?: number; readonly max?: number } | undefined): void => {
    if (r === undefined) {
      return;
    }
    const tests = [
      ...(r.min === undefined ? [] : [`${OBJECT}:${path} >= ${num(r.min)}`]),
      ...(r.max === undefined ? [] : [`${OBJECT}:${path} <= ${num(r.max)}`]),
    ];
    groups.push(tests.length === 1 ? tests[0]! : `(${tests.join(' AND ')})`);
  };
  if (ind.goodsCodes !== undefined) {
    anyOf(ind.goodsCodes.map((c) => `${OBJECT}:goods_items[*].commodity_code LIKE ${lit(`${c}%`)}`));
  }
  if (ind.descriptionKeywords !== undefined) {
    anyOf(
      ind.descriptionKeywords.map(
        (k) =>
          `${OBJECT}:goods_items[*].description MATCHES ${lit(`(?i)${k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`)}`,
      ),
    );
  }
  inSet('goods_items[*].origin_country', ind.origins);
  inSet('dispatch_country', ind.dispatchCountries);
  inSet('route_countries[*]', ind.routeCountries);
  inSet('places[*]', ind.places);
  inSet('transport_mode', ind.modes);
  inSet('means_of_transport[*]', ind.meansOfTransport);
  inSet('containers[*]', ind.containers);
  if (ind.operators !== undefined) {
    anyOf(
      ind.operators.map((o) => {
        const party = o.role === 'any' ? 'parties[*]' : o.role;
        return o.eori === undefined
          ? `${OBJECT}:${party}.name = ${lit(o.name ?? '')}`
          : `${OBJECT}:${party}.eori = ${lit(o.eori)}`;
      }),
    );
  }
  range('goods_items[*].value_eur', ind.valueRange);
  range('goods_items[*].value_eur_per_kg', ind.unitValueRange);
  range('goods_items[*].gross_mass_kg', ind.weightRange);
  return `[${groups.join(' AND ')}]`;
}

const BODY_KEYS = Object.keys(rifInputSchema.shape) as (keyof ParsedRifInput)[];

function tlpMarking(label: TlpLabel): StixObject {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP_MARKING_IDS[label],
    created: TLP2_CREATED,
    name: `TLP:${label}`,
    extensions: {
      [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: label.toLowerCase() },
    },
  };
}

const VIGIL_IDENTITY: StixObject = {
  type: 'identity',
  spec_version: '2.1',
  id: VIGIL_IDENTITY_ID,
  created: VIGIL_EPOCH,
  modified: VIGIL_EPOCH,
  name: 'Vigil',
  description: 'Open-source customs risk-management and customs-cooperation platform',
  identity_class: 'organization',
};

const RIF_EXTENSION: StixObject = {
  type: 'extension-definition',
  spec_version: '2.1',
  id: RIF_EXTENSION_ID,
  created: VIGIL_EPOCH,
  modified: VIGIL_EPOCH,
  created_by_ref: VIGIL_IDENTITY_ID,
  name: 'Vigil risk information form',
  description:
    'A customs risk information form (RIF) one customs authority issues to others, its feedback, and the authority codes of the identities involved.',
  schema:
    "Vigil's RIF contract (src/cooperation/rif.schema.ts) with property names in snake_case and absent values left out. " +
    'On a report: the form (title, risk_area, description, indicators, recommended_action, valid_from, valid_until, recipients, handling {tlp, code, restriction, source_reliability, information_accuracy}, feedback {required, due_at} …) ' +
    'with rif_id, version, issuer, author, status, created_at, updated_at, issued_at, withdrawn_at, withdrawal_reason. ' +
    'On a sighting of the report indicator: one feedback (feedback_id, rif_version, authority, kind, given_at, control_type, result, seizure, usefulness, comment, controls_done, mrn). ' +
    'On an identity: authority_code. Indicator patterns test properties of an x-vigil-consignment object (goods_items[*].commodity_code, origin_country, dispatch_country, route_countries, places, transport_mode, means_of_transport, containers, parties).',
  version: '1.0.0',
  extension_types: ['property-extension'],
};

function authorityIdentity(code: string, name: string): StixObject {
  return {
    type: 'identity',
    spec_version: '2.1',
    id: identityId(code),
    created: VIGIL_EPOCH,
    modified: VIGIL_EPOCH,
    name,
    identity_class: 'organization',
    sectors: ['government'],
    extensions: { [RIF_EXTENSION_ID]: { extension_type: 'property-extension', authority_code: code } },
  };
}

function sighting(f: RifFeedback, indicatorId: string, marking: string): StixObject {
  const at = stixTime(f.at);
  const giver = identityId(f.authority);
  return {
    type: 'sighting',
    spec_version: '2.1',
    id: `sighting--${uuidV5(`feedback:${f.id}`)}`,
    created: at,
    modified: at,
    created_by_ref: giver,
    sighting_of_ref: indicatorId,
    where_sighted_refs: [giver],
    first_seen: at,
    last_seen: at,
    // STIX caps count below Vigil's limit; the extension keeps the exact number.
    ...(f.controlsDone === null ? {} : { count: Math.min(f.controlsDone, 999_999_999) }),
    ...(f.comment === null ? {} : { description: f.comment }),
    object_marking_refs: [marking],
    extensions: {
      [RIF_EXTENSION_ID]: toStixValue({
        extensionType: 'property-extension',
        feedbackId: f.id,
        rifVersion: f.rifVersion,
        authority: f.authority,
        kind: f.kind,
        // STIX property names have at least three characters, so `at` travels as `given_at`.
        givenAt: f.at,
        controlType: f.controlType,
        result: f.result,
        seizure: f.seizure,
        usefulness: f.usefulness,
        comment: f.comment,
        controlsDone: f.controlsDone,
        mrn: f.mrn,
      }),
    },
  };
}

/**
 * The RIF and its feedback as one STIX 2.1 bundle. Throws only on a caller's bug: feedback that belongs
 * to another RIF.
 */
export function rifToStix(
  rif: Rif,
  feedback: readonly RifFeedback[],
  opts: StixExportOptions = {},
): StixBundle {
  const stray = feedback.find((f) => f.rifId !== rif.id);
  if (stray !== undefined) {
    throw new Error(`feedback ${stray.id} belongs to RIF ${stray.rifId}, not ${rif.id}`);
  }
  const marking = TLP_MARKING_IDS[rif.handling.tlp];
  const issuer = identityId(rif.issuer);
  const indicatorId = `indicator--${uuidV5(`rif:${rif.id}:indicator`)}`;
  const created = stixTime(rif.createdAt);
  // A new version of the form is a new version of the same report: the latest lifecycle instant.
  const modified = [rif.updatedAt, rif.issuedAt, rif.withdrawnAt]
    .filter((t): t is string => t !== null)
    .map(stixTime)
    .reduce((a, b) => (b > a ? b : a), created);
  const revoked = rif.status === 'withdrawn' ? { revoked: true } : {};
  const body = Object.fromEntries(BODY_KEYS.map((k) => [k, rif[k]]));
  const extension = toStixValue({
    extensionType: 'property-extension',
    rifId: rif.id,
    version: rif.version,
    issuer: rif.issuer,
    author: rif.author,
    status: rif.status,
    createdAt: rif.createdAt,
    updatedAt: rif.updatedAt,
    issuedAt: rif.issuedAt,
    withdrawnAt: rif.withdrawnAt,
    withdrawalReason: rif.withdrawalReason,
    ...body,
  });
  const givers = [...new Set(feedback.map((f) => f.authority))].filter((a) => a !== rif.issuer).sort();
  const objects: StixObject[] = [
    VIGIL_IDENTITY,
    RIF_EXTENSION,
    tlpMarking(rif.handling.tlp),
    ...[rif.issuer, ...givers].map((code) =>
      authorityIdentity(code, opts.directory?.get(code)?.name ?? code),
    ),
    {
      type: 'report',
      spec_version: '2.1',
      id: `report--${uuidV5(`rif:${rif.id}`)}`,
      created,
      modified,
      created_by_ref: issuer,
      name: rif.title,
      description: rif.description,
      published: stixTime(rif.issuedAt ?? rif.createdAt),
      // A RIF characterises a risk (threat-report) through the indicators it lists (indicator).
      report_types: ['threat-report', 'indicator'],
      labels: [
        `risk-area:${rif.riskArea}`,
        `urgency:${rif.urgency}`,
        `recommended-action:${rif.recommendedAction}`,
      ],
      object_refs: [indicatorId],
      ...revoked,
      object_marking_refs: [marking],
      extensions: { [RIF_EXTENSION_ID]: extension },
    },
    {
      type: 'indicator',
      spec_version: '2.1',
      id: indicatorId,
      created,
      modified,
      created_by_ref: issuer,
      name: rif.title,
      description: `The consignments RIF ${rif.id} (version ${rif.version}) selects; the exact indicators are in the report's ${RIF_EXTENSION_ID} extension.`,
      // Risk indicators select consignments for control; most of them are not malicious.
      indicator_types: ['anomalous-activity'],
      pattern: rifPattern(rif.indicators),
      pattern_type: 'stix',
      pattern_version: '2.1',
      // A plain date means the whole day (UTC), as everywhere in Vigil.
      valid_from: periodStart(rif.validFrom).toISOString(),
      valid_until: periodEnd(rif.validUntil).toISOString(),
      ...revoked,
      object_marking_refs: [marking],
    },
    ...feedback.map((f) => sighting(f, indicatorId, marking)),
  ];
  // The bundle id names this exact content: the same export twice is the same bundle.
  return { type: 'bundle', id: `bundle--${uuidV5(`bundle:${JSON.stringify(objects)}`)}`, objects };
}

// ---------------------------------------------------------------------------------------------
// Import: the STIX 2.1 objects Vigil reads, as the specification defines them; properties Vigil does
// not read are allowed, as STIX allows them.
// ---------------------------------------------------------------------------------------------

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';
const STIX_ID = new RegExp(`^[a-z0-9-]+--${UUID}$`);
const anyId = z.string().regex(STIX_ID, 'a STIX identifier: type--UUID');
const idOf = (...types: string[]) =>
  z
    .string()
    .regex(new RegExp(`^(${types.join('|')})--${UUID}$`), `a STIX identifier ${types.join(' or ')}--UUID`);

const DATE_TIME = '\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:([0-5]\\d|60)';
const timestamp = z
  .string()
  .regex(new RegExp(`^${DATE_TIME}(\\.\\d+)?Z$`), 'a STIX timestamp in UTC (2027-03-01T10:00:00Z)');
const timestampMs = z
  .string()
  .regex(
    new RegExp(`^${DATE_TIME}\\.\\d{3,}Z$`),
    'a STIX timestamp in UTC to the millisecond (2027-03-01T10:00:00.000Z)',
  );

const extensionsSchema = z.record(z.string(), z.record(z.string(), z.unknown()));

/** Common properties of SDOs and SROs (§3.2). */
const commonShape = {
  spec_version: z.literal('2.1'),
  created: timestampMs,
  modified: timestampMs,
  created_by_ref: idOf('identity').optional(),
  revoked: z.boolean().optional(),
  labels: z.array(z.string()).min(1).optional(),
  confidence: z.int().min(0).max(100).optional(),
  lang: z.string().optional(),
  external_references: z
    .array(z.looseObject({ source_name: z.string() }))
    .min(1)
    .optional(),
  object_marking_refs: z.array(idOf('marking-definition')).min(1).optional(),
  granular_markings: z
    .array(z.looseObject({ selectors: z.array(z.string()).min(1) }))
    .min(1)
    .optional(),
  extensions: extensionsSchema.optional(),
};

/** `later` must not be before `earlier` (modified after created, last seen after first seen). */
function inOrder(o: Record<string, unknown>, ctx: z.RefinementCtx, earlier: string, later: string): void {
  const a = o[earlier];
  const b = o[later];
  if (typeof a === 'string' && typeof b === 'string' && Date.parse(b) < Date.parse(a)) {
    ctx.addIssue({ code: 'custom', path: [later], message: `${later} ${b} is before ${earlier} ${a}` });
  }
}

const identitySchema = z
  .looseObject({
    type: z.literal('identity'),
    id: idOf('identity'),
    ...commonShape,
    name: z.string().min(1),
    description: z.string().optional(),
    identity_class: z.string().optional(),
    sectors: z.array(z.string()).min(1).optional(),
    contact_information: z.string().optional(),
  })
  .superRefine((o, ctx) => inOrder(o, ctx, 'created', 'modified'));

const reportSchema = z
  .looseObject({
    type: z.literal('report'),
    id: idOf('report'),
    ...commonShape,
    name: z.string().min(1),
    description: z.string().optional(),
    report_types: z.array(z.string()).min(1).optional(),
    published: timestamp,
    object_refs: z.array(anyId).min(1),
  })
  .superRefine((o, ctx) => inOrder(o, ctx, 'created', 'modified'));

const indicatorSchema = z
  .looseObject({
    type: z.literal('indicator'),
    id: idOf('indicator'),
    ...commonShape,
    name: z.string().optional(),
    description: z.string().optional(),
    indicator_types: z.array(z.string()).min(1).optional(),
    pattern: z.string().min(1),
    pattern_type: z.string().min(1),
    pattern_version: z.string().optional(),
    valid_from: timestamp,
    valid_until: timestamp.optional(),
  })
  .superRefine((o, ctx) => {
    inOrder(o, ctx, 'created', 'modified');
    if (o.valid_until !== undefined && Date.parse(o.valid_until) <= Date.parse(o.valid_from)) {
      ctx.addIssue({
        code: 'custom',
        path: ['valid_until'],
        message: 'valid_until must be after valid_from',
      });
    }
  });

const sightingSchema = z
  .looseObject({
    type: z.literal('sighting'),
    id: idOf('sighting'),
    ...commonShape,
    description: z.string().optional(),
    first_seen: timestamp.optional(),
    last_seen: timestamp.optional(),
    count: z.int().min(0).max(999_999_999).optional(),
    sighting_of_ref: anyId,
    observed_data_refs: z.array(idOf('observed-data')).min(1).optional(),
    where_sighted_refs: z.array(idOf('identity', 'location')).min(1).optional(),
    summary: z.boolean().optional(),
  })
  .superRefine((o, ctx) => {
    inOrder(o, ctx, 'created', 'modified');
    inOrder(o, ctx, 'first_seen', 'last_seen');
  });

/** Marking definitions have no `modified` (§7.2.1). */
const markingDefinitionSchema = z.looseObject({
  type: z.literal('marking-definition'),
  spec_version: z.literal('2.1'),
  id: idOf('marking-definition'),
  created: timestamp,
  created_by_ref: idOf('identity').optional(),
  name: z.string().optional(),
  definition_type: z.string().optional(),
  definition: z.record(z.string(), z.unknown()).optional(),
  extensions: extensionsSchema.optional(),
});

const extensionDefinitionSchema = z
  .looseObject({
    type: z.literal('extension-definition'),
    id: idOf('extension-definition'),
    ...commonShape,
    created_by_ref: idOf('identity'),
    name: z.string().min(1),
    description: z.string().optional(),
    schema: z.string().min(1),
    version: z.string().min(1),
    extension_types: z
      .array(z.enum(['new-sdo', 'new-sco', 'new-sro', 'property-extension', 'toplevel-property-extension']))
      .min(1),
    extension_properties: z.array(z.string()).min(1).optional(),
  })
  .superRefine((o, ctx) => inOrder(o, ctx, 'created', 'modified'));

/** STIX 2.1 bundles have no spec_version (2.0 ones say "2.0"); each object says its own. */
const bundleSchema = z.looseObject({
  type: z.literal('bundle'),
  id: idOf('bundle'),
  spec_version: z.literal('2.1').optional(),
  objects: z.array(z.unknown()).min(1).optional(),
});

const headerSchema = z
  .looseObject({ type: z.string().regex(/^[a-z0-9-]{3,250}$/, 'a STIX object type'), id: anyId })
  .superRefine((o, ctx) => {
    if (!o.id.startsWith(`${o.type}--`)) {
      ctx.addIssue({
        code: 'custom',
        path: ['id'],
        message: `the id of a ${o.type} starts with ${o.type}--`,
      });
    }
  });

const instant = z.iso.datetime({ offset: true });

/** The lifecycle fields of the form, beside its body in the report's extension. */
const rifMetaSchema = z.object({
  extension_type: z.literal('property-extension'),
  rif_id: z.string().min(1).max(200),
  version: z.int().min(1),
  issuer: authorityCodeSchema,
  author: z.string().min(1).max(200),
  status: z.enum(RIF_STATUSES),
  created_at: instant,
  updated_at: instant.optional(),
  issued_at: instant.optional(),
  withdrawn_at: instant.optional(),
  withdrawal_reason: z.string().min(1).max(2000).optional(),
});
const META_KEYS: ReadonlySet<string> = new Set(Object.keys(rifMetaSchema.shape));

const feedbackExtensionSchema = z.strictObject({
  extension_type: z.literal('property-extension'),
  feedback_id: z.string().min(1).max(200),
  rif_version: z.int().min(1),
  authority: authorityCodeSchema,
  kind: z.enum(['control', 'manual']),
  given_at: instant,
  control_type: z.string().min(1).max(40).optional(),
  result: z.enum(FEEDBACK_RESULTS).optional(),
  seizure: z
    .strictObject({
      category: z.string().min(1).max(60),
      quantity: z.number().min(0),
      unit: z.string().min(1).max(20),
    })
    .optional(),
  usefulness: z.enum(FEEDBACK_USEFULNESS).optional(),
  comment: z.string().min(1).max(2000).optional(),
  controls_done: z.int().min(0).max(1e9).optional(),
  mrn: z
    .string()
    .superRefine(refineIdentifier(checkMrn, 'R3004', 'MRN'))
    .optional(),
});

const identityExtensionSchema = z.strictObject({
  extension_type: z.literal('property-extension'),
  authority_code: authorityCodeSchema,
});

type Path = readonly PropertyKey[];

const stixError = (path: Path, message: string): FieldError => ({
  code: 'VIGIL_STIX_INVALID',
  path: jsonPath(path),
  message,
});

/** Zod's issues at their place in the bundle; `rename` turns the schema's keys into the bundle's. */
function issuesAt(
  issues: readonly z.core.$ZodIssue[],
  prefix: Path,
  opts: { readonly stix?: boolean; readonly rename?: (key: string) => string } = {},
): FieldError[] {
  const rename = opts.rename ?? ((k: string) => k);
  const moved = issues.map((issue): z.core.$ZodIssue => {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'string' ? rename(p) : p))];
    return issue.code === 'unrecognized_keys'
      ? { ...issue, path, keys: issue.keys.map(rename) }
      : { ...issue, path };
  });
  const errors = fromZodIssues(moved, 'the bundle');
  return opts.stix === true ? errors.map((e) => ({ ...e, code: 'VIGIL_STIX_INVALID' })) : errors;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
/** The strings of a list with their places in it (the schema reports the items that are not). */
const refsOf = (v: unknown): [string, number][] =>
  Array.isArray(v)
    ? v.flatMap((s: unknown, j) => (typeof s === 'string' ? [[s, j] as [string, number]] : []))
    : [];
const extensionOf = (o: Record<string, unknown>, id: string): unknown =>
  isRecord(o['extensions']) ? o['extensions'][id] : undefined;

/**
 * The extension's RIF body with camelCase keys; a key that is not a STIX property name is reported.
 * A RIF is four levels deep, so deeper values are left as they are for the contract to refuse, which
 * keeps a hostile nesting from exhausting the stack.
 */
function fromStixValue(value: unknown, path: Path, errors: FieldError[]): unknown {
  if (path.length > 12) {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => fromStixValue(v, [...path, i], errors));
  }
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (/^[a-z][a-z0-9_]*$/.test(k)) {
        out[camel(k)] = fromStixValue(v, [...path, k], errors);
      } else {
        errors.push(stixError([...path, k], `'${k}' is not a STIX property name (a–z, 0–9 and _)`));
      }
    }
    return out;
  }
  return value;
}

/** The schema of each object type Vigil reads; any other object only needs a well-formed type and id. */
const SCHEMAS: ReadonlyMap<string, z.ZodType<Record<string, unknown>>> = new Map<
  string,
  z.ZodType<Record<string, unknown>>
>([
  ['identity', identitySchema],
  ['report', reportSchema],
  ['indicator', indicatorSchema],
  ['sighting', sightingSchema],
  ['marking-definition', markingDefinitionSchema],
  ['extension-definition', extensionDefinitionSchema],
]);

/** The TLP level a marking definition states, in TLP 2.0 words (TLP 1.0 WHITE is CLEAR). */
function tlpStatedBy(marking: Record<string, unknown>): TlpLabel | undefined {
  const ext = extensionOf(marking, TLP2_EXTENSION_ID);
  const definition = marking['definition'];
  const stated = isRecord(ext)
    ? ext['tlp_2_0']
    : marking['definition_type'] === 'tlp' && isRecord(definition)
      ? definition['tlp']
      : undefined;
  if (typeof stated !== 'string') {
    return undefined;
  }
  const label = stated === 'white' ? 'CLEAR' : stated.toUpperCase();
  return TLP_LABELS.find((l) => l === label);
}

/**
 * Reads the RIF and its feedback from a STIX 2.1 bundle written by `rifToStix` (or by any producer
 * that fills Vigil's extension). Every object of a type Vigil reads is checked against STIX 2.1, every
 * reference Vigil follows must resolve inside the bundle, and every problem is reported at once at its
 * JSON path in the bundle.
 */
export function stixToRif(input: unknown): Result<StixImport> {
  const envelope = bundleSchema.safeParse(input, { reportInput: true });
  if (!envelope.success) {
    return { ok: false, errors: issuesAt(envelope.error.issues, [], { stix: true }) };
  }
  const errors: FieldError[] = [];
  const objects = (envelope.data.objects ?? []).map((o) => (isRecord(o) ? o : {}));
  const valid = new Set<number>();
  const byId = new Map<string, number[]>();
  (envelope.data.objects ?? []).forEach((o, i) => {
    const schema = (isRecord(o) && SCHEMAS.get(String(o['type']))) || headerSchema;
    const r = schema.safeParse(o, { reportInput: true });
    if (r.success) {
      valid.add(i);
    } else {
      errors.push(...issuesAt(r.error.issues, ['objects', i], { stix: true }));
    }
    const id = objects[i]!['id'];
    if (typeof id === 'string') {
      byId.set(id, [...(byId.get(id) ?? []), i]);
    }
  });
  const fail = (): Result<StixImport> => ({ ok: false, errors });
  const typeOf = (i: number): string => String(objects[i]!['type']);

  /** The index of the one object `ref` names, or undefined with an error at `path`. */
  const resolve = (ref: string, path: Path, types?: readonly string[]): number | undefined => {
    if (!STIX_ID.test(ref)) {
      return undefined; // the object's schema reports the malformed reference
    }
    const found = byId.get(ref) ?? [];
    if (found.length === 0) {
      errors.push(stixError(path, `${ref} is not in the bundle`));
      return undefined;
    }
    if (found.length > 1) {
      errors.push(
        stixError(path, `${ref} is in the bundle ${found.length} times; send only its current version`),
      );
      return undefined;
    }
    const i = found[0]!;
    if (types !== undefined && !types.includes(typeOf(i))) {
      errors.push(stixError(path, `${ref} must name a ${types.join(' or ')}, not a ${typeOf(i)}`));
      return undefined;
    }
    return valid.has(i) ? i : undefined;
  };
  /** The authority code an identity carries in Vigil's extension, if it carries one. */
  const authorityOf = (i: number): string | undefined => {
    const ext = extensionOf(objects[i]!, RIF_EXTENSION_ID);
    if (ext === undefined) {
      return undefined;
    }
    const r = identityExtensionSchema.safeParse(ext, { reportInput: true });
    if (!r.success) {
      errors.push(...issuesAt(r.error.issues, ['objects', i, 'extensions', RIF_EXTENSION_ID]));
      return undefined;
    }
    return r.data.authority_code;
  };

  // The report that carries the form.
  const reports = objects.flatMap((o, i) => (o['type'] === 'report' ? [i] : []));
  if (reports.length === 0) {
    errors.push(stixError(['objects'], 'the bundle has no report: a RIF travels as a STIX report'));
    return fail();
  }
  const carriers = reports.filter((i) => extensionOf(objects[i]!, RIF_EXTENSION_ID) !== undefined);
  if (carriers.length === 0) {
    for (const i of reports) {
      errors.push(
        stixError(
          ['objects', i, 'extensions'],
          `the report carries no Vigil RIF extension (${RIF_EXTENSION_ID})`,
        ),
      );
    }
    return fail();
  }
  for (const i of carriers.slice(1)) {
    errors.push(stixError(['objects', i], 'a second report carrying a RIF: one RIF per bundle'));
  }
  const ri = carriers[0]!;
  const report = objects[ri]!;

  // The form: its lifecycle fields, then its body through the RIF contract.
  const extPath: Path = ['objects', ri, 'extensions', RIF_EXTENSION_ID];
  const ext = extensionOf(report, RIF_EXTENSION_ID);
  let meta: z.output<typeof rifMetaSchema> | undefined;
  let body: ParsedRifInput | undefined;
  if (isRecord(ext)) {
    const m = rifMetaSchema.safeParse(ext, { reportInput: true });
    if (m.success) {
      meta = m.data;
    } else {
      errors.push(...issuesAt(m.error.issues, extPath));
    }
    const rest = Object.fromEntries(Object.entries(ext).filter(([k]) => !META_KEYS.has(k)));
    const b = rifInputSchema.safeParse(fromStixValue(rest, extPath, errors), { reportInput: true });
    if (b.success) {
      body = b.data;
    } else {
      errors.push(...issuesAt(b.error.issues, extPath, { rename: snake }));
    }
  }

  // Who issued it.
  const creator = report['created_by_ref'];
  if (typeof creator === 'string') {
    const ci = resolve(creator, ['objects', ri, 'created_by_ref'], ['identity']);
    const code = ci === undefined ? undefined : authorityOf(ci);
    if (code !== undefined && meta !== undefined && code !== meta.issuer) {
      errors.push(
        stixError(
          ['objects', ri, 'created_by_ref'],
          `the report is created by ${code} but the RIF's issuer is ${meta.issuer}`,
        ),
      );
    }
  }

  // Its indicators.
  const indicators = new Set<string>();
  refsOf(report['object_refs']).forEach(([ref, j]) => {
    const oi = resolve(ref, ['objects', ri, 'object_refs', j]);
    if (oi !== undefined && typeOf(oi) === 'indicator') {
      indicators.add(ref);
    }
  });
  if (valid.has(ri) && indicators.size === 0) {
    errors.push(
      stixError(['objects', ri, 'object_refs'], 'the report refers to no valid indicator in the bundle'),
    );
  }

  // Its TLP marking, which must say what the form's handling says.
  const tlps = new Set<TlpLabel>();
  refsOf(report['object_marking_refs']).forEach(([ref, j]) => {
    const path: Path = ['objects', ri, 'object_marking_refs', j];
    const published = TLP2_BY_ID.get(ref) ?? TLP1_BY_ID.get(ref);
    if (published !== undefined && !byId.has(ref)) {
      tlps.add(published); // a marking OASIS published may be left out of a bundle
      return;
    }
    const mi = resolve(ref, path, ['marking-definition']);
    const stated = mi === undefined ? undefined : tlpStatedBy(objects[mi]!);
    if (published !== undefined && mi !== undefined && stated !== published) {
      errors.push(
        stixError(
          path,
          `${ref} is the published TLP:${published} marking, but the bundle's copy says ${stated ?? 'no TLP level'}`,
        ),
      );
    } else if (stated !== undefined) {
      tlps.add(stated);
    }
  });
  if (body !== undefined) {
    const tlp = body.handling.tlp;
    if (tlps.size === 0) {
      errors.push(
        stixError(
          ['objects', ri, 'object_marking_refs'],
          `the report carries no TLP marking; its RIF is TLP:${tlp}`,
        ),
      );
    }
    for (const other of [...tlps].filter((t) => t !== tlp)) {
      errors.push(
        stixError(
          ['objects', ri, 'object_marking_refs'],
          `the report is marked TLP:${other} but its RIF is TLP:${tlp}`,
        ),
      );
    }
  }

  // Feedback: the sightings of its indicators, in the bundle's order.
  const feedback: Omit<RifFeedback, 'rifId'>[] = [];
  objects.forEach((o, si) => {
    if (o['type'] !== 'sighting' || !indicators.has(String(o['sighting_of_ref']))) {
      return;
    }
    const fpath: Path = ['objects', si, 'extensions', RIF_EXTENSION_ID];
    const givers = refsOf(o['where_sighted_refs']).map(([ref, j]) => {
      const gi = resolve(ref, ['objects', si, 'where_sighted_refs', j], ['identity', 'location']);
      return gi === undefined || typeOf(gi) !== 'identity' ? undefined : authorityOf(gi);
    });
    if (typeof o['created_by_ref'] === 'string') {
      resolve(o['created_by_ref'], ['objects', si, 'created_by_ref'], ['identity']);
    }
    const fext = extensionOf(o, RIF_EXTENSION_ID);
    if (fext === undefined) {
      errors.push(
        stixError(
          ['objects', si, 'extensions'],
          `a sighting of the RIF's indicator carries no Vigil feedback extension (${RIF_EXTENSION_ID})`,
        ),
      );
      return;
    }
    const r = feedbackExtensionSchema.safeParse(fext, { reportInput: true });
    if (!r.success) {
      errors.push(...issuesAt(r.error.issues, fpath));
      return;
    }
    const f = r.data;
    if (givers.some((g) => g !== undefined && g !== f.authority)) {
      errors.push(
        stixError(
          ['objects', si, 'where_sighted_refs'],
          `the feedback is from ${f.authority} but the sighting was seen by another authority`,
        ),
      );
    }
    if (meta !== undefined && f.rif_version > meta.version) {
      errors.push(
        stixError(
          [...fpath, 'rif_version'],
          `feedback on version ${f.rif_version} of a RIF at version ${meta.version}`,
        ),
      );
    }
    // RifFeedback: an MRN leaves the recipient only when the RIF's handling lets it.
    if (
      f.mrn !== undefined &&
      body !== undefined &&
      body.handling.tlp !== 'CLEAR' &&
      body.handling.tlp !== 'GREEN'
    ) {
      errors.push(
        stixError(
          [...fpath, 'mrn'],
          `an MRN travels only with feedback on a TLP CLEAR or GREEN RIF, not TLP:${body.handling.tlp}`,
        ),
      );
    }
    feedback.push({
      id: f.feedback_id,
      rifVersion: f.rif_version,
      authority: f.authority,
      kind: f.kind,
      at: f.given_at,
      controlType: f.control_type ?? null,
      result: f.result ?? null,
      seizure: f.seizure ?? null,
      usefulness: f.usefulness ?? null,
      comment: f.comment ?? null,
      controlsDone: f.controls_done ?? null,
      mrn: f.mrn ?? null,
    });
  });

  if (errors.length > 0 || meta === undefined || body === undefined) {
    return fail();
  }
  const rif: Rif = {
    ...body,
    id: meta.rif_id,
    version: meta.version,
    issuer: meta.issuer,
    author: meta.author,
    status: meta.status,
    createdAt: meta.created_at,
    updatedAt: meta.updated_at ?? meta.created_at,
    issuedAt: meta.issued_at ?? null,
    withdrawnAt: meta.withdrawn_at ?? null,
    withdrawalReason: meta.withdrawal_reason ?? null,
  };
  return { ok: true, value: { rif, feedback: feedback.map((f) => ({ ...f, rifId: rif.id })) } };
}
