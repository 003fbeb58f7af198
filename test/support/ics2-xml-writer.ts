/**
 * A JSON filing written as its IE3F message, driven by the message's XPath table (ICS2_MESSAGES):
 * the inverse of mapIcs2Message, for tests that post a JSON example and its XML twin. Each element of
 * the table is written when its field is there (a wrapper when anything below it is), repeated for
 * each item of an array; codes are written back (ModeOfTransport), the HS code is split into the HS6
 * and the CN2 appended to it, booleans become 1/0. Fields the table has no element for are dropped:
 * the twin test then shows them as a difference.
 */
import { ICS2_NAMESPACE, ICS2_PREFIX } from '../../src/intake/ics2-xml/index.ts';
import type { ElementSpec, Ics2Message } from '../../src/intake/ics2-xml/index.ts';

type Json = Record<string, unknown>;

const escapeXml = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

function at(root: unknown, parent: unknown, json: string): unknown {
  if (json === '') {
    return parent;
  }
  let node: unknown = json.startsWith('$.') ? root : parent;
  for (const key of (json.startsWith('$.') ? json.slice(2) : json).split('.')) {
    if (node === null || typeof node !== 'object') {
      return undefined;
    }
    node = (node as Record<string, unknown>)[/^\d+$/.test(key) ? Number(key) : key];
  }
  return node;
}

function text(spec: ElementSpec, siblings: readonly ElementSpec[], value: unknown): string | undefined {
  if (spec.codes !== undefined) {
    return Object.entries(spec.codes).find(([, v]) => v === value)?.[0];
  }
  if (typeof value === 'boolean') {
    return value ? '1' : '0';
  }
  // DateTimeContentType is to the second: 2027-03-01T10:00:00Z.
  const s = spec.type === 'DateTimeContentType' ? String(value).replace(/\.000Z$/, 'Z') : String(value);
  // The HS code: its first six digits, then the CN2 appended to them by the next element.
  const split = siblings.some((o) => o !== spec && o.append === true && o.json === spec.json);
  if (spec.append === true) {
    return s.length > 6 ? s.slice(6) : undefined;
  }
  return split ? s.slice(0, 6) : s;
}

function write(
  root: Json,
  spec: ElementSpec,
  parent: unknown,
  siblings: readonly ElementSpec[],
  indent: string,
): string[] {
  const tag = `${ICS2_PREFIX}:${spec.name}`;
  if (spec.type !== undefined) {
    if (spec.json === undefined) {
      // The number of seals is the count of the seals listed (C3015); other checked-only elements
      // carry nothing and are left out (always optional).
      const seals = spec.name === 'numberOfSeals' ? (parent as Json | undefined)?.['seals'] : undefined;
      return Array.isArray(seals) && seals.length > 0 ? [`${indent}<${tag}>${seals.length}</${tag}>`] : [];
    }
    const value = at(root, parent, spec.json);
    const t = value === undefined || value === null ? undefined : text(spec, siblings, value);
    return t === undefined ? [] : [`${indent}<${tag}>${escapeXml(t)}</${tag}>`];
  }
  const element = (value: unknown): string[] => {
    const inner = (spec.children ?? []).flatMap((c) => write(root, c, value, spec.children!, `${indent}  `));
    return inner.length === 0 ? [] : [`${indent}<${tag}>`, ...inner, `${indent}</${tag}>`];
  };
  if (spec.json === undefined) {
    return element(parent);
  }
  const value = at(root, parent, spec.json);
  if (value === undefined || value === null) {
    return [];
  }
  if (spec.array === true) {
    return Array.isArray(value) ? value.flatMap((item) => element(item)) : [];
  }
  return element(value);
}

/** `filing` as the message `message`, an XML document in the ICS2 namespace. */
export function writeIcs2Message(message: Ics2Message, filing: Json): string {
  const root = message.root;
  const inner = (root.children ?? []).flatMap((c) => write(filing, c, filing, root.children!, '  '));
  const tag = `${ICS2_PREFIX}:${root.name}`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<${tag} xmlns:${ICS2_PREFIX}="${ICS2_NAMESPACE}">`,
    ...inner,
    `</${tag}>`,
    '',
  ].join('\n');
}
