/**
 * Records of a large XML list read as the text arrives (saxes): the elements at a chosen path (an
 * INDIVIDUAL of the UN list, a sanctionEntity of the EU's) are built as small trees and handed over
 * one by one, each with its XPath and line, then dropped, so a list of any size is never held whole.
 * Elements are named by their local name (the EU file has a default namespace). What a list never
 * needs and an attacker would use is refused: a DOCTYPE (with it every entity declaration), undeclared
 * entities, nesting deeper than `maxDepth`, texts longer than `maxTextLength`, records of more than
 * `maxRecordElements` elements.
 */
import { SaxesParser } from 'saxes';
import { VigilError } from '../../errors/index.ts';

export interface XmlNode {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlNode[];
  text: string;
  readonly line: number;
}

export interface XmlRecordLimits {
  readonly maxDepth: number;
  readonly maxTextLength: number;
  readonly maxRecordElements: number;
}

export const DEFAULT_XML_RECORD_LIMITS: XmlRecordLimits = Object.freeze({
  maxDepth: 32,
  maxTextLength: 100_000,
  maxRecordElements: 20_000,
});

export interface XmlRecordHandlers {
  /** Is the element at this path (local names from the root) a record? */
  isRecord(path: readonly string[]): boolean;
  /** The root element, as soon as it is read. */
  onRoot?(name: string, attributes: Readonly<Record<string, string>>, line: number): void;
  /** A complete record, its XPath (`/A/B[3]`, positions among same-named siblings, from 1). */
  onRecord(record: XmlNode, xpath: string): void;
}

/** Children named `name` (local name). */
export function childrenNamed(node: XmlNode, name: string): XmlNode[] {
  return node.children.filter((c) => c.name === name);
}

/** The trimmed text of the first child named `name`, or ''. */
export function childText(node: XmlNode, name: string): string {
  return node.children.find((c) => c.name === name)?.text.trim() ?? '';
}

export class XmlRecords {
  readonly #parser = new SaxesParser({ xmlns: true, position: true });
  readonly #handlers: XmlRecordHandlers;
  readonly #limits: XmlRecordLimits;
  /** Local names from the root to the current element. */
  readonly #path: string[] = [];
  /** Same-named siblings seen so far, per open element (for XPath positions). */
  readonly #siblings: Map<string, number>[] = [new Map<string, number>()];
  readonly #positions: number[] = [];
  /** Open elements of the record being built (empty outside records). */
  readonly #open: XmlNode[] = [];
  #recordElements = 0;
  #recordXpath = '';
  #sawRoot = false;

  constructor(handlers: XmlRecordHandlers, limits: XmlRecordLimits = DEFAULT_XML_RECORD_LIMITS) {
    this.#handlers = handlers;
    this.#limits = limits;
    const p = this.#parser;
    p.on('error', (err) => {
      throw new VigilError('VIGIL_XML_MALFORMED', `the list is not well-formed XML: ${err.message}`);
    });
    p.on('doctype', () => {
      throw new VigilError(
        'VIGIL_XML_FORBIDDEN',
        `the list has a DOCTYPE (line ${p.line}); no list needs one, and no DTD or entity is read`,
      );
    });
    p.on('opentag', (tag) => {
      const name = tag.local;
      const line = p.line;
      const siblings = this.#siblings[this.#siblings.length - 1]!;
      const position = (siblings.get(name) ?? 0) + 1;
      siblings.set(name, position);
      this.#path.push(name);
      this.#positions.push(position);
      this.#siblings.push(new Map<string, number>());
      if (this.#path.length > this.#limits.maxDepth) {
        throw new VigilError(
          'VIGIL_XML_TOO_LARGE',
          `the list nests elements more than ${this.#limits.maxDepth} deep (line ${line})`,
        );
      }
      const attributes: Record<string, string> = {};
      for (const a of Object.values(tag.attributes)) {
        if (a.prefix !== 'xmlns' && a.name !== 'xmlns') {
          attributes[a.local] = a.value;
        }
      }
      if (!this.#sawRoot) {
        this.#sawRoot = true;
        this.#handlers.onRoot?.(name, attributes, line);
      }
      if (this.#open.length === 0) {
        if (!this.#handlers.isRecord(this.#path)) {
          return;
        }
        this.#recordElements = 0;
        this.#recordXpath = this.#path.map((n, i) => `/${n}[${this.#positions[i]!}]`).join('');
        this.#recordXpath = this.#recordXpath.replace(/^\/([^[]+)\[1\]/, '/$1');
      }
      this.#recordElements++;
      if (this.#recordElements > this.#limits.maxRecordElements) {
        throw new VigilError(
          'VIGIL_XML_TOO_LARGE',
          `the record at ${this.#recordXpath} has more than ${this.#limits.maxRecordElements} elements`,
        );
      }
      const node: XmlNode = { name, attributes, children: [], text: '', line };
      this.#open.at(-1)?.children.push(node);
      this.#open.push(node);
    });
    const onText = (t: string): void => {
      const node = this.#open.at(-1);
      if (node === undefined) {
        return; // Text between records: nothing a reader needs.
      }
      if (node.text.length + t.length > this.#limits.maxTextLength) {
        throw new VigilError(
          'VIGIL_XML_TOO_LARGE',
          `the text of <${node.name}> on line ${p.line} is longer than ${this.#limits.maxTextLength} characters`,
        );
      }
      node.text += t;
    };
    p.on('text', onText);
    p.on('cdata', onText);
    p.on('closetag', () => {
      this.#path.pop();
      this.#positions.pop();
      this.#siblings.pop();
      const node = this.#open.pop();
      if (node !== undefined && this.#open.length === 0) {
        this.#handlers.onRecord(node, this.#recordXpath);
      }
    });
  }

  write(text: string): void {
    this.#parser.write(text);
  }

  end(): void {
    this.#parser.close();
    if (!this.#sawRoot) {
      throw new VigilError('VIGIL_XML_MALFORMED', 'the list is not well-formed XML: it has no root element');
    }
  }
}
