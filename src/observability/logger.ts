/**
 * The process's JSON logger. Logs leave the authority's control (files, collectors, support
 * tickets), so they carry no personal data: names and addresses of parties are redacted wherever
 * an object that holds them is logged, and a request is logged by its path only, because query
 * strings carry search terms such as a trader's name.
 */
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

/** Keys whose values are names or addresses of people and companies, or whole documents holding them. */
const PERSONAL_KEYS = [
  'name',
  'address',
  'consignor',
  'consignee',
  'notifyParty',
  'declarant',
  'carrier',
  'parties',
  'seller',
  'buyer',
  'importer',
  'body',
  'payload',
];

/** How deep below the logged object a key is redacted (pino's redaction has no "any depth"). */
const REDACT_DEPTH = 6;

function redactPaths(): string[] {
  const paths: string[] = [];
  for (let depth = 0; depth <= REDACT_DEPTH; depth++) {
    const prefix = '*.'.repeat(depth);
    for (const key of PERSONAL_KEYS) {
      paths.push(`${prefix}${key}`);
    }
  }
  return paths;
}

/** The request as a log line shows it: no query string, no headers (tokens), no body. */
function requestForLog(req: { method?: string; url?: string; ip?: string }): Record<string, unknown> {
  const url = typeof req.url === 'string' ? req.url : '';
  const q = url.indexOf('?');
  return {
    method: req.method,
    url: q === -1 ? url : `${url.slice(0, q)}?[redacted]`,
    remoteAddress: req.ip,
  };
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'vigil', pid: process.pid },
    redact: { paths: redactPaths(), censor: '[redacted]' },
    serializers: { req: requestForLog },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
