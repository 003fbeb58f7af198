/**
 * The background half of the audit trail: moves staged entries into their hash chains in order and
 * takes in entries left in the data folder's inbox by processes that could not open the embedded
 * database (`vigil token` while the server runs). Runs in `serve` and `worker`; stops cleanly.
 */
import { appendFileSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditEvent, AuditLog } from '../audit/index.ts';
import type { Database } from '../store/database.ts';

export const AUDIT_INBOX = 'audit-inbox.ndjson';

export interface AuditChainer {
  /** One round: inbox in, staged entries chained; returns how many were chained. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/** For a process without the database: leaves an audit entry for the server to take in. */
export function leaveInInbox(dataDir: string, event: AuditEvent): void {
  appendFileSync(
    join(dataDir, AUDIT_INBOX),
    `${JSON.stringify({ ...event, at: (event.at ?? new Date()).toISOString() })}\n`,
  );
}

export function startAuditChainer(
  db: Database,
  audit: AuditLog,
  options: {
    readonly intervalMs?: number;
    readonly dataDir?: string | undefined;
    readonly onError?: (err: unknown) => void;
  },
): AuditChainer {
  const intervalMs = options.intervalMs ?? 250;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const takeInbox = async (): Promise<void> => {
    if (options.dataDir === undefined) {
      return;
    }
    const inbox = join(options.dataDir, AUDIT_INBOX);
    if (!existsSync(inbox)) {
      return;
    }
    // Renamed first, so lines appended meanwhile go to a fresh inbox and none is read twice.
    const taken = `${inbox}.${process.pid}.taking`;
    renameSync(inbox, taken);
    const events = readFileSync(taken, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const e = JSON.parse(l) as AuditEvent & { at: string };
        return { ...e, at: new Date(e.at) };
      });
    await db.transaction((tx) => audit.stage(tx, events));
    rmSync(taken);
  };

  const round = async (): Promise<number> => {
    await takeInbox();
    let total = 0;
    for (;;) {
      const n = await audit.chainPending(db);
      total += n;
      if (n < 2000 || stopping) {
        return total;
      }
    }
  };

  const loop = (): void => {
    if (stopping) {
      return;
    }
    running = round()
      .catch((err: unknown) => {
        options.onError?.(err);
        return 0;
      })
      .finally(() => {
        if (!stopping) {
          timer = setTimeout(loop, intervalMs);
        }
      });
  };
  timer = setTimeout(loop, intervalMs);

  return {
    runOnce: () => round(),
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await running;
      // A last round, so what was staged before the stop is chained.
      await round().catch((err: unknown) => options.onError?.(err));
    },
  };
}
