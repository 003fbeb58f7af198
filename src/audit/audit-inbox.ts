/**
 * The embedded instance's audit inbox: a process that cannot open the embedded database (`vigil token`
 * while the server runs) leaves its audit entries in `audit-inbox.ndjson` of the data folder, and the
 * server's chainer takes them in (docs/adr/0009-signed-audit-checkpoints.md). Every line carries an
 * HMAC made with a key of the data folder (never in the database), so a line written by anyone without
 * that key is refused. Lines are never lost or overwritten: the inbox is moved aside under a new,
 * unique name (link, then unlink: a name that exists is never replaced), files left by an earlier
 * round or a crash are processed first, a line is staged at most once (its id is claimed in the
 * database in the staging transaction), and a line that is malformed, forged or replayed goes to the
 * dead-letter file with the reason, never into the chain.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.ts';
import { AUDIT_ACTIONS } from './audit-actions.ts';
import type { AuditAction } from './audit-actions.ts';
import { appendLineDurably } from './audit-checkpoints.ts';

export const AUDIT_INBOX = 'audit-inbox.ndjson';
export const AUDIT_INBOX_DEAD = 'audit-inbox.dead.ndjson';
export const AUDIT_INBOX_KEY = 'audit-inbox.key';
const BATCH_PREFIX = 'audit-inbox.';
const BATCH_SUFFIX = '.taking';
const VERSION = 1;
/** A longer line is refused unread (an inbox entry is a few hundred bytes). */
const MAX_LINE_BYTES = 64 * 1024;
/** A batch whose last line has no newline yet is left alone this long (a writer may still be at it). */
const TAIL_GRACE_MS = 5_000;

/** What a process leaves in the inbox: an audit event, with its time. */
export interface InboxEvent {
  readonly authority: string;
  readonly actor: string;
  readonly action: AuditAction;
  readonly subject: string;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
  readonly at?: Date | undefined;
}

/** A line that passed every check: to be staged once. */
export interface InboxLine {
  readonly id: string;
  /** `<batch file>:<line number>`: where it was read, so a re-read after a crash is not a replay. */
  readonly source: string;
  /** The line as read (for the dead-letter file, should it turn out to be a replay). */
  readonly raw: string;
  readonly event: {
    readonly authority: string;
    readonly actor: string;
    readonly action: AuditAction;
    readonly subject: string;
    readonly details: Record<string, unknown>;
    readonly at: Date;
  };
}

export interface DeadLetter {
  /** Same line, same place: same key (a re-read after a crash writes the same dead letter again). */
  readonly key: string;
  readonly at: string;
  readonly source: string;
  readonly reason: string;
  /** The authority the line claims, when it can be read. */
  readonly authority?: string | undefined;
  /** The line as found (cut at 2,000 characters). */
  readonly line: string;
}

export interface InboxReport {
  /** Lines written but not yet taken in by the server. */
  readonly pendingLines: number;
  /** Lines refused (distinct), and the last few with their reasons. */
  readonly deadLetters: number;
  readonly recentDeadLetters: readonly DeadLetter[];
  readonly deadLetterFile: string;
}

/** One moved-aside inbox file, read: what to stage, what to refuse, and whether it can go. */
export interface InboxBatch {
  readonly file: string;
  readonly lines: readonly InboxLine[];
  readonly refused: readonly { readonly source: string; readonly reason: string; readonly raw: string }[];
  /** Bytes read (whole lines only); the batch is removed only if the file is still this long. */
  readonly size: number;
  /** Whether a last line without newline was left for a later round. */
  readonly tailPending: boolean;
}

const AUTHORITY = /^[A-Z][A-Z0-9]{1,7}$/;
const eventSchema = z.strictObject({
  authority: z.string().regex(AUTHORITY, 'an authority code (2–8 capitals or digits)'),
  actor: z.string().min(1).max(200),
  action: z.enum(AUDIT_ACTIONS),
  subject: z.string().min(1).max(500),
  details: z.record(z.string(), z.unknown()).default({}),
  at: z.iso.datetime({ offset: true }),
});
const lineSchema = z.strictObject({
  v: z.literal(VERSION),
  id: z.uuid(),
  event: z.unknown(),
  mac: z.string().regex(/^[0-9a-f]{64}$/),
});

function macOf(key: Uint8Array, id: string, event: unknown): string {
  return createHmac('sha256', key)
    .update(canonicalJson({ v: VERSION, id, event }), 'utf8')
    .digest('hex');
}

function keyOf(source: string, raw: string): string {
  return createHash('sha256').update(source).update('\n').update(raw).digest('hex').slice(0, 32);
}

export class AuditInbox {
  readonly dir: string;
  readonly path: string;
  readonly deadLetterFile: string;
  readonly #keyFile: string;
  /** Dead letters this process wrote: a batch read again (it grew, or its tail was pending) adds none twice. */
  readonly #lettered = new Set<string>();

  constructor(dataDir: string) {
    this.dir = dataDir;
    this.path = join(dataDir, AUDIT_INBOX);
    this.deadLetterFile = join(dataDir, AUDIT_INBOX_DEAD);
    this.#keyFile = join(dataDir, AUDIT_INBOX_KEY);
  }

  /** The instance's inbox key, created on first use (mode 0600; never replaced). */
  #key(): Uint8Array {
    mkdirSync(this.dir, { recursive: true });
    try {
      writeFileSync(this.#keyFile, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw err;
      }
    }
    const hex = readFileSync(this.#keyFile, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(hex)) {
      throw new Error(`${this.#keyFile} is not an audit inbox key (64 hex digits)`);
    }
    return Buffer.from(hex, 'hex');
  }

  /** Leaves an entry for the server: one authenticated line, appended and flushed. */
  leave(event: InboxEvent): void {
    const content = {
      authority: event.authority,
      actor: event.actor,
      action: event.action,
      subject: event.subject,
      details: JSON.parse(canonicalJson(event.details ?? {})) as unknown,
      at: (event.at ?? new Date()).toISOString(),
    };
    const id = randomUUID();
    appendLineDurably(
      this.path,
      JSON.stringify({ v: VERSION, id, event: content, mac: macOf(this.#key(), id, content) }),
    );
  }

  /** Batch files left by an earlier round or a crash, oldest first. */
  #leftovers(): string[] {
    if (!existsSync(this.dir)) {
      return [];
    }
    return readdirSync(this.dir)
      .filter((f) => f.startsWith(BATCH_PREFIX) && f.endsWith(BATCH_SUFFIX))
      .sort()
      .map((f) => join(this.dir, f));
  }

  /**
   * The files to process this round: leftovers first, then the current inbox moved aside. The move
   * is a hard link to a fresh unique name and then an unlink: `link` fails rather than replace a
   * file, so no batch is ever overwritten, and a writer appending meanwhile still writes into the
   * same file (the batch).
   */
  claim(): string[] {
    const files = this.#leftovers();
    if (existsSync(this.path)) {
      const name = `${BATCH_PREFIX}${String(Date.now()).padStart(15, '0')}-${process.pid}-${randomBytes(4).toString('hex')}${BATCH_SUFFIX}`;
      const batch = join(this.dir, name);
      try {
        linkSync(this.path, batch);
        unlinkSync(this.path);
        chmodSync(batch, 0o600);
        files.push(batch);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw err;
        }
      }
    }
    return files;
  }

  /** Reads and checks every whole line of a batch file. */
  read(file: string, now: Date = new Date()): InboxBatch {
    const name = file.slice(this.dir.length + 1);
    const buf = readFileSync(file);
    const lastNewline = buf.lastIndexOf(0x0a);
    const whole = lastNewline < 0 ? Buffer.alloc(0) : buf.subarray(0, lastNewline + 1);
    let tail = buf.subarray(whole.length).toString('utf8');
    let tailPending = false;
    if (tail !== '' && now.getTime() - statSync(file).mtimeMs < TAIL_GRACE_MS) {
      // A writer may be half-way through its line: leave it for the next round.
      tailPending = true;
      tail = '';
    }
    const texts = whole.toString('utf8').split('\n').slice(0, -1);
    if (tail !== '') {
      texts.push(tail);
    }
    const key = this.#key();
    const lines: InboxLine[] = [];
    const refused: { source: string; reason: string; raw: string }[] = [];
    texts.forEach((raw, i) => {
      if (raw.trim() === '') {
        return;
      }
      const source = `${name}:${i + 1}`;
      const checked = checkLine(raw, key, tail !== '' && i === texts.length - 1);
      if (checked.ok) {
        lines.push({ id: checked.id, source, raw, event: checked.event });
      } else {
        refused.push({ source, reason: checked.reason, raw });
      }
    });
    return { file, lines, refused, size: tailPending ? whole.length : buf.length, tailPending };
  }

  /** Writes a refused line to the dead-letter file (flushed), with why it was refused. */
  deadLetter(source: string, reason: string, raw: string, at: Date = new Date()): void {
    let authority: string | undefined;
    try {
      const parsed = JSON.parse(raw) as { event?: { authority?: unknown }; authority?: unknown };
      const claimed = parsed.event?.authority ?? parsed.authority;
      authority = typeof claimed === 'string' ? claimed.slice(0, 16) : undefined;
    } catch {
      authority = undefined;
    }
    const key = keyOf(source, raw);
    if (this.#lettered.has(key)) {
      return;
    }
    const letter: DeadLetter = {
      key,
      at: at.toISOString(),
      source,
      reason,
      ...(authority !== undefined ? { authority } : {}),
      line: raw.slice(0, 2000),
    };
    appendLineDurably(this.deadLetterFile, JSON.stringify(letter));
    this.#lettered.add(key);
  }

  /** Removes a batch once all of it is staged or dead-lettered, unless it grew meanwhile. */
  finish(batch: InboxBatch): boolean {
    if (batch.tailPending || statSync(batch.file).size !== batch.size) {
      return false;
    }
    unlinkSync(batch.file);
    return true;
  }

  /** What waits in the inbox and what was refused, optionally for one authority only. */
  report(authority?: string): InboxReport {
    let pendingLines = 0;
    const files = [...this.#leftovers(), ...(existsSync(this.path) ? [this.path] : [])];
    for (const f of files) {
      try {
        for (const raw of readFileSync(f, 'utf8').split('\n')) {
          if (raw.trim() !== '' && (authority === undefined || claimedAuthority(raw) === authority)) {
            pendingLines += 1;
          }
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw err;
        }
      }
    }
    const letters = new Map<string, DeadLetter>();
    if (existsSync(this.deadLetterFile)) {
      for (const raw of readFileSync(this.deadLetterFile, 'utf8').split('\n')) {
        if (raw.trim() === '') {
          continue;
        }
        try {
          const d = JSON.parse(raw) as DeadLetter;
          if (authority === undefined || d.authority === authority) {
            letters.set(d.key, d);
          }
        } catch {
          letters.set(`unreadable:${raw}`, {
            key: 'unreadable',
            at: '',
            source: this.deadLetterFile,
            reason: 'unreadable dead letter',
            line: raw.slice(0, 200),
          });
        }
      }
    }
    const all = [...letters.values()];
    return {
      pendingLines,
      deadLetters: all.length,
      recentDeadLetters: all.slice(-10),
      deadLetterFile: this.deadLetterFile,
    };
  }
}

function claimedAuthority(raw: string): string | undefined {
  try {
    const a = (JSON.parse(raw) as { event?: { authority?: unknown } }).event?.authority;
    return typeof a === 'string' ? a : undefined;
  } catch {
    return undefined;
  }
}

type Checked = { ok: true; id: string; event: InboxLine['event'] } | { ok: false; reason: string };

function checkLine(raw: string, key: Uint8Array, unterminated: boolean): Checked {
  if (Buffer.byteLength(raw, 'utf8') > MAX_LINE_BYTES) {
    return { ok: false, reason: `line longer than ${MAX_LINE_BYTES} bytes` };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return {
      ok: false,
      reason: unterminated ? 'incomplete last line (the writer stopped mid-line)' : 'not JSON',
    };
  }
  const line = lineSchema.safeParse(json);
  if (!line.success) {
    const missingMac = json !== null && typeof json === 'object' && !Array.isArray(json) && !('mac' in json);
    return {
      ok: false,
      reason: missingMac
        ? 'no HMAC: not written by this instance (or by a version before signed inbox lines)'
        : `not an inbox line: ${line.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ')}`,
    };
  }
  const expected = Buffer.from(macOf(key, line.data.id, line.data.event), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(line.data.mac, 'hex'))) {
    return { ok: false, reason: 'HMAC does not match: forged or altered line' };
  }
  const event = eventSchema.safeParse(line.data.event);
  if (!event.success) {
    return {
      ok: false,
      reason: `invalid event: ${event.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ')}`,
    };
  }
  const e = event.data;
  return {
    ok: true,
    id: line.data.id,
    event: {
      authority: e.authority,
      actor: e.actor,
      action: e.action,
      subject: e.subject,
      details: e.details,
      at: new Date(e.at),
    },
  };
}
