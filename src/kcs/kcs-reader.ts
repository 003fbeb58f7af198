// Reads the Korea Customs Service synthetic import-declaration CSV (Jeong et al. 2022) into typed
// rows. The files are plain comma-separated text without quoting (no field holds a comma), so a
// line split is exact and far faster than a general CSV parser; the header is read to map columns
// by name, so a file with reordered or missing label columns (an unlabelled batch) still parses.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface KcsRow {
  readonly id: string;
  /** ISO date, YYYY-MM-DD. */
  readonly date: string;
  /** Days since 1970-01-01 (UTC): the time axis for history features and weekly replay. */
  readonly day: number;
  readonly office: string;
  readonly processType: string;
  readonly importType: string;
  readonly importUse: string;
  readonly paymentType: string;
  readonly transportMode: string;
  readonly declarant: string;
  readonly importer: string;
  readonly seller: string;
  readonly courier: string;
  readonly hs6: string;
  readonly departureCountry: string;
  readonly originCountry: string;
  readonly taxRate: number;
  readonly taxType: string;
  readonly originIndicator: string;
  /** kg; NaN when absent. */
  readonly netMass: number;
  /** KRW; NaN when absent. */
  readonly itemPrice: number;
  /** 1 fraud found, 0 none, NaN when the file carries no label. */
  readonly fraud: number;
  /** 2 threat to public safety, 1 other fraud, 0 none, NaN when absent. */
  readonly criticalFraud: number;
}

const COLUMNS = {
  id: 'Declaration ID',
  date: 'Date',
  office: 'Office ID',
  processType: 'Process Type',
  importType: 'Import Type',
  importUse: 'Import Use',
  paymentType: 'Payment Type',
  transportMode: 'Mode of Transport',
  declarant: 'Declarant ID',
  importer: 'Importer ID',
  seller: 'Seller ID',
  courier: 'Courier ID',
  hs6: 'HS6 Code',
  departureCountry: 'Country of Departure',
  originCountry: 'Country of Origin',
  taxRate: 'Tax Rate',
  taxType: 'Tax Type',
  originIndicator: 'Country of Origin Indicator',
  netMass: 'Net Mass',
  itemPrice: 'Item Price',
  fraud: 'Fraud',
  criticalFraud: 'Critical Fraud',
} as const;

type Field = keyof typeof COLUMNS;
const REQUIRED: readonly Field[] = ['id', 'date'];

export type KcsLineParser = (line: string) => KcsRow;

function toNumber(text: string | undefined): number {
  if (text === undefined || text === '') {
    return Number.NaN;
  }
  return Number(text);
}

/** Days since the epoch for an ISO date; NaN for anything else. */
export function dayNumber(date: string): number {
  const ms = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(ms) ? Number.NaN : Math.round(ms / 86_400_000);
}

/** Builds a line parser from the header line; throws when a required column is missing. */
export function kcsLineParser(header: string): KcsLineParser {
  const names = header
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((s) => s.trim());
  const index = new Map<Field, number>();
  for (const [field, column] of Object.entries(COLUMNS) as [Field, string][]) {
    const at = names.indexOf(column);
    if (at >= 0) {
      index.set(field, at);
    }
  }
  for (const field of REQUIRED) {
    if (!index.has(field)) {
      throw new Error(`KCS header lacks column "${COLUMNS[field]}"`);
    }
  }
  const col = (cells: string[], field: Field): string => {
    const at = index.get(field);
    return at === undefined ? '' : (cells[at] ?? '').trim();
  };
  return (line) => {
    const cells = line.split(',');
    const date = col(cells, 'date');
    return {
      id: col(cells, 'id'),
      date,
      day: dayNumber(date),
      office: col(cells, 'office'),
      processType: col(cells, 'processType'),
      importType: col(cells, 'importType'),
      importUse: col(cells, 'importUse'),
      paymentType: col(cells, 'paymentType'),
      transportMode: col(cells, 'transportMode'),
      declarant: col(cells, 'declarant'),
      importer: col(cells, 'importer'),
      seller: col(cells, 'seller'),
      courier: col(cells, 'courier'),
      hs6: col(cells, 'hs6'),
      departureCountry: col(cells, 'departureCountry'),
      originCountry: col(cells, 'originCountry'),
      taxRate: toNumber(col(cells, 'taxRate')),
      taxType: col(cells, 'taxType'),
      originIndicator: col(cells, 'originIndicator'),
      netMass: toNumber(col(cells, 'netMass')),
      itemPrice: toNumber(col(cells, 'itemPrice')),
      fraud: toNumber(col(cells, 'fraud')),
      criticalFraud: toNumber(col(cells, 'criticalFraud')),
    };
  };
}

/** Parses CSV text already in memory (tests, small batches). */
export function parseKcs(text: string): KcsRow[] {
  const lines = text.split(/\r?\n/);
  const header = lines.shift();
  if (header === undefined || header.trim() === '') {
    return [];
  }
  const parse = kcsLineParser(header);
  return lines.filter((l) => l.trim() !== '').map(parse);
}

/** Streams a KCS CSV file line by line; the whole year fits in memory as rows (~40k). */
export async function readKcsFile(path: string): Promise<KcsRow[]> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let parse: KcsLineParser | undefined;
  const rows: KcsRow[] = [];
  for await (const line of lines) {
    if (parse === undefined) {
      parse = kcsLineParser(line);
    } else if (line.trim() !== '') {
      rows.push(parse(line));
    }
  }
  return rows;
}

/** Reads and concatenates several files (e.g. `train.csv,valid.csv`), in the order given. */
export async function readKcsFiles(paths: readonly string[]): Promise<KcsRow[]> {
  const all: KcsRow[] = [];
  for (const path of paths) {
    all.push(...(await readKcsFile(path)));
  }
  return all;
}
