/**
 * Turns a parsed IE3F message into Vigil's JSON filing by walking it against the XPath table
 * (xpaths.ts): every element must be in the ICS2 namespace, known at its place, present as often as
 * its cardinality says and, for a leaf, valid for its simple type. All such errors come at once, each
 * with the XPath of the element and its line and column. The filing it builds then takes the same
 * validation as a JSON body; the locator it keeps (JSON path → XPath) lets those errors name the
 * XPath that carried the field.
 */
import { jsonPath } from '../../errors/index.ts';
import type { ErrorCode, FieldError, Result } from '../../errors/index.ts';
import { ICS2_SIMPLE_TYPES, readSimpleValue } from './simple-types.ts';
import { ICS2_MESSAGES, ICS2_NAMESPACE, ICS2_PREFIX } from './xpaths.ts';
import type { ElementSpec, Ics2Message } from './xpaths.ts';
import type { XmlBody, XmlElement, XmlPosition } from './xml-document.ts';

const XMLNS_URI = 'http://www.w3.org/2000/xmlns/';
const XSI_URI = 'http://www.w3.org/2001/XMLSchema-instance';
/** At most this many structure errors are collected for one message. */
const MAX_ERRORS = 1000;

interface Located {
  readonly xpath: string;
  readonly spec: ElementSpec;
  readonly position: XmlPosition;
}

export interface MappedMessage {
  readonly message: string;
  /** The JSON filing the message carries, for validateFiling. */
  readonly filing: Record<string, unknown>;
  /** JSON path ($.consignments[0].goods[1].hsCode) → the element that carried it. */
  readonly locator: ReadonlyMap<string, Located>;
}

type Path = readonly PropertyKey[];

function parseJson(json: string): PropertyKey[] {
  return json
    .split('.')
    .filter((s) => s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function setAt(root: Record<string, unknown>, path: Path, value: unknown, append: boolean): void {
  let node: Record<PropertyKey, unknown> = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    if (node[key] === undefined) {
      node[key] = typeof path[i + 1] === 'number' ? [] : {};
    }
    node = node[key] as Record<PropertyKey, unknown>;
  }
  const last = path.at(-1)!;
  const before = node[last];
  node[last] = append && typeof before === 'string' ? before + String(value) : value;
}

class Walker {
  readonly errors: FieldError[] = [];
  readonly filing: Record<string, unknown> = {};
  readonly locator = new Map<string, Located>();

  error(code: ErrorCode, path: string, message: string, position?: XmlPosition): void {
    if (this.errors.length >= MAX_ERRORS) {
      return; // A hostile message of 200,000 stray elements gets a bounded answer.
    }
    this.errors.push({ code, path, message, ...(position !== undefined ? { position } : {}) });
  }

  /** Records which element carried `target`; the value's own element wins over its wrapper. */
  locate(target: Path, xpath: string, spec: ElementSpec, position: XmlPosition, value = false): void {
    const key = jsonPath(target);
    if (!this.locator.has(key) || (value && this.locator.get(key)!.spec.type === undefined)) {
      this.locator.set(key, { xpath, spec, position });
    }
  }

  walk(el: XmlElement, spec: ElementSpec, xpath: string, target: Path): void {
    for (const attr of el.attributes) {
      if (attr.uri === XMLNS_URI || attr.name === 'xmlns' || attr.uri === XSI_URI) {
        continue;
      }
      this.error(
        'VIGIL_XML_UNKNOWN_ATTRIBUTE',
        `${xpath}/@${attr.name}`,
        `the attribute ${attr.name} is not part of ${ICS2_PREFIX}:${spec.name}`,
        el.position,
      );
    }
    if (spec.type !== undefined) {
      this.leaf(el, spec, xpath, target);
      return;
    }
    if (el.text.trim() !== '') {
      this.error(
        'VIGIL_XML_VALUE_INVALID',
        xpath,
        `${ICS2_PREFIX}:${spec.name} holds elements, not text`,
        el.position,
      );
    }
    const children = spec.children ?? [];
    const known = new Set(children.map((c) => c.name));
    for (const child of el.children) {
      if (child.uri !== ICS2_NAMESPACE) {
        this.error(
          'VIGIL_XML_NAMESPACE',
          `${xpath}/${child.name}`,
          `the element ${child.name} is in ${child.uri === '' ? 'no namespace' : `the namespace ${child.uri}`}; ICS2 elements are in ${ICS2_NAMESPACE}`,
          child.position,
        );
      } else if (!known.has(child.local)) {
        this.error(
          'VIGIL_XML_UNKNOWN_ELEMENT',
          `${xpath}/${ICS2_PREFIX}:${child.local}`,
          `${ICS2_PREFIX}:${child.local} is not an element of ${ICS2_PREFIX}:${spec.name} (expected one of ${children.map((c) => c.name).join(', ')})`,
          child.position,
        );
      }
    }
    // In the table's order, not the document's: the HS6 comes before the CN2 appended to it.
    for (const cs of children) {
      const found = el.children.filter((c) => c.uri === ICS2_NAMESPACE && c.local === cs.name);
      if (found.length < cs.min) {
        this.error(
          'VIGIL_XML_MISSING_ELEMENT',
          `${xpath}/${ICS2_PREFIX}:${cs.name}`,
          cs.min === 1
            ? `the required element ${ICS2_PREFIX}:${cs.name} is missing`
            : `${ICS2_PREFIX}:${cs.name} must occur at least ${cs.min} times (found ${found.length})`,
          el.position,
        );
      }
      if (found.length > cs.max) {
        const extra = found[cs.max]!;
        this.error(
          'VIGIL_XML_TOO_MANY',
          `${xpath}/${ICS2_PREFIX}:${cs.name}[${cs.max + 1}]`,
          `${ICS2_PREFIX}:${cs.name} may occur at most ${cs.max} time(s) here (found ${found.length})`,
          extra.position,
        );
      }
      found.slice(0, cs.max).forEach((child, i) => {
        const childXPath = `${xpath}/${ICS2_PREFIX}:${cs.name}${cs.max > 1 ? `[${i + 1}]` : ''}`;
        const childTarget = this.targetOf(cs, target, i);
        if (cs.type === undefined && cs.json !== undefined) {
          this.locate(childTarget, childXPath, cs, child.position);
        }
        this.walk(child, cs, childXPath, childTarget);
      });
    }
    if (spec.name === 'transportEquipment') {
      this.seals(el, xpath);
    }
  }

  /**
   * C3015: transport equipment gives its seals exactly when it states their number (the JSON filing
   * lists the seals and implies the number); a number that is not the count of seals is refused too.
   */
  seals(el: XmlElement, xpath: string): void {
    const mine = (name: string) => el.children.filter((c) => c.uri === ICS2_NAMESPACE && c.local === name);
    const [count] = mine('numberOfSeals');
    const seals = mine('seal');
    if (count !== undefined && seals.length === 0) {
      this.error(
        'C3015',
        `${xpath}/${ICS2_PREFIX}:seal`,
        `${ICS2_PREFIX}:numberOfSeals is given: list the seals (${ICS2_PREFIX}:seal)`,
        count.position,
      );
    } else if (count === undefined && seals.length > 0) {
      this.error(
        'C3015',
        `${xpath}/${ICS2_PREFIX}:numberOfSeals`,
        `seals are listed: state their number (${ICS2_PREFIX}:numberOfSeals)`,
        seals[0]!.position,
      );
    } else if (count !== undefined && Number(count.text.trim()) !== seals.length) {
      this.error(
        'C3015',
        `${xpath}/${ICS2_PREFIX}:numberOfSeals`,
        `${ICS2_PREFIX}:numberOfSeals says ${count.text.trim()}, but ${seals.length} seal(s) are listed`,
        count.position,
      );
    }
  }

  targetOf(spec: ElementSpec, parent: Path, index: number): Path {
    if (spec.json === undefined || spec.json === '') {
      return parent;
    }
    const base = spec.json.startsWith('$.')
      ? parseJson(spec.json.slice(2))
      : [...parent, ...parseJson(spec.json)];
    return spec.array === true ? [...base, index] : base;
  }

  leaf(el: XmlElement, spec: ElementSpec, xpath: string, target: Path): void {
    if (el.children.length > 0) {
      this.error(
        'VIGIL_XML_VALUE_INVALID',
        xpath,
        `${ICS2_PREFIX}:${spec.name} holds a value, not elements`,
        el.position,
      );
      return;
    }
    const type = ICS2_SIMPLE_TYPES[spec.type!];
    const read = readSimpleValue(el.text, type);
    if (!read.ok) {
      this.error('VIGIL_XML_VALUE_INVALID', xpath, read.message, el.position);
      return;
    }
    let value = read.value;
    if (spec.codes !== undefined) {
      const mapped = spec.codes[String(value)];
      if (mapped === undefined) {
        this.error(
          'VIGIL_XML_VALUE_INVALID',
          xpath,
          `${JSON.stringify(value)} is not one of the codes ${Object.keys(spec.codes).join(', ')}`,
          el.position,
        );
        return;
      }
      value = mapped;
    }
    if (spec.json === undefined) {
      return; // Checked, carries no field.
    }
    setAt(this.filing, target, value, spec.append === true);
    this.locate(target, xpath, spec, el.position, true);
  }
}

/** Maps an IE3F message onto the JSON filing; the errors name XPaths. */
export function mapIcs2Message(body: XmlBody): Result<MappedMessage> {
  const root = body.root;
  const rootXPath = `/${ICS2_PREFIX}:${root.local}`;
  if (root.uri !== ICS2_NAMESPACE) {
    return {
      ok: false,
      errors: [
        {
          code: 'VIGIL_XML_NAMESPACE',
          path: `/${root.name}`,
          message: `the message ${root.name} is in ${root.uri === '' ? 'no namespace' : `the namespace ${root.uri}`}; ICS2 messages are in ${ICS2_NAMESPACE}`,
          position: root.position,
        },
      ],
    };
  }
  const message: Ics2Message | undefined = ICS2_MESSAGES.get(root.local);
  if (message === undefined) {
    return {
      ok: false,
      errors: [
        {
          code: 'VIGIL_XML_MESSAGE_UNKNOWN',
          path: rootXPath,
          message: `${ICS2_PREFIX}:${root.local} is not an ICS2 message Vigil takes (it takes ${[...ICS2_MESSAGES.keys()].join(', ')})`,
          position: root.position,
        },
      ],
    };
  }
  const walker = new Walker();
  walker.filing['filingType'] = message.filingType;
  walker.locate([], rootXPath, message.root, root.position);
  walker.locate(['filingType'], rootXPath, message.root, root.position);
  walker.walk(root, message.root, rootXPath, []);
  if (walker.errors.length > 0) {
    return { ok: false, errors: walker.errors };
  }
  const transport = walker.filing['transport'] as Record<string, unknown> | undefined;
  if (transport !== undefined && transport['mode'] === undefined) {
    transport['mode'] = message.defaultMode;
    const means = walker.locator.get('$.transport');
    if (means !== undefined) {
      walker.locator.set('$.transport.mode', means);
    }
  }
  return {
    ok: true,
    value: { message: message.message, filing: walker.filing, locator: walker.locator },
  };
}

/** Splits a JSON path as jsonPath() writes it back into its keys. */
function splitJsonPath(path: string): PropertyKey[] | undefined {
  if (!path.startsWith('$')) {
    return undefined;
  }
  const out: PropertyKey[] = [];
  const re = /\.([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/gy;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (m === null) {
      return undefined;
    }
    out.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]!) as string)));
  }
  return out;
}

/** The XPath below `spec` (relative, '/ens:a/ens:b') whose JSON field is `rest`, if the table has one. */
function xpathBelow(spec: ElementSpec, rest: readonly PropertyKey[]): string | undefined {
  const names = rest.filter((k): k is string => typeof k === 'string');
  if (names.length === 0) {
    return '';
  }
  for (const child of spec.children ?? []) {
    const own = child.json === undefined || child.json.startsWith('$.') ? [] : parseJson(child.json);
    const ownNames = own.filter((k): k is string => typeof k === 'string');
    if (ownNames.length > 0 && ownNames.every((k, i) => names[i] === k)) {
      const deeper = xpathBelow(child, names.slice(ownNames.length));
      if (deeper !== undefined) {
        return `/${ICS2_PREFIX}:${child.name}${deeper}`;
      }
    } else if (ownNames.length === 0 && child.type === undefined && child.json === undefined) {
      const deeper = xpathBelow(child, names);
      if (deeper !== undefined && deeper !== '') {
        return `/${ICS2_PREFIX}:${child.name}${deeper}`;
      }
    }
  }
  return undefined;
}

/**
 * Rewrites the JSON paths of validation errors into the XPaths that carried the fields: the element
 * itself when it was sent, else the element the table expects under the nearest one that was.
 */
export function locateErrors(errors: readonly FieldError[], mapped: MappedMessage): FieldError[] {
  return errors.map((e) => {
    const keys = splitJsonPath(e.path);
    if (keys === undefined) {
      return e;
    }
    for (let n = keys.length; n >= 0; n--) {
      const found = mapped.locator.get(jsonPath(keys.slice(0, n)));
      if (found === undefined) {
        continue;
      }
      const below = n === keys.length ? '' : (xpathBelow(found.spec, keys.slice(n)) ?? '');
      return {
        code: e.code,
        path: found.xpath + below,
        message: `${e.message} (field ${e.path})`,
        position: found.position,
      };
    }
    return e;
  });
}
