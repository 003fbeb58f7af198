/**
 * `vigil peers key | add CODE --url NATS_URL --public-key FILE [--name NAME] | list [--json] | remove CODE`:
 * the other national nodes this node exchanges RIFs, feedback and shared records with
 * (docs/federation.md). `key` prints this node's public key for the other side's administrator;
 * `add` takes theirs. On the configured database, as the instance's administrator.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AuditLog } from '../audit/index.ts';
import type { VigilConfig } from '../config/index.ts';
import { systemClock } from '../domain/index.ts';
import { RifRepository } from '../cooperation/index.ts';
import { FederationRepository, FederationService } from '../federation/index.ts';
import type { PeerStatus } from '../federation/index.ts';
import { VigilError } from '../errors/index.ts';
import { openDatabase } from '../store/database.ts';
import type { Database } from '../store/database.ts';
import { migrate } from '../store/migrate.ts';
import type { CliIo } from './cli-io.ts';

const USAGE = `usage: vigil peers key
       vigil peers add CODE --url NATS_URL --public-key FILE [--name NAME]
       vigil peers list [--json]
       vigil peers remove CODE`;

export interface PeersCommandOptions {
  /** A database already open (tests); default the configured one. */
  readonly db?: Database | undefined;
}

function describe(p: PeerStatus): string {
  return [
    p.code,
    p.name,
    p.natsUrl,
    `key ${p.keyId}`,
    `queued ${p.pending}`,
    `sent until ${p.nextOutSeq - 1}`,
    `received until ${p.lastInSeq}`,
    p.lastError === null ? '' : `last error: ${p.lastError}`,
  ]
    .filter((x) => x !== '')
    .join('\t');
}

export async function peersCommand(
  config: VigilConfig,
  args: readonly string[],
  io: CliIo,
  options: PeersCommandOptions = {},
): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'key' && action !== 'add' && action !== 'list' && action !== 'remove') {
    io.stderr.write(`vigil peers: ${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      'public-key': { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if ((action === 'add' || action === 'remove') && positionals.length !== 1) {
    io.stderr.write(`vigil peers ${action}: name one peer CODE\n${USAGE}\n`);
    return 2;
  }
  if (action === 'add' && (values.url === undefined || values['public-key'] === undefined)) {
    io.stderr.write(`vigil peers add: give the peer's --url and --public-key FILE\n${USAGE}\n`);
    return 2;
  }
  const db = options.db ?? (await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir }));
  try {
    if (options.db === undefined) {
      await migrate(db);
    }
    const rifs = new RifRepository();
    const federation = new FederationService({
      db,
      repo: new FederationRepository(),
      clock: systemClock,
      identity:
        config.federation.authority === undefined
          ? undefined
          : { authority: config.federation.authority, keyFile: config.federation.keyFile },
      audit: new AuditLog({ clock: systemClock }),
      apply: () => Promise.reject(new Error('the command line does not receive messages')),
      putAuthority: (tx, entry, at) => rifs.putAuthority(tx, { ...entry, kind: 'customs' }, at),
    });
    if (action === 'key') {
      const k = federation.publicKey();
      io.stdout.write(`# ${k.authority}, key ${k.keyId}\n${k.publicKey}`);
    } else if (action === 'add') {
      const peer = await federation.addPeer('admin:cli', {
        code: positionals[0]!,
        natsUrl: values.url!,
        publicKey: readFileSync(values['public-key']!, 'utf8'),
        ...(values.name !== undefined ? { name: values.name } : {}),
      });
      io.stdout.write(`added ${peer.code} (${peer.name}) at ${peer.natsUrl}, key ${peer.keyId}\n`);
    } else if (action === 'remove') {
      const r = await federation.removePeer('admin:cli', positionals[0]!);
      io.stdout.write(`removed ${r.code}; ${r.dropped} queued message(s) dropped\n`);
    } else {
      for (const p of await federation.listPeers()) {
        io.stdout.write(`${values.json ? JSON.stringify(p) : describe(p)}\n`);
      }
    }
    return 0;
  } catch (err) {
    if (err instanceof VigilError) {
      io.stderr.write(`vigil peers ${action}: ${err.code}: ${err.message}\n`);
      for (const d of err.errors ?? []) {
        io.stderr.write(`  ${d.path}: ${d.message}\n`);
      }
      return 1;
    }
    throw err;
  } finally {
    if (options.db === undefined) {
      await db.close();
    }
  }
}
