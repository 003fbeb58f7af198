/**
 * `vigil audit verify [--authority X] [--anchor X=SEQ:HASH …] [--checkpoints FILE] [--public-key FILE …]`:
 * walks each authority's audit chain and prints one line per chain, either intact with its row count
 * and head (seq and hash) or its first broken entry with the reason. Each chain must still hold every
 * signed checkpoint of the checkpoint file (a consistent rewrite in the database is caught there) and
 * every anchor given; the embedded inbox's waiting and refused lines are reported. Exit code 0 when
 * every chain is intact, 1 when one is broken or a checkpoint is not validly signed, 2 for a usage error.
 * Also `vigil audit public-key` (the key that signs checkpoints, for auditors) and `vigil audit
 * checkpoint` (sign the current heads now, e.g. from cron on a PostgreSQL deployment).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { VigilConfig } from '../config/index.ts';
import type { Queryable } from '../store/database.ts';
import { openServiceDatabase } from '../store/migrate.ts';
import { AuditLog } from '../audit/audit-log.ts';
import type { AuditAnchor, AuditVerification } from '../audit/audit-log.ts';
import { AuditCheckpoints } from '../audit/audit-checkpoints.ts';
import { AuditInbox } from '../audit/audit-inbox.ts';
import { apiClient } from './api-client.ts';

/** The part of the CLI's io this command uses (stdout for the report, stderr for usage errors). */
export interface AuditVerifyIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

export interface AuditVerifyCommandOptions {
  readonly authority?: string | undefined;
  /** Heads recorded earlier, as `AUTHORITY=SEQ:HASH` (from an earlier run's output). */
  readonly anchors?: readonly string[] | undefined;
  /** The log to verify with; give it checkpoints and an inbox to have them checked and reported. */
  readonly log?: AuditLog | undefined;
}

const USAGE =
  'usage: vigil audit verify [--authority X] [--anchor X=SEQ:HASH] [--checkpoints FILE] [--public-key FILE] [--url U --token T]\n' +
  '       vigil audit public-key | vigil audit checkpoint';

export async function runAuditVerify(
  db: Queryable,
  io: AuditVerifyIo,
  opts: AuditVerifyCommandOptions = {},
): Promise<number> {
  const anchors: Record<string, AuditAnchor> = {};
  for (const text of opts.anchors ?? []) {
    const m = /^([^=]+)=(\d+):([0-9a-f]{64})$/.exec(text);
    if (m === null) {
      io.stderr.write(`audit: cannot read anchor '${text}' (expected AUTHORITY=SEQ:HASH)\n`);
      return 2;
    }
    anchors[m[1]!] = { seq: Number(m[2]), hash: m[3]! };
  }
  const log = opts.log ?? new AuditLog();
  const result = await log.verify(db, { authority: opts.authority, anchors });
  const pending = await log.pendingCounts(db);
  if (result.chains.length === 0) {
    io.stdout.write(
      opts.authority !== undefined ? `audit ${opts.authority}: no entries\n` : 'audit: no entries\n',
    );
  }
  for (const [authority, waiting] of pending) {
    if (
      waiting > 0 &&
      !result.chains.some((c) => c.authority === authority) &&
      (opts.authority === undefined || opts.authority === authority)
    ) {
      io.stdout.write(`audit ${authority}: ${waiting} staged, not yet chained (serve chains them)\n`);
    }
  }
  for (const c of result.chains) {
    if (c.ok) {
      const headText = c.head === undefined ? '' : `, head ${c.authority}=${c.head.seq}:${c.head.hash}`;
      const waiting = pending.get(c.authority) ?? 0;
      io.stdout.write(
        `audit ${c.authority}: ok, ${c.rows} ${c.rows === 1 ? 'entry' : 'entries'}${headText}${waiting > 0 ? ` (${waiting} staged, not yet chained)` : ''}\n`,
      );
    } else {
      io.stdout.write(`audit ${c.authority}: BROKEN at seq ${c.seq} (${c.problem}): ${c.message}\n`);
    }
  }
  writeExtras(io, result);
  return result.ok ? 0 : 1;
}

function writeExtras(io: AuditVerifyIo, result: AuditVerification): void {
  const cp = result.checkpoints;
  if (cp !== undefined) {
    const latest = cp.latest.map((c) => `${c.authority}=${c.seq} at ${c.at}`).join(', ');
    io.stdout.write(
      `audit checkpoints: ${cp.checked} signed checkpoint(s) in ${cp.file} checked against the chains${latest !== '' ? `; latest ${latest}` : ''}\n`,
    );
    for (const p of cp.problems) {
      io.stdout.write(`audit checkpoints: INVALID line ${p.line} of ${cp.file}: ${p.message}\n`);
    }
  }
  const inbox = result.inbox;
  if (inbox !== undefined) {
    io.stdout.write(
      `audit inbox: ${inbox.pendingLines} line(s) waiting to be taken in, ${inbox.deadLetters} refused${inbox.deadLetters > 0 ? ` (dead letters in ${inbox.deadLetterFile}, never chained)` : ''}\n`,
    );
    for (const d of inbox.recentDeadLetters) {
      io.stdout.write(
        `audit inbox: refused ${d.source}${d.authority !== undefined ? ` (claims ${d.authority})` : ''}: ${d.reason}\n`,
      );
    }
  }
}

/** The audit log of this instance's files: checkpoints (signing key or given public keys) and inbox. */
export function auditLogFor(
  config: VigilConfig,
  o: { readonly checkpoints?: string | undefined; readonly publicKeys?: readonly string[] | undefined } = {},
): AuditLog {
  const publicKeys = (o.publicKeys ?? []).map((f) => readFileSync(f, 'utf8'));
  return new AuditLog({
    checkpoints: new AuditCheckpoints({
      file: o.checkpoints ?? config.audit.checkpointFile,
      // With public keys given, verify with those only: an auditor's machine holds no private key.
      ...(publicKeys.length > 0 ? { publicKeys } : { keyFile: config.audit.signingKeyFile }),
    }),
    inbox: config.databaseUrl === undefined ? new AuditInbox(config.dataDir) : undefined,
  });
}

/** `vigil audit …`: dispatches the subcommands. */
export async function runAuditCommand(
  config: VigilConfig,
  args: readonly string[],
  io: AuditVerifyIo & { readonly env: Readonly<Record<string, string | undefined>> },
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'public-key') {
    io.stdout.write(auditLogFor(config).checkpoints!.publicKeyPem());
    return 0;
  }
  if (sub !== 'verify' && sub !== 'checkpoint') {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const { values } = parseArgs({
    args: [...rest],
    options: {
      authority: { type: 'string' },
      anchor: { type: 'string', multiple: true },
      checkpoints: { type: 'string' },
      'public-key': { type: 'string', multiple: true },
      url: { type: 'string' },
      token: { type: 'string' },
    },
  });
  if (sub === 'verify' && values.url !== undefined) {
    // Through a running server: the chain of the token's authority, with its checkpoints and inbox.
    const r = await apiClient(values.url, values.token ?? io.env['VIGIL_TOKEN'])('GET', '/audit/verify');
    io.stdout.write(`${JSON.stringify(r.json)}\n`);
    return r.status >= 400 ? 2 : (r.json as { ok?: boolean }).ok === true ? 0 : 1;
  }
  const log = auditLogFor(config, { checkpoints: values.checkpoints, publicKeys: values['public-key'] });
  // Migrated as the owner, then run as vigil_service (it reads every authority's chain, changes none).
  const db = await openServiceDatabase({
    url: config.databaseUrl,
    ownerUrl: config.migrationDatabaseUrl,
    dataDir: config.dataDir,
  });
  try {
    if (sub === 'checkpoint') {
      const round = await log.checkpoint(db);
      for (const c of round.written) {
        io.stdout.write(
          `audit ${c.authority}: checkpoint ${c.authority}=${c.seq}:${c.hash} signed (${c.keyId})\n`,
        );
      }
      for (const c of round.refused) {
        if (!c.ok) {
          io.stdout.write(`audit ${c.authority}: NOT signed, ${c.problem} at seq ${c.seq}: ${c.message}\n`);
        }
      }
      return round.refused.length > 0 ? 1 : 0;
    }
    return await runAuditVerify(db, io, {
      authority: values.authority,
      anchors: values.anchor,
      log,
    });
  } finally {
    await db.close();
  }
}
