/**
 * What retention does to a stored document (a filing or import declaration body, a control task's
 * parties), as pure functions of the JSON. A party keeps its EORI (the identifier operator profiles
 * and risk indicators count by) and its address's country; its name becomes a pseudonym and the rest
 * of its address goes. Reducing a body also drops free text (goods descriptions, seal numbers) while
 * keeping its shape and the facts indicators and backtests read: HS codes, masses, values, origins,
 * routing, places, documents, transport.
 */
import { createHash } from 'node:crypto';

/** Keys under which a document holds a party (ENS filings and H1/H7 import declarations). */
export const PARTY_KEYS: ReadonlySet<string> = new Set([
  'declarant',
  'carrier',
  'consignor',
  'consignee',
  'notifyParty',
  'importer',
  'seller',
  'buyer',
  'courier',
]);

/** Free text that may name or describe people; dropped when a body is reduced. */
const FREE_TEXT_KEYS: ReadonlySet<string> = new Set(['description', 'remarks', 'seals']);

/**
 * A pseudonym tied to where the name was (which record, which party), not to the name: it cannot be
 * reversed or matched against a list of names, and the same record always gets the same one.
 */
export function pseudonymFor(record: string, path: string): string {
  return `P-${createHash('sha256').update(`${record}\u0000${path}`).digest('hex').slice(0, 12)}`;
}

export interface RetentionTransform {
  /** Also drop free text (the body's retention period has passed). */
  readonly reduce: boolean;
}

function pseudonymiseParty(
  party: Record<string, unknown>,
  record: string,
  path: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(party)) {
    if (key === 'name') {
      out[key] = pseudonymFor(record, path);
    } else if (key === 'address') {
      const country = (value as { country?: unknown } | null)?.country;
      if (country !== undefined) {
        out[key] = { country };
      }
    } else {
      out[key] = value;
    }
  }
  return out;
}

function walk(value: unknown, record: string, path: string, how: RetentionTransform): unknown {
  if (Array.isArray(value)) {
    return value.map((item, i) => walk(item, record, `${path}/${i}`, how));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const at = `${path}/${key}`;
    if (PARTY_KEYS.has(key) && child !== null && typeof child === 'object' && !Array.isArray(child)) {
      out[key] = pseudonymiseParty(child as Record<string, unknown>, record, at);
    } else if (how.reduce && FREE_TEXT_KEYS.has(key)) {
      // Emptied, not removed, so the document keeps the types its readers (and rules) expect.
      out[key] = Array.isArray(child) ? [] : typeof child === 'string' ? '' : null;
    } else {
      out[key] = walk(child, record, at, how);
    }
  }
  return out;
}

/** A copy of `body` with its parties pseudonymised and, when reducing, its free text dropped. */
export function applyRetention(body: unknown, record: string, how: RetentionTransform): unknown {
  return walk(body, record, '', how);
}

/**
 * An operator key made from a name (`name:<country>:<name>`, for a party without an EORI) becomes a
 * pseudonymous key; an EORI key stays.
 */
export function pseudonymiseOperatorKey(key: string, record: string, path: string): string {
  return key.startsWith('name:') ? `pseudonym:${pseudonymFor(record, path)}` : key;
}

/**
 * A control task's parties (`[{ role, key, name }]`) with each name replaced by a pseudonym, and each
 * operator key made from a name too.
 */
export function pseudonymiseTaskParties(parties: unknown, record: string): unknown {
  if (!Array.isArray(parties)) {
    return parties;
  }
  return parties.map((p: unknown, i) => {
    if (p === null || typeof p !== 'object') {
      return p;
    }
    const party = { ...(p as Record<string, unknown>) };
    if (typeof party['name'] === 'string') {
      party['name'] = pseudonymFor(record, `/parties/${i}/name`);
    }
    if (typeof party['key'] === 'string') {
      party['key'] = pseudonymiseOperatorKey(party['key'], record, `/parties/${i}/key`);
    }
    return party;
  });
}
