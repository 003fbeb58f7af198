/**
 * Which webhook URLs Vigil calls (server-side request forgery guard): https only, unless the
 * configuration allows plain http or the host is the machine itself; no address on a private, loopback
 * or link-local network unless the configuration allows it. Checked when an endpoint is registered
 * (literal addresses and what the name resolves to) and again on every connection (`guardedLookup`),
 * so a name that later resolves to an internal address is refused too.
 */
import { BlockList, isIP } from 'node:net';
import { lookup } from 'node:dns';
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import { VigilError } from '../errors/index.ts';

export interface WebhookUrlPolicy {
  /** Plain http to any host (otherwise only to the machine itself). */
  readonly allowHttp: boolean;
  /** Loopback, private, link-local and other non-public addresses. */
  readonly allowPrivate: boolean;
}

const MAX_URL_LENGTH = 2048;

/** Address ranges that are not the public internet (RFC 6890 and its IPv6 counterparts). */
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

/** Is `address` (an IP literal) outside the public internet? IPv4-mapped IPv6 counts as its IPv4. */
export function isNonPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped !== null) {
    return NOT_PUBLIC.check(mapped[1]!, 'ipv4');
  }
  const family = isIP(bare);
  if (family === 0) {
    return false;
  }
  return NOT_PUBLIC.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    bare === 'localhost' ||
    bare.endsWith('.localhost') ||
    bare === '::1' ||
    (isIP(bare) === 4 && bare.startsWith('127.'))
  );
}

function refusePrivate(url: string, what: string): never {
  throw new VigilError(
    'VIGIL_WEBHOOK_URL_PRIVATE',
    `webhook URL ${url}: ${what} is not on the public internet; this server calls only public addresses (VIGIL_WEBHOOK_ALLOW_PRIVATE=true allows others)`,
    [{ code: 'VIGIL_WEBHOOK_URL_PRIVATE', path: '$.url', message: `${what} is not a public address` }],
  );
}

/**
 * Checks a URL a filer registers; returns it normalised. Throws VIGIL_WEBHOOK_URL_INVALID,
 * VIGIL_WEBHOOK_URL_INSECURE or VIGIL_WEBHOOK_URL_PRIVATE.
 */
export async function checkWebhookUrl(raw: string, policy: WebhookUrlPolicy): Promise<string> {
  const invalid = (why: string): never => {
    throw new VigilError('VIGIL_WEBHOOK_URL_INVALID', `webhook URL ${JSON.stringify(raw)}: ${why}`, [
      { code: 'VIGIL_WEBHOOK_URL_INVALID', path: '$.url', message: why },
    ]);
  };
  if (raw.length > MAX_URL_LENGTH) {
    invalid(`longer than ${MAX_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return invalid('not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    invalid(`scheme ${url.protocol} is not https`);
  }
  if (url.username !== '' || url.password !== '') {
    invalid('credentials in the URL are not accepted (the signature authenticates Vigil)');
  }
  if (url.hash !== '') {
    invalid('a fragment (#…) is not sent to a server');
  }
  const host = url.hostname;
  if (url.protocol === 'http:' && !policy.allowHttp && !isLoopbackHost(host)) {
    throw new VigilError(
      'VIGIL_WEBHOOK_URL_INSECURE',
      `webhook URL ${url.href}: use https (plain http is accepted only for this machine, or with VIGIL_WEBHOOK_ALLOW_HTTP=true)`,
      [{ code: 'VIGIL_WEBHOOK_URL_INSECURE', path: '$.url', message: 'the scheme must be https' }],
    );
  }
  if (!policy.allowPrivate) {
    if (isLoopbackHost(host) || isNonPublicAddress(host)) {
      refusePrivate(url.href, `host ${host}`);
    }
    if (isIP(host.replace(/^\[|\]$/g, '')) === 0) {
      // A name that resolves now to an internal address is refused now; one that cannot be resolved
      // yet is accepted (the connection is checked again on every delivery).
      const addresses = await new Promise<LookupAddress[]>((resolve) => {
        lookup(host, { all: true }, (err, list) => resolve(err === null ? list : []));
      });
      const inside = addresses.find((a) => isNonPublicAddress(a.address));
      if (inside !== undefined) {
        refusePrivate(url.href, `host ${host} (${inside.address})`);
      }
    }
  }
  return url.href;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http(s).request that refuses to connect to non-public addresses unless allowed:
 * what a name resolves to at delivery time is what counts (a DNS answer may change after registration).
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err !== null) {
        callback(err, []);
        return;
      }
      const usable = allowPrivate ? addresses : addresses.filter((a) => !isNonPublicAddress(a.address));
      if (usable.length === 0) {
        const refused = Object.assign(
          new Error(`${hostname} resolves only to non-public addresses; not connecting`),
          { code: 'EADDRNOTPUBLIC' },
        );
        callback(refused, []);
        return;
      }
      if ((options as LookupAllOptions).all === true) {
        callback(null, usable);
      } else {
        callback(null, usable[0]!.address, usable[0]!.family);
      }
    });
  };
}
