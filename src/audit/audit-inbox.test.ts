/**
 * The embedded inbox's files as the chainer meets them: a line a writer has not finished, a batch
 * that grows while it is read, an inbox an older version left world-readable, a line too long to
 * read, and the dead letters a re-read batch must not repeat.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditInbox } from './audit-inbox.ts';

function withInbox(run: (inbox: AuditInbox, dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-inbox-'));
  try {
    run(new AuditInbox(dir), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const event = (subject: string) => ({
  authority: 'NL',
  actor: 'cli:ops',
  action: 'token.issued' as const,
  subject,
  details: { ttlSeconds: 60 },
});

test('a last line without its newline waits for its writer, then is dead-lettered as incomplete', () => {
  withInbox((inbox) => {
    inbox.leave(event('admin:a'));
    appendFileSync(inbox.path, '{"v":1,"id":"half-writ');
    const [file] = inbox.claim();
    const fresh = inbox.read(file!, new Date());
    assert.equal(fresh.lines.length, 1);
    assert.equal(fresh.refused.length, 0);
    assert.equal(fresh.tailPending, true);
    assert.equal(inbox.finish(fresh), false, 'the batch stays for the next round');
    const later = inbox.read(file!, new Date(Date.now() + 60_000));
    assert.equal(later.lines.length, 1, 'the good line again (staging it twice is prevented by its id)');
    assert.deepEqual(
      later.refused.map((r) => r.reason),
      ['incomplete last line (the writer stopped mid-line)'],
    );
    assert.equal(inbox.finish(later), true);
    assert.ok(!existsSync(file!));
  });
});

test('a batch that grew after it was read is not removed', () => {
  withInbox((inbox) => {
    inbox.leave(event('admin:a'));
    const [file] = inbox.claim();
    const batch = inbox.read(file!);
    // A writer that opened the inbox before it was moved aside appends now.
    appendFileSync(file!, `${readFileSync(file!, 'utf8')}`);
    assert.equal(inbox.finish(batch), false);
    assert.ok(existsSync(file!));
  });
});

test('the inbox, its key and the dead letters are private to the instance, even if an older version left it 0644', () => {
  withInbox((inbox, dir) => {
    writeFileSync(inbox.path, '', { mode: 0o644 });
    chmodSync(inbox.path, 0o644);
    inbox.leave(event('admin:a'));
    assert.equal(statSync(inbox.path).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'audit-inbox.key')).mode & 0o777, 0o600);
    inbox.deadLetter('x:1', 'test', 'line');
    assert.equal(statSync(inbox.deadLetterFile).mode & 0o777, 0o600);
  });
});

test('a line too long to be an entry is refused unread; a batch read again adds no dead letter twice', () => {
  withInbox((inbox) => {
    appendFileSync(inbox.path, `${'x'.repeat(70_000)}\n`);
    const [file] = inbox.claim();
    const batch = inbox.read(file!);
    assert.match(batch.refused[0]!.reason, /longer than 65536 bytes/);
    for (let i = 0; i < 3; i++) {
      inbox.deadLetter(batch.refused[0]!.source, batch.refused[0]!.reason, batch.refused[0]!.raw);
    }
    assert.equal(readFileSync(inbox.deadLetterFile, 'utf8').trim().split('\n').length, 1);
    assert.equal(inbox.report().deadLetters, 1);
  });
});

test('moving the inbox aside never replaces a batch: two rounds give two files', () => {
  withInbox((inbox) => {
    inbox.leave(event('admin:a'));
    const first = inbox.claim();
    inbox.leave(event('admin:b'));
    const second = inbox.claim();
    assert.equal(first.length, 1);
    assert.equal(second.length, 2, 'the leftover first, then the new batch');
    assert.equal(second[0], first[0]);
    assert.notEqual(second[1], first[0]);
    assert.equal(inbox.report().pendingLines, 2);
  });
});
