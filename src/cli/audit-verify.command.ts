/**
 * `vigil audit verify [--authority X] [--anchor X=SEQ:HASH …]`: walks each authority's audit chain
 * and prints one line per chain, either intact with its row count and head (seq and hash, to be
 * recorded outside Vigil as an anchor) or its first broken entry with the reason. Exit code 0 when
 * every chain is intact, 1 when one is broken, 2 for an unreadable --anchor.
 */
import type { Queryable } from '../store/database.ts';
import { AuditLog } from '../audit/audit-log.ts';
import type { AuditAnchor } from '../audit/audit-log.ts';

/** The part of the CLI's io this command uses (stdout for the report, stderr for usage errors). */
export interface AuditVerifyIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

export interface AuditVerifyCommandOptions {
  readonly authority?: string | undefined;
  /** Heads recorded earlier, as `AUTHORITY=SEQ:HASH` (from an earlier run's output). */
  readonly anchors?: readonly string[] | undefined;
  readonly log?: AuditLog | undefined;
}

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
  return result.ok ? 0 : 1;
}
