/**
 * What every list reader shares: it is given the upload's text piece by piece (`write`, then `end`)
 * and collects the entities it read, each with the place it came from (a line, an XPath), and every
 * problem with its place, up to MAX_LIST_ERRORS. A reader never throws for bad content (only for a
 * body that is not the kind of text it reads at all, such as XML that is not well-formed).
 */
import type { FieldError } from '../../errors/index.ts';
import { checkEntity, tidyEntity } from './list-entity.ts';
import type { ListEntity } from './list-entity.ts';
import { XmlRecords } from './xml-records.ts';
import type { XmlNode } from './xml-records.ts';

/** Problems collected before a reader stops looking for more. */
export const MAX_LIST_ERRORS = 1000;

export interface ListReader {
  write(text: string): void;
  end(): void;
  readonly entities: readonly ListEntity[];
  /** Where each entity came from, by position in `entities`. */
  readonly places: readonly string[];
  readonly errors: readonly FieldError[];
  /** More problems than MAX_LIST_ERRORS were found (the rest were not collected). */
  readonly truncated: boolean;
}

/** The collecting half of a reader: subclasses parse and call `entity` and `problem`. */
export abstract class ListCollector implements ListReader {
  readonly entities: ListEntity[] = [];
  readonly places: string[] = [];
  readonly errors: FieldError[] = [];
  truncated = false;

  abstract write(text: string): void;
  abstract end(): void;

  /** Enough problems were found: readers may stop parsing. */
  get full(): boolean {
    return this.errors.length >= MAX_LIST_ERRORS;
  }

  protected problem(error: FieldError): void {
    if (this.errors.length < MAX_LIST_ERRORS) {
      this.errors.push(error);
    } else {
      this.truncated = true;
    }
  }

  /** Adds the entity (tidied) when it passes the checks every entity must; else its problems. */
  protected entity(e: ListEntity, place: string): void {
    const tidy = tidyEntity(e);
    const problems = checkEntity(tidy, place);
    if (problems.length > 0) {
      problems.forEach((p) => this.problem(p));
      return;
    }
    this.entities.push(tidy);
    this.places.push(place);
  }
}

/**
 * A reader of a list published as XML: streams the text into `XmlRecords`, refuses a document whose
 * root is not the list's (VIGIL_WATCHLIST_FORMAT at the root), and hands each record element to
 * `record` until enough problems were found.
 */
export abstract class XmlListCollector extends ListCollector {
  readonly #xml: XmlRecords;
  #root: string | undefined;

  /** `root`: the list's root element; `list`: how a message names the list; `isRecord`: by element path. */
  constructor(root: string, list: string, isRecord: (path: readonly string[]) => boolean) {
    super();
    this.#xml = new XmlRecords({
      isRecord,
      onRoot: (name, _attributes, line) => {
        this.#root = name;
        if (name !== root) {
          this.problem({
            code: 'VIGIL_WATCHLIST_FORMAT',
            path: `/${name}`,
            message: `the document's root is <${name}> (line ${line}); ${list}'s is <${root}>`,
          });
        }
      },
      onRecord: (node, xpath) => {
        if (this.#root === root && !this.full) {
          this.record(node, xpath);
        }
      },
    });
  }

  write(text: string): void {
    this.#xml.write(text);
  }

  end(): void {
    this.#xml.end();
  }

  /** One record element of the list, at its XPath. */
  protected abstract record(node: XmlNode, xpath: string): void;
}
