/**
 * `vigil keys …`: API keys for filers' systems, as an authority's admin manages them.
 *   vigil keys create --filer F --eori E [--eori …] --expires DATE | --days N
 *                     [--name TEXT] [--description TEXT] [--role R] [--rate-limit N]
 *   vigil keys list [--filer F] [--json] | keys show ID [--json]
 *   vigil keys rotate ID [--overlap SECONDS] | keys revoke ID [--reason TEXT]
 * Directly on the database with --authority X (as `cli:$USER`, an admin of X), or through a running
 * server with --url U --token T (the admin's own token; the embedded database admits one process).
 * `create` and `rotate` print only the new key on stdout, so a script can capture it; it is shown
 * this once. (The token-signing keyring is `vigil signing-keys`.)
 */
import { parseArgs } from 'node:util';
import { ApiKeyRepository, ApiKeyService } from '../api-keys/index.ts';
import type { ApiKeyView } from '../api-keys/index.ts';
import { AuditLog } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import type { VigilConfig } from '../config/index.ts';
import { systemClock } from '../domain/index.ts';
import { ERROR_CATALOGUE, VigilError } from '../errors/index.ts';
import type { ErrorCode, FieldError } from '../errors/index.ts';
import { openServiceDatabase } from '../store/migrate.ts';
import { apiClient } from './api-client.ts';
import type { CliIo } from './cli-io.ts';

const USAGE =
  'usage: vigil keys create --filer F --eori E --expires DATE|--days N | list | show ID | rotate ID [--overlap S] | revoke ID [--reason T], with --authority X (on the database) or --url U --token T (the token-signing keyring is vigil signing-keys)';

interface Issued {
  readonly key: ApiKeyView;
  readonly secret: string;
  readonly previousRetiresAt?: string;
}

/** What the command does with keys, on the database or through a server. */
interface KeysBackend {
  create(body: unknown): Promise<Issued>;
  list(query: Record<string, string>): Promise<ApiKeyView[]>;
  get(id: string): Promise<ApiKeyView>;
  rotate(id: string, body: unknown): Promise<Issued>;
  revoke(id: string, body: unknown): Promise<ApiKeyView>;
  close(): Promise<void>;
}

async function onDatabase(config: VigilConfig, authority: string, user: string): Promise<KeysBackend> {
  const db = await openServiceDatabase({
    url: config.databaseUrl,
    ownerUrl: config.migrationDatabaseUrl,
    dataDir: config.dataDir,
    poolSize: 1,
  });
  const keys = new ApiKeyService({
    db,
    repo: new ApiKeyRepository(),
    clock: systemClock,
    audit: new AuditLog(),
  });
  const admin: Actor = { authority, role: 'admin', subject: `cli:${user}` };
  return {
    create: (body) => keys.create(admin, body),
    list: (query) => keys.list(admin, query),
    get: (id) => keys.get(admin, id),
    rotate: (id, body) => keys.rotate(admin, id, body),
    revoke: (id, body) => keys.revoke(admin, id, body),
    close: () => db.close(),
  };
}

function throughServer(url: string, token: string | undefined): KeysBackend {
  const api = apiClient(url, token);
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await api(method, path, body);
    if (r.status >= 400) {
      const p = (r.json ?? {}) as { code?: string; detail?: string; errors?: FieldError[] };
      throw new VigilError(
        p.code !== undefined && p.code in ERROR_CATALOGUE ? (p.code as ErrorCode) : 'VIGIL_BAD_REQUEST',
        p.detail ?? `the server answered ${r.status}: ${r.text.slice(0, 200)}`,
        p.errors,
      );
    }
    return r.json as T;
  };
  const id = (k: string): string => encodeURIComponent(k);
  return {
    create: (body) => call('POST', '/api-keys', body),
    list: async (query) =>
      (await call<{ items: ApiKeyView[] }>('GET', `/api-keys?${new URLSearchParams(query).toString()}`))
        .items,
    get: (k) => call('GET', `/api-keys/${id(k)}`),
    rotate: (k, body) => call('POST', `/api-keys/${id(k)}/rotate`, body),
    revoke: (k, body) => call('DELETE', `/api-keys/${id(k)}`, body),
    close: () => Promise.resolve(),
  };
}

function usage(detail?: string): never {
  throw new VigilError('VIGIL_BAD_REQUEST', detail === undefined ? USAGE : `${detail}; ${USAGE}`);
}

function whole(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!/^\d+$/.test(value)) {
    usage(`${flag} is a whole number, not '${value}'`);
  }
  return Number(value);
}

function describeKey(k: ApiKeyView): string {
  const used = k.lastUsedAt ?? 'never';
  return `${k.id}  vgk_${k.prefix}…  ${k.filer}  ${k.role}  ${k.eoris.join(',') || '-'}  ${k.status}  expires ${k.expiresAt}  last used ${used}  ${k.name}`;
}

export async function apiKeysCommand(config: VigilConfig, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      authority: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
      json: { type: 'boolean', default: false },
      filer: { type: 'string' },
      eori: { type: 'string', multiple: true },
      role: { type: 'string' },
      name: { type: 'string' },
      description: { type: 'string' },
      expires: { type: 'string' },
      days: { type: 'string' },
      'rate-limit': { type: 'string' },
      overlap: { type: 'string' },
      reason: { type: 'string' },
    },
  });
  const [sub, id] = positionals;
  if (!['create', 'list', 'show', 'rotate', 'revoke'].includes(sub ?? '')) {
    usage(sub === undefined ? undefined : `no keys command '${sub}'`);
  }
  if (['show', 'rotate', 'revoke'].includes(sub!) && id === undefined) {
    usage(`keys ${sub!} needs the key's id (vigil keys list shows them)`);
  }
  if (values.url === undefined && values.authority === undefined) {
    usage('say whose keys: --authority X (on the database) or --url U --token T (through a running server)');
  }
  const backend =
    values.url !== undefined
      ? throughServer(values.url, values.token ?? io.env['VIGIL_TOKEN'])
      : await onDatabase(config, values.authority!.toUpperCase(), io.env['USER'] ?? 'unknown');
  const out = (line: string): void => void io.stdout.write(`${line}\n`);
  const err = (line: string): void => void io.stderr.write(`${line}\n`);
  try {
    switch (sub) {
      case 'create': {
        if ((values.expires === undefined) === (values.days === undefined)) {
          usage('keys create needs --expires DATE or --days N (at most 365)');
        }
        const days = whole(values.days, '--days');
        const expiresAt =
          days !== undefined ? new Date(Date.now() + days * 86_400_000).toISOString() : values.expires;
        const { key, secret } = await backend.create({
          name: values.name ?? `${values.filer ?? 'filer'}'s system`,
          ...(values.description !== undefined ? { description: values.description } : {}),
          filer: values.filer,
          ...(values.role !== undefined ? { role: values.role } : {}),
          ...(values.eori !== undefined ? { eoris: values.eori } : {}),
          expiresAt,
          ...(values['rate-limit'] !== undefined
            ? { rateLimitPerMinute: whole(values['rate-limit'], '--rate-limit') }
            : {}),
        });
        out(secret);
        err(`created ${describeKey(key)}`);
        err('the key above is shown this once: store it in the filer system’s secret store now');
        return 0;
      }
      case 'list': {
        const keys = await backend.list(values.filer !== undefined ? { filer: values.filer } : {});
        if (values.json) {
          out(JSON.stringify(keys, null, 2));
        } else {
          keys.forEach((k) => out(describeKey(k)));
          if (keys.length === 0) {
            err('no API keys');
          }
        }
        return 0;
      }
      case 'show': {
        const key = await backend.get(id!);
        out(values.json ? JSON.stringify(key, null, 2) : describeKey(key));
        return 0;
      }
      case 'rotate': {
        const overlap = whole(values.overlap, '--overlap');
        const r = await backend.rotate(id!, overlap !== undefined ? { overlapSeconds: overlap } : {});
        out(r.secret);
        err(
          `rotated ${r.key.id}: the new key above is shown this once; the old one works until ${r.previousRetiresAt ?? '?'}`,
        );
        return 0;
      }
      case 'revoke': {
        const key = await backend.revoke(id!, values.reason !== undefined ? { reason: values.reason } : {});
        out(key.id);
        err(`revoked ${key.id} (vgk_${key.prefix}…): refused from the next request on`);
        return 0;
      }
      case undefined:
      default:
        return usage();
    }
  } catch (e) {
    // A refusal names every problem, one per line, and ends the command with 1.
    if (e instanceof VigilError) {
      err(`vigil keys ${sub!}: ${e.message}`);
      (e.errors ?? []).forEach((f) => err(`  ${f.path}: ${f.message}`));
      return 1;
    }
    throw e;
  } finally {
    await backend.close();
  }
}
