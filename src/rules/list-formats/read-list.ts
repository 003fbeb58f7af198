/**
 * Reading an uploaded list, whatever its format, as it arrives: the bytes are decoded (UTF-8, a byte
 * order mark dropped) and given to the format's reader in pieces of at most PIECE characters, with
 * the event loop given back after each, so a list of tens of megabytes never holds the process
 * (other requests and /health are answered meanwhile). At most `maxBytes` are read: a body beyond is
 * refused with VIGIL_BODY_TOO_LARGE, and nothing of it is kept.
 */
import { VigilError } from '../../errors/index.ts';
import { EuFsfListReader } from './eu-fsf.ts';
import type { ListReader } from './list-reader.ts';
import { OfacCsvListReader, OfacXmlListReader } from './ofac-sdn.ts';
import { CsvListReader, NdjsonListReader } from './text-lists.ts';
import { UnListReader } from './un-consolidated.ts';

/** The list formats an upload may be in. */
export const LIST_FORMATS = [
  'csv',
  'ndjson',
  'un-xml',
  'eu-fsf-xml',
  'ofac-sdn-csv',
  'ofac-sdn-xml',
] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

/** Formats of the public sanctions lists (their entities are named parties). */
export const PUBLIC_LIST_FORMATS: ReadonlySet<ListFormat> = new Set([
  'un-xml',
  'eu-fsf-xml',
  'ofac-sdn-csv',
  'ofac-sdn-xml',
]);

/** Content types an upload may have. */
export const LIST_CONTENT_TYPES = [
  'text/csv',
  'application/x-ndjson',
  'application/xml',
  'text/xml',
] as const;

/** Characters given to a reader at once (64 K of a sanctions list's XML take about 10 ms to read). */
const PIECE = 64 * 1024;

export function listReader(format: ListFormat): ListReader {
  switch (format) {
    case 'csv':
      return new CsvListReader();
    case 'ndjson':
      return new NdjsonListReader();
    case 'un-xml':
      return new UnListReader();
    case 'eu-fsf-xml':
      return new EuFsfListReader();
    case 'ofac-sdn-csv':
      return new OfacCsvListReader();
    case 'ofac-sdn-xml':
      return new OfacXmlListReader();
  }
}

/** The XML list format a document's root element names, if any. */
export function xmlFormatOfRoot(root: string): ListFormat | undefined {
  switch (root) {
    case 'CONSOLIDATED_LIST':
      return 'un-xml';
    case 'export':
      return 'eu-fsf-xml';
    case 'sdnList':
      return 'ofac-sdn-xml';
    default:
      return undefined;
  }
}

/** The root element's local name from the start of an XML document, once it can be seen. */
function rootOf(head: string): string | undefined {
  const re = /<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/g;
  let at = 0;
  for (;;) {
    // Skip the XML declaration, comments and processing instructions.
    const rest = head.slice(at);
    const skip = /^\s*(<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)/.exec(rest);
    if (skip !== null) {
      at += skip[0].length;
      continue;
    }
    re.lastIndex = at;
    const m = re.exec(head);
    return m?.[2];
  }
}

/**
 * Which format an upload is in: the one named (`format`), else its content type's (CSV, NDJSON), or
 * for XML the one its root element names (`head` is the start of the text).
 */
export function formatOf(named: ListFormat | undefined, contentType: string, head: string): ListFormat {
  if (named !== undefined) {
    return named;
  }
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (type === 'text/csv') {
    return 'csv';
  }
  if (type === 'application/x-ndjson') {
    return 'ndjson';
  }
  const root = rootOf(head.replace(/^\uFEFF/, ''));
  const found = root === undefined ? undefined : xmlFormatOfRoot(root);
  if (found === undefined) {
    throw new VigilError(
      'VIGIL_WATCHLIST_INVALID',
      'the XML upload is not a list format Vigil knows; nothing was stored',
      [
        {
          code: 'VIGIL_WATCHLIST_FORMAT',
          path: root === undefined ? '/' : `/${root}`,
          message: `the root element ${root === undefined ? 'was not found' : `<${root}>`} is not that of the UN consolidated list (<CONSOLIDATED_LIST>), the EU financial sanctions file (<export>) or the OFAC SDN list (<sdnList>); name the format with ?format=`,
        },
      ],
    );
  }
  return found;
}

export interface ReadListOptions {
  readonly format: ListFormat | undefined;
  readonly contentType: string;
  readonly maxBytes: number;
}

export interface ReadList {
  readonly format: ListFormat;
  readonly reader: ListReader;
}

/** Reads `body` with the reader of its format; see the module's comment for limits and pacing. */
export async function readList(
  body: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: ReadListOptions,
): Promise<ReadList> {
  const decoder = new TextDecoder('utf-8');
  let bytes = 0;
  let head = '';
  let reader: ListReader | undefined;
  let format: ListFormat | undefined;
  const feed = async (text: string): Promise<void> => {
    if (reader === undefined) {
      head += text;
      // XML: wait for enough of the start to see the root element.
      if (
        options.format === undefined &&
        !/^(text\/csv|application\/x-ndjson)\b/i.test(options.contentType) &&
        head.length < 65_536 &&
        !/<[A-Za-z_][\w.:-]*[\s/>]/.test(head.replace(/<!--[\s\S]*?-->/g, ''))
      ) {
        return;
      }
      format = formatOf(options.format, options.contentType, head);
      reader = listReader(format);
      text = head.replace(/^\uFEFF/, '');
      head = '';
    }
    for (let i = 0; i < text.length; i += PIECE) {
      reader.write(text.slice(i, i + PIECE));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  for await (const chunk of body) {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (bytes > options.maxBytes) {
      throw new VigilError(
        'VIGIL_BODY_TOO_LARGE',
        `the list is larger than ${options.maxBytes} bytes (VIGIL_WATCHLIST_MAX_BYTES); nothing was stored`,
      );
    }
    if (typeof chunk === 'string') {
      await feed(chunk);
      continue;
    }
    // A body given in one piece (a test's, a proxy's) is decoded piece by piece too.
    for (let i = 0; i < chunk.byteLength; i += 4 * PIECE) {
      await feed(decoder.decode(chunk.subarray(i, i + 4 * PIECE), { stream: true }));
    }
  }
  await feed(decoder.decode());
  if (reader === undefined) {
    format = formatOf(options.format, options.contentType, head);
    reader = listReader(format);
    reader.write(head.replace(/^\uFEFF/, ''));
  }
  reader.end();
  return { format: format!, reader };
}
