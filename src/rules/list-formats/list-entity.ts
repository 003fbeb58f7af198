/**
 * One listed entity as the list readers give it, and what every reader checks of it: an id a URL can
 * carry, a main name and aliases of a sane length, a known type, identifiers as kind/value pairs, and
 * text PostgreSQL can store. The same checks run whatever the format, so an entity loaded from the UN
 * list and one sent as JSON obey one set of limits. Pure: no I/O.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { instantSchema } from '../../domain/index.ts';
import type { ErrorCode, FieldError } from '../../errors/index.ts';
import { WATCHLIST_ENTITY_TYPES } from '../../risk/index.ts';
import type { WatchlistEntityType, WatchlistEntry, WatchlistIdentifier } from '../../risk/index.ts';

/** An entity's id: unique in its list, safe in a URL path segment. */
export const ENTITY_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const ENTITY_ID_RULE = 'letters, digits and . _ : - (at most 128, starting with a letter or digit)';

/** Limits of one entity, whatever the format it came in. */
export const ENTITY_LIMITS = Object.freeze({
  valueLength: 500,
  aliases: 500,
  identifiers: 200,
  kindLength: 64,
  identifierLength: 200,
  noteLength: 4000,
  sourceLength: 200,
});

/** An entity as a reader gives it: the list's own id where it has one. */
export type ListEntity = WatchlistEntry;

/** An entity with its id settled (the reader's, or one made from its value). */
export interface StoredEntity extends WatchlistEntry {
  readonly id: string;
}

/** One entity as the JSON routes and NDJSON lines take it. */
export const entityInputSchema = z.strictObject({
  id: z.string().regex(ENTITY_ID, ENTITY_ID_RULE).optional(),
  value: z.string().trim().min(1).max(ENTITY_LIMITS.valueLength),
  aliases: z
    .array(z.string().trim().min(1).max(ENTITY_LIMITS.valueLength))
    .max(ENTITY_LIMITS.aliases)
    .optional()
    .describe('other names of the entity (spellings, original-script forms), each screened as it'),
  type: z.enum(WATCHLIST_ENTITY_TYPES).optional(),
  identifiers: z
    .array(
      z.strictObject({
        kind: z.string().trim().min(1).max(ENTITY_LIMITS.kindLength),
        value: z.string().trim().min(1).max(ENTITY_LIMITS.identifierLength),
      }),
    )
    .max(ENTITY_LIMITS.identifiers)
    .optional()
    .describe('identifiers the list gives it: passport, imo, registration, …'),
  note: z.string().max(ENTITY_LIMITS.noteLength).optional(),
  source: z.string().trim().min(1).max(ENTITY_LIMITS.sourceLength).optional(),
  expires: instantSchema.optional().describe('when it stops matching: a date (its end, UTC) or date-time'),
});
export type EntityInput = z.output<typeof entityInputSchema>;

/** The entity an input describes (empty optional fields left out). */
export function entityOf(input: EntityInput): ListEntity {
  return tidyEntity({
    value: input.value,
    id: input.id,
    aliases: input.aliases,
    type: input.type,
    identifiers: input.identifiers,
    note: input.note,
    source: input.source,
    expires: input.expires,
  });
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

/**
 * The entity with its text trimmed, empty fields left out, and aliases that repeat its name or each
 * other (ignoring case and spacing) dropped; identifiers repeated, dropped.
 */
export function tidyEntity(e: ListEntity): ListEntity {
  const value = collapse(e.value);
  const seen = new Set([value.toLowerCase()]);
  const aliases: string[] = [];
  for (const a of e.aliases ?? []) {
    const t = collapse(a);
    if (t !== '' && !seen.has(t.toLowerCase())) {
      seen.add(t.toLowerCase());
      aliases.push(t);
    }
  }
  const ids = new Set<string>();
  const identifiers: WatchlistIdentifier[] = [];
  for (const i of e.identifiers ?? []) {
    const kind = collapse(i.kind);
    const v = collapse(i.value);
    const key = `${kind}\u0000${v}`;
    if (kind !== '' && v !== '' && !ids.has(key)) {
      ids.add(key);
      identifiers.push({ kind, value: v });
    }
  }
  const note = e.note?.trim() ?? '';
  const source = e.source?.trim() ?? '';
  const expires = e.expires?.trim() ?? '';
  return {
    value,
    ...(e.id !== undefined && e.id !== '' ? { id: e.id } : {}),
    ...(aliases.length > 0 ? { aliases } : {}),
    ...(e.type !== undefined ? { type: e.type } : {}),
    ...(identifiers.length > 0 ? { identifiers } : {}),
    ...(note !== '' ? { note } : {}),
    ...(source !== '' ? { source } : {}),
    ...(expires !== '' ? { expires } : {}),
  };
}

const unstorable = (s: string): boolean => s.includes('\u0000') || !s.isWellFormed();

/**
 * What is wrong with an entity a reader built, each with `path` (where it is in the upload) and the
 * field: limits, id form, type, storable text. Empty when it can be stored.
 */
export function checkEntity(e: ListEntity, path: string): FieldError[] {
  const out: FieldError[] = [];
  const add = (code: ErrorCode, field: string, message: string): void => {
    // A JSON path goes on with the field ($.entries[3].value); a place in a file (line 3) names it.
    const at = field === '' ? path : path.startsWith('$') ? `${path}.${field}` : `${path} ${field}`;
    out.push({ code, path: at, message });
  };
  const text = (field: string, s: string, max: number): void => {
    if (unstorable(s)) {
      add('VIGIL_SCHEMA_FORMAT', field, `${field} must be valid Unicode without NUL characters`);
    } else if (s.length > max) {
      add('VIGIL_SCHEMA_TOO_BIG', field, `${field} may have at most ${max} characters`);
    }
  };
  if (e.value === '') {
    add('VIGIL_SCHEMA_REQUIRED', 'value', 'the entity has no name or value');
  }
  text('value', e.value, ENTITY_LIMITS.valueLength);
  if (e.id !== undefined && !ENTITY_ID.test(e.id)) {
    add('VIGIL_SCHEMA_FORMAT', 'id', `id '${e.id.slice(0, 140)}' must be ${ENTITY_ID_RULE}`);
  }
  const aliases = e.aliases ?? [];
  if (aliases.length > ENTITY_LIMITS.aliases) {
    add('VIGIL_SCHEMA_TOO_BIG', 'aliases', `an entity may have at most ${ENTITY_LIMITS.aliases} aliases`);
  }
  aliases.forEach((a, i) => text(`aliases[${i}]`, a, ENTITY_LIMITS.valueLength));
  if (e.type !== undefined && !(WATCHLIST_ENTITY_TYPES as readonly string[]).includes(e.type)) {
    add('VIGIL_SCHEMA_VALUE', 'type', `type must be one of ${WATCHLIST_ENTITY_TYPES.join(', ')}`);
  }
  const identifiers = e.identifiers ?? [];
  if (identifiers.length > ENTITY_LIMITS.identifiers) {
    add(
      'VIGIL_SCHEMA_TOO_BIG',
      'identifiers',
      `an entity may have at most ${ENTITY_LIMITS.identifiers} identifiers`,
    );
  }
  identifiers.forEach((x, i) => {
    text(`identifiers[${i}].kind`, x.kind, ENTITY_LIMITS.kindLength);
    text(`identifiers[${i}].value`, x.value, ENTITY_LIMITS.identifierLength);
  });
  if (e.note !== undefined) {
    text('note', e.note, ENTITY_LIMITS.noteLength);
  }
  if (e.source !== undefined) {
    text('source', e.source, ENTITY_LIMITS.sourceLength);
  }
  if (e.expires !== undefined && !instantSchema.safeParse(e.expires).success) {
    add(
      'VIGIL_DATE_INVALID',
      'expires',
      `expires '${e.expires.slice(0, 40)}' is not an ISO 8601 date or date-time with a time zone`,
    );
  }
  return out;
}

/**
 * The id an entity gets when its list gives none: 'v:' and the first 16 hex digits of the MD5 of its
 * value (migration 0025 gave existing entries the same), so uploading a name again replaces it.
 */
export function valueId(value: string): string {
  return `v:${createHash('md5').update(value, 'utf8').digest('hex').slice(0, 16)}`;
}

/**
 * Every entity with an id: its own, or `valueId` of its value (`-2`, `-3` … for the second and later
 * entity of the upload bearing the same value without an id). Two entities given the same id are an
 * error each, at the second one's place.
 */
export function settleIds(
  entities: readonly ListEntity[],
  placeOf: (index: number) => string,
): { ok: true; value: StoredEntity[] } | { ok: false; errors: FieldError[] } {
  const given = new Map<string, number>();
  const errors: FieldError[] = [];
  entities.forEach((e, i) => {
    if (e.id === undefined) {
      return;
    }
    const first = given.get(e.id);
    if (first === undefined) {
      given.set(e.id, i);
    } else {
      errors.push({
        code: 'VIGIL_WATCHLIST_DUPLICATE_ID',
        path: placeOf(i),
        message: `id '${e.id}' is also the id of the entity at ${placeOf(first)}: ids are unique in a list`,
      });
    }
  });
  if (errors.length > 0) {
    return { ok: false, errors };
  }
  const made = new Map<string, number>();
  const out = entities.map((e): StoredEntity => {
    if (e.id !== undefined) {
      return e as StoredEntity;
    }
    const base = valueId(e.value);
    let n = made.get(base) ?? 0;
    let id: string;
    do {
      n++;
      id = n === 1 ? base : `${base}-${n}`;
    } while (given.has(id));
    made.set(base, n);
    return { ...e, id };
  });
  return { ok: true, value: out };
}

/** The entity types of the public lists' own words. */
export function entityTypeOf(word: string): WatchlistEntityType {
  switch (word.trim().toLowerCase()) {
    case 'person':
    case 'individual':
    case 'p':
      return 'person';
    case 'enterprise':
    case 'entity':
    case 'organisation':
    case 'organization':
    case 'e':
      return 'organisation';
    case 'vessel':
      return 'vessel';
    case 'aircraft':
      return 'aircraft';
    default:
      return 'other';
  }
}

/**
 * An identifier kind from a list's own words: the usual ones named alike across lists (passport,
 * national-id, tax-id, registration, imo, swift-bic …), any other as lower-case words joined by dashes.
 */
export function identifierKind(words: string): string {
  const w = words.trim().toLowerCase();
  if (/passport/.test(w)) {
    return 'passport';
  }
  if (/\bimo\b/.test(w)) {
    return 'imo';
  }
  if (/swift|\bbic\b/.test(w)) {
    return 'swift-bic';
  }
  if (/\bmmsi\b/.test(w)) {
    return 'mmsi';
  }
  if (/call ?sign/.test(w)) {
    return 'call-sign';
  }
  if (/tax|fiscal|\binn\b|\bvat\b|\brfc\b|\bnit\b|\bruc\b/.test(w)) {
    return 'tax-id';
  }
  if (/regist|regnumber|company number|business/.test(w)) {
    return 'registration';
  }
  if (/national id|identity|identification number|\bid card|cedula|c[eé]dula|\bdni\b|\bcurp\b|^id$/.test(w)) {
    return 'national-id';
  }
  const slug = w
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, ENTITY_LIMITS.kindLength);
  return slug === '' ? 'other' : slug;
}

/** Text cut to `max` characters, with an ellipsis when it was longer. */
export function clip(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

export type { WatchlistEntityType };

/** `settleIds` for entities Vigil itself holds (the demo pack): a repeated id is a defect. */
export function withIds(entities: readonly ListEntity[]): StoredEntity[] {
  const r = settleIds(entities, (i) => `entry ${i}`);
  if (!r.ok) {
    throw new Error(r.errors.map((e) => e.message).join('; '));
  }
  return r.value;
}
