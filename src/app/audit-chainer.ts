/**
 * The background half of the audit trail: takes in the entries left in the data folder's inbox by
 * processes that could not open the embedded database (`vigil token` while the server runs), moves
 * staged entries into their hash chains in order, and on a schedule signs the chain heads into the
 * checkpoint file (docs/adr/0009-signed-audit-checkpoints.md). Runs in `serve`; stops cleanly, with a
 * last round and a last checkpoint.
 */
import { AuditInbox } from '../audit/index.ts';
import type { AuditEvent, AuditLog, CheckpointRound } from '../audit/index.ts';
import type { Database } from '../store/database.ts';

export { AUDIT_INBOX } from '../audit/index.ts';

export interface AuditChainer {
  /** One round: inbox in, staged entries chained; returns how many were chained. */
  runOnce(): Promise<number>;
  /** Signs the heads that moved since their last checkpoint (also done on the schedule). */
  checkpoint(): Promise<CheckpointRound>;
  stop(): Promise<void>;
}

export interface AuditChainerOptions {
  readonly intervalMs?: number;
  /** The embedded instance's data folder: its inbox is taken in. Leave out for PostgreSQL. */
  readonly dataDir?: string | undefined;
  /** How often chain heads are signed into the checkpoint file (default 5 minutes; 0: only at stop). */
  readonly checkpointIntervalMs?: number | undefined;
  readonly onError?: (err: unknown) => void;
  /** Told about dead-lettered inbox lines and chains a checkpoint refused to sign. */
  readonly onWarning?: (message: string) => void;
}

/**
 * For a process without the database: leaves an authenticated audit entry for the server to take in
 * (one line with an HMAC made with the data folder's inbox key, appended and flushed, mode 0600).
 */
export function leaveInInbox(dataDir: string, event: AuditEvent): void {
  new AuditInbox(dataDir).leave(event);
}

export function startAuditChainer(db: Database, audit: AuditLog, options: AuditChainerOptions): AuditChainer {
  const intervalMs = options.intervalMs ?? 250;
  const checkpointEveryMs = options.checkpointIntervalMs ?? 5 * 60_000;
  const inbox =
    options.dataDir === undefined
      ? undefined
      : audit.inbox?.dir === options.dataDir
        ? audit.inbox
        : new AuditInbox(options.dataDir);
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  // The first round signs the heads found at start (after checking them against the last checkpoint).
  let lastCheckpoint = 0;

  const checkpoint = async (): Promise<CheckpointRound> => {
    lastCheckpoint = Date.now();
    const round = await audit.checkpoint(db);
    for (const c of round.refused) {
      if (!c.ok) {
        options.onWarning?.(
          `audit ${c.authority}: head not signed, the chain no longer extends its last checkpoint (${c.problem} at seq ${c.seq}): ${c.message}`,
        );
      }
    }
    return round;
  };

  const round = async (): Promise<number> => {
    if (inbox !== undefined) {
      const intake = await audit.takeInbox(db, inbox);
      if (intake.deadLettered > 0) {
        options.onWarning?.(
          `audit inbox: ${intake.deadLettered} line(s) refused and dead-lettered in ${inbox.deadLetterFile}`,
        );
      }
    }
    let total = 0;
    for (;;) {
      const n = await audit.chainPending(db);
      total += n;
      if (n < 2000 || stopping) {
        break;
      }
    }
    if (checkpointEveryMs > 0 && Date.now() - lastCheckpoint >= checkpointEveryMs && !stopping) {
      await checkpoint();
    }
    return total;
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
    checkpoint,
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await running;
      // A last round, so what was staged before the stop is chained, and its head signed.
      await round().catch((err: unknown) => options.onError?.(err));
      await checkpoint().catch((err: unknown) => options.onError?.(err));
    },
  };
}
