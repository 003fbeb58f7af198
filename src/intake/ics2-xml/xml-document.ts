/**
 * Reads an XML body into a small element tree with positions, refusing what a filing never needs and
 * an attacker would use: a DOCTYPE (and with it every entity declaration: XXE, "billion laughs"),
 * references to undeclared entities, and documents deeper, larger or with longer texts than any real
 * ENS. saxes does the well-formedness and namespace work; it never fetches or expands anything.
 */
import { SaxesParser } from 'saxes';
import { VigilError } from '../../errors/index.ts';

export interface XmlLimits {
  /** Deepest element nesting (an IE3F10 is 6 deep). */
  readonly maxDepth: number;
  /** Most elements in one document. */
  readonly maxElements: number;
  /** Longest text of one element, in characters (the type library's longest is 512). */
  readonly maxTextLength: number;
  /** Most attributes on one element (namespace declarations included). */
  readonly maxAttributes: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = Object.freeze({
  maxDepth: 16,
  maxElements: 200_000,
  maxTextLength: 4096,
  maxAttributes: 16,
});

export interface XmlPosition {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

export interface XmlAttribute {
  readonly name: string;
  readonly uri: string;
  readonly local: string;
}

export interface XmlElement {
  /** The name as written (prefix:local). */
  readonly name: string;
  readonly local: string;
  /** Namespace URI ('' when none). */
  readonly uri: string;
  readonly attributes: readonly XmlAttribute[];
  readonly children: XmlElement[];
  /** Character data directly inside the element (CDATA included). */
  text: string;
  /** Where the start tag begins (line 1-based, column 1-based). */
  readonly position: XmlPosition;
}

/** A parsed XML body, as the content-type parser hands it to the route. */
export class XmlBody {
  readonly root: XmlElement;
  constructor(root: XmlElement) {
    this.root = root;
  }
}

function malformed(detail: string): VigilError {
  return new VigilError('VIGIL_XML_MALFORMED', `the body is not well-formed XML: ${detail}`);
}

/** Parses `text`; throws VIGIL_XML_MALFORMED, VIGIL_XML_FORBIDDEN or VIGIL_XML_TOO_LARGE. */
export function parseXml(text: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlBody {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let elements = 0;
  let start: XmlPosition = { line: 1, column: 1, offset: 0 };

  parser.on('error', (err) => {
    throw malformed(err.message);
  });
  parser.on('doctype', () => {
    throw new VigilError(
      'VIGIL_XML_FORBIDDEN',
      `the XML body has a DOCTYPE (line ${parser.line}); ICS2 messages take none, and no DTD or entity is read`,
    );
  });
  parser.on('processinginstruction', (pi) => {
    throw new VigilError(
      'VIGIL_XML_FORBIDDEN',
      `the XML body has a processing instruction <?${pi.target}?> (line ${parser.line}); ICS2 messages take none`,
    );
  });
  parser.on('opentagstart', (tag) => {
    // The parser has just read "<name" and the character after it: the tag began that far back.
    const back = tag.name.length + 2;
    start = { line: parser.line, column: parser.column - back + 1, offset: parser.position - back };
    elements++;
    if (elements > limits.maxElements) {
      throw new VigilError(
        'VIGIL_XML_TOO_LARGE',
        `the XML body has more than ${limits.maxElements} elements (line ${parser.line})`,
      );
    }
    if (stack.length + 1 > limits.maxDepth) {
      throw new VigilError(
        'VIGIL_XML_TOO_LARGE',
        `the XML body nests elements more than ${limits.maxDepth} deep (line ${parser.line})`,
      );
    }
  });
  parser.on('opentag', (tag) => {
    const attributes = Object.values(tag.attributes);
    if (attributes.length > limits.maxAttributes) {
      throw new VigilError(
        'VIGIL_XML_TOO_LARGE',
        `the element <${tag.name}> has more than ${limits.maxAttributes} attributes (line ${parser.line})`,
      );
    }
    const el: XmlElement = {
      name: tag.name,
      local: tag.local,
      uri: tag.uri,
      attributes: attributes.map((a) => ({ name: a.name, uri: a.uri, local: a.local })),
      children: [],
      text: '',
      position: start,
    };
    const parent = stack.at(-1);
    if (parent !== undefined) {
      parent.children.push(el);
    } else {
      root = el;
    }
    stack.push(el);
  });
  const onText = (t: string) => {
    const el = stack.at(-1);
    if (el === undefined) {
      return; // Whitespace around the root; saxes refuses anything else there.
    }
    if (el.text.length + t.length > limits.maxTextLength) {
      throw new VigilError(
        'VIGIL_XML_TOO_LARGE',
        `the text of <${el.name}> is longer than ${limits.maxTextLength} characters (line ${parser.line})`,
      );
    }
    el.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    stack.pop();
  });

  parser.write(text).close();
  if (root === undefined) {
    throw malformed('it has no root element');
  }
  return new XmlBody(root);
}
