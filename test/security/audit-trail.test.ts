/**
 * Issue 15, finding 8: the audit trail had holes and could be forged. Each test is the attack as it
 * was reproduced, on PGlite and on PostgreSQL, asserting the fixed behaviour:
 * - a line appended to the embedded inbox for another authority (no HMAC, a forged HMAC, a legitimate
 *   line edited) is refused, dead-lettered with the reason, never chained, and `verify` reports it;
 * - a malformed line loses nothing: the legitimate entries around it, and those written after it, are
 *   chained; a batch left by a crash is processed first and never staged twice; a replayed line is refused;
 * - a consistent rewrite of a chain by the database owner passes the plain hash chain but is caught by
 *   the signed checkpoint (verify, GET /v1/audit/verify and `vigil audit verify`), and no later
 *   checkpoint signs the rewritten chain;
 * - an auditor reads the trail through GET /v1/audit, paged and filtered; a filer, officer or analyst
 *   cannot, nor an auditor of another authority;
 * - replacing or emptying a watchlist (whole, or entry by entry), and reading an import declaration's
 *   parties, are audited.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { h1Body } from '../import-declarations/imports-harness.ts';
import { AUDIT_INBOX, leaveInInbox, startAuditChainer } from '../../src/app/audit-chainer.ts';
import type { AuditChainer } from '../../src/app/audit-chainer.ts';
import { AuditLog, auditHash, canonicalJson } from '../../src/audit/index.ts';
import type { AuditVerification } from '../../src/audit/index.ts';
import { runAuditVerify } from '../../src/cli/audit-verify.command.ts';

const mode = (path: string): number => statSync(path).mode & 0o777;

forEachDatabase('audit trail (issue 15, finding 8)', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};
  const send = sender(app, tok);
  let chainer: AuditChainer;

  before(async () => {
    t = await startTestApp(target);
    // The server's chainer, driven round by round here (no timer fires during the tests).
    chainer = startAuditChainer(app().deps.db, app().deps.audit, {
      dataDir: app().dataDir,
      intervalMs: 3_600_000,
      checkpointIntervalMs: 0,
    });
    for (const [name, authority, role] of [
      ['auditor', 'NL', 'auditor'],
      ['admin', 'NL', 'admin'],
      ['analyst', 'NL', 'analyst'],
      ['officer', 'NL', 'officer'],
      ['filer', 'NL', 'filer'],
      ['be-auditor', 'BE', 'auditor'],
      ['de-auditor', 'DE', 'auditor'],
      ['fr-auditor', 'FR', 'auditor'],
    ] as const) {
      tok[name] = await app().token(authority, role, name);
    }
  });
  after(async () => {
    await chainer.stop();
  });

  const inbox = () => join(app().dataDir, AUDIT_INBOX);
  const deadLetters = () => join(app().dataDir, 'audit-inbox.dead.ndjson');
  const chained = async (authority: string, subject?: string) =>
    (
      await app().deps.db.query<{ seq: number; action: string; subject: string; actor: string }>(
        `SELECT seq, action, subject, actor FROM audit_log WHERE authority = $1 ${subject !== undefined ? 'AND subject = $2' : ''} ORDER BY seq`,
        subject !== undefined ? [authority, subject] : [authority],
      )
    ).rows;
  const tokenIssued = (authority: string, subject: string) => ({
    authority,
    actor: 'cli:ops',
    action: 'token.issued' as const,
    subject,
    details: { role: subject.split(':')[0], ttlSeconds: 3600 },
  });

  test('a forged inbox line (another authority, no HMAC, a wrong HMAC, an edited line) is refused, dead-lettered and reported', async () => {
    leaveInInbox(app().dataDir, tokenIssued('NL', 'officer:legit-1'));
    assert.equal(mode(inbox()), 0o600, 'the inbox is private to the instance');
    assert.equal(mode(join(app().dataDir, 'audit-inbox.key')), 0o600);
    const legit = JSON.parse(readFileSync(inbox(), 'utf8').trim()) as Record<string, any>;
    const at = new Date().toISOString();
    // The attack as reproduced: a plain line for another authority.
    const plain = { ...tokenIssued('BE', 'admin:mallory'), at };
    // The same with an HMAC made with a key the attacker chose.
    const event = { ...tokenIssued('BE', 'admin:mallory-2'), at };
    const id = randomUUID();
    const wrongMac = createHmac('sha256', randomBytes(32))
      .update(canonicalJson({ v: 1, id, event }))
      .digest('hex');
    // A legitimate line with its authority changed.
    const edited = { ...legit, id: randomUUID(), event: { ...legit['event'], authority: 'BE' } };
    appendFileSync(
      inbox(),
      [JSON.stringify(plain), JSON.stringify({ v: 1, id, event, mac: wrongMac }), JSON.stringify(edited)]
        .map((l) => `${l}\n`)
        .join(''),
    );

    await chainer.runOnce();

    assert.deepEqual(await chained('BE'), [], 'nothing forged reaches the chain');
    assert.deepEqual(
      (await chained('NL', 'officer:legit-1')).map((r) => r.action),
      ['token.issued'],
      'the legitimate line is chained',
    );
    assert.equal(mode(deadLetters()), 0o600);
    const letters = readFileSync(deadLetters(), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { reason: string; authority?: string });
    assert.equal(letters.length, 3);
    assert.match(letters[0]!.reason, /no HMAC/);
    assert.match(letters[1]!.reason, /HMAC does not match/);
    assert.match(letters[2]!.reason, /HMAC does not match/);
    assert.ok(letters.every((l) => l.authority === 'BE'));

    // verify reports the refused lines; BE's auditor sees the forgeries that claimed BE.
    const v = await app().deps.audit.verify(app().deps.db);
    assert.equal(v.inbox?.deadLetters, 3);
    assert.equal(v.inbox?.pendingLines, 0);
    const be = await send('GET', '/v1/audit/verify', 'be-auditor');
    assert.equal(be.statusCode, 200, be.body);
    const beBody = be.json<AuditVerification>();
    assert.equal(beBody.inbox?.deadLetters, 3);
    assert.match(beBody.inbox.recentDeadLetters[0]!.reason, /no HMAC/);
    const nl = await send('GET', '/v1/audit/verify', 'auditor');
    assert.equal(nl.json<AuditVerification>().inbox?.deadLetters, 0, "NL's auditor does not see BE's");
    let out = '';
    const code = await runAuditVerify(
      app().deps.db,
      { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => undefined } },
      { log: app().deps.audit },
    );
    assert.equal(code, 0, out);
    assert.match(out, /audit inbox: 0 line\(s\) waiting to be taken in, 3 refused \(dead letters in /);
    assert.match(out, /refused audit-inbox\.\S+\.taking:2 \(claims BE\): no HMAC/);
  });

  test('a malformed line loses nothing: the entries around it and after it are chained, nothing is overwritten', async () => {
    leaveInInbox(app().dataDir, tokenIssued('NL', 'filer:before-bad'));
    appendFileSync(inbox(), '{"this is not": json\n');
    leaveInInbox(app().dataDir, tokenIssued('NL', 'filer:after-bad'));
    await chainer.runOnce();
    // The round after the malformed line: in the attack, this one overwrote the batch.
    leaveInInbox(app().dataDir, tokenIssued('NL', 'analyst:next-round'));
    await chainer.runOnce();
    for (const subject of ['filer:before-bad', 'filer:after-bad', 'analyst:next-round']) {
      assert.equal((await chained('NL', subject)).length, 1, `${subject} is chained once`);
    }
    assert.match(readFileSync(deadLetters(), 'utf8'), /"reason":"not JSON"/);
    assert.deepEqual(
      readdirSync(app().dataDir).filter((f) => f.endsWith('.taking')),
      [],
      'every batch was handled and removed',
    );
    assert.ok((await app().deps.audit.verify(app().deps.db)).ok);
  });

  test('a batch left by a crash is taken in first, never twice; a replayed line is refused', async () => {
    // A crash after the batch was moved aside, before it was staged: the file is left over.
    leaveInInbox(app().dataDir, tokenIssued('NL', 'admin:left-over'));
    const line = readFileSync(inbox(), 'utf8');
    const leftover = join(app().dataDir, 'audit-inbox.000000000000001-1-abcd.taking');
    writeFileSync(leftover, line, { mode: 0o600 });
    writeFileSync(inbox(), '');
    leaveInInbox(app().dataDir, tokenIssued('NL', 'admin:newer'));
    await chainer.runOnce();
    const [older] = await chained('NL', 'admin:left-over');
    const [newer] = await chained('NL', 'admin:newer');
    assert.ok(older !== undefined && newer !== undefined && older.seq < newer.seq, 'leftovers first');

    // A crash after it was staged, before the file was removed: the same file is read again.
    writeFileSync(leftover, line, { mode: 0o600 });
    await chainer.runOnce();
    assert.equal((await chained('NL', 'admin:left-over')).length, 1, 'not staged twice');
    assert.ok(!existsSync(leftover));

    // The same line copied into the inbox again is a replay.
    appendFileSync(inbox(), line);
    await chainer.runOnce();
    assert.equal((await chained('NL', 'admin:left-over')).length, 1);
    assert.match(readFileSync(deadLetters(), 'utf8').trim().split('\n').at(-1)!, /replayed/);
  });

  test('a consistent rewrite of a chain by the database owner is caught by the signed checkpoint', async () => {
    const { db, audit } = app().deps;
    for (let n = 1; n <= 4; n++) {
      await db.transaction((tx) =>
        audit.append(tx, {
          authority: 'DE',
          actor: 'officer:otto',
          action: 'control.result-recorded',
          subject: `DE-MRN-${n}`,
          details: { result: 'seizure', quantityKg: 1000 },
        }),
      );
    }
    const round = await chainer.checkpoint();
    assert.ok(round.written.some((c) => c.authority === 'DE' && c.seq === 4));
    const checkpointFile = join(app().dataDir, 'audit-checkpoints.ndjson');
    assert.equal(mode(checkpointFile), 0o600);
    assert.equal(mode(join(app().dataDir, 'audit-signing.key')), 0o600);
    assert.match(audit.checkpoints!.publicKeyPem(), /^-----BEGIN PUBLIC KEY-----/);

    // The owner rewrites entry 2 ("seizure" becomes "no irregularity") and recomputes every hash after it.
    await db.transaction(async (tx) => {
      await tx.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      const rows = (
        await tx.query<{
          seq: number;
          at: Date;
          actor: string;
          action: string;
          subject: string;
          details: Record<string, unknown>;
          prev_hash: string;
        }>(
          `SELECT seq, at, actor, action, subject, details, prev_hash FROM audit_log WHERE authority = 'DE' ORDER BY seq`,
        )
      ).rows;
      let prevHash = rows[0]!.prev_hash;
      for (const r of rows) {
        const details = r.seq === 2 ? { result: 'no-irregularity' } : r.details;
        const hash = auditHash({
          ...r,
          authority: 'DE',
          seq: Number(r.seq),
          at: new Date(r.at),
          details,
          prevHash,
        });
        await tx.query(
          `UPDATE audit_log SET details = $3::jsonb, prev_hash = $4, hash = $5 WHERE authority = $1 AND seq = $2`,
          ['DE', r.seq, JSON.stringify(details), prevHash, hash],
        );
        prevHash = hash;
      }
      await tx.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    });

    // The plain hash chain is consistent again: without checkpoints, the rewrite goes unnoticed…
    assert.equal((await new AuditLog().verify(db, { authority: 'DE' })).ok, true);
    // …with the signed checkpoint it does not.
    const v = await audit.verify(db, { authority: 'DE' });
    assert.equal(v.ok, false);
    assert.ok(!v.ok && v.problem === 'checkpoint-mismatch' && v.seq === 4, JSON.stringify(v));
    const http = await send('GET', '/v1/audit/verify', 'de-auditor');
    assert.equal(http.statusCode, 200);
    assert.equal(http.json<AuditVerification>().ok, false);
    let out = '';
    const code = await runAuditVerify(
      db,
      { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => undefined } },
      { log: audit, authority: 'DE' },
    );
    assert.equal(code, 1);
    assert.match(out, /^audit DE: BROKEN at seq 4 \(checkpoint-mismatch\)/);

    // No later checkpoint blesses the rewritten chain.
    const later = await chainer.checkpoint();
    assert.ok(!later.written.some((c) => c.authority === 'DE'));
    assert.ok(later.refused.some((c) => c.authority === 'DE'));

    // A checkpoint line written by someone without the key is itself reported.
    const forged = JSON.parse(readFileSync(checkpointFile, 'utf8').trim().split('\n')[0]!) as Record<
      string,
      unknown
    >;
    appendFileSync(checkpointFile, `${JSON.stringify({ ...forged, authority: 'FR', seq: 1 })}\n`);
    const fr = await audit.verify(db, { authority: 'FR' });
    assert.ok(!fr.ok && fr.problem === 'checkpoint-invalid', JSON.stringify(fr));
  });

  test('an auditor reads the trail through GET /v1/audit, paged and filtered; others cannot', async () => {
    const { db, audit } = app().deps;
    const base = Date.parse('2027-03-01T00:00:00Z');
    const events = Array.from({ length: 7 }, (_, i) => ({
      authority: 'SE',
      actor: i % 2 === 0 ? 'analyst:anna' : 'officer:olof',
      action: i < 3 ? ('rule.changed' as const) : ('control.result-recorded' as const),
      subject: i === 5 ? 'SE-MRN-5' : `rule:R${i}`,
      details: { n: i },
      at: new Date(base + i * 3_600_000),
    }));
    await db.transaction((tx) => audit.appendMany(tx, events));
    tok['se-auditor'] = await app().token('SE', 'auditor', 'sara');
    tok['se-admin'] = await app().token('SE', 'admin', 'root');

    const seqs: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await send(
        'GET',
        `/v1/audit?limit=3${cursor !== null ? `&cursor=${cursor}` : ''}`,
        'se-auditor',
      );
      assert.equal(r.statusCode, 200, r.body);
      const body = r.json<{ entries: { seq: number; authority: string }[]; nextCursor: string | null }>();
      assert.ok(body.entries.length <= 3);
      assert.ok(body.entries.every((e) => e.authority === 'SE'));
      seqs.push(...body.entries.map((e) => e.seq));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor !== null);
    assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(pages, 3);

    const q = async (query: string, who = 'se-auditor') => {
      const r = await send('GET', `/v1/audit?${query}`, who);
      assert.equal(r.statusCode, 200, r.body);
      return r.json<{ entries: { seq: number }[] }>().entries.map((e) => e.seq);
    };
    assert.deepEqual(await q('action=rule.changed'), [1, 2, 3]);
    assert.deepEqual(await q('actor=officer:olof'), [2, 4, 6]);
    assert.deepEqual(await q('subject=SE-MRN-5'), [6]);
    assert.deepEqual(await q('from=2027-03-01T02:00:00Z&to=2027-03-01T05:00:00Z'), [3, 4, 5]);
    assert.deepEqual(await q('order=desc&limit=2'), [7, 6]);
    assert.deepEqual(await q('action=control.result-recorded&actor=analyst:anna', 'se-admin'), [5, 7]);

    const bad = await send('GET', '/v1/audit?cursor=not-a-cursor', 'se-auditor');
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json<{ code: string }>().code, 'VIGIL_QUERY_INVALID');
    assert.equal((await send('GET', '/v1/audit?limit=5000', 'se-auditor')).statusCode, 400);

    for (const who of ['filer', 'officer', 'analyst']) {
      const r = await send('GET', '/v1/audit', who);
      assert.equal(r.statusCode, 403, `${who}: ${r.body}`);
    }
    // Another authority's auditor sees only its own trail.
    const fr = await send('GET', '/v1/audit?subject=SE-MRN-5', 'fr-auditor');
    assert.deepEqual(fr.json<{ entries: unknown[] }>().entries, []);
  });

  test('replacing or emptying a watchlist is audited, with how many entries it held', async () => {
    const made = await send('POST', '/v1/watchlists', 'analyst', {
      name: 'sanctioned-parties',
      subject: 'operator-name',
      entries: [{ value: 'Blocked Trading LLC' }, { value: 'Shadow Fleet Ltd' }, { value: 'Grey Goods SA' }],
    });
    assert.equal(made.statusCode, 201, made.body);
    // The attack: an analyst silently empties the sanctions list.
    const emptied = await send('POST', '/v1/watchlists', 'analyst', {
      name: 'sanctioned-parties',
      subject: 'operator-name',
      entries: [],
    });
    assert.equal(emptied.statusCode, 201, emptied.body);
    const up = await send(
      'POST',
      '/v1/watchlists/sanctioned-parties/entries?replace=true',
      'analyst',
      'value\nOnly One Left BV\n',
      'text/csv',
    );
    assert.equal(up.statusCode, 200, up.body);

    const r = await send(
      'GET',
      '/v1/audit?action=watchlist.replaced&subject=watchlist:sanctioned-parties',
      'auditor',
    );
    assert.equal(r.statusCode, 200, r.body);
    const entries = r.json<{ entries: { actor: string; details: Record<string, unknown> }[] }>().entries;
    assert.deepEqual(
      entries.map((e) => [e.actor, e.details['via'], e.details['previousEntries'], e.details['entries']]),
      [
        ['analyst:analyst', 'definition', 0, 3],
        ['analyst:analyst', 'definition', 3, 0],
        ['analyst:analyst', 'upload-csv', 0, 1],
      ],
    );
    // Emptying it one entry at a time is audited too, without the (possibly personal) value itself.
    const gone = await send(
      'DELETE',
      `/v1/watchlists/sanctioned-parties/entries?value=${encodeURIComponent('Only One Left BV')}`,
      'analyst',
    );
    assert.equal(gone.statusCode, 200, gone.body);
    const del = await send('GET', '/v1/audit?action=watchlist.entry-deleted', 'auditor');
    const [entry] = del.json<{ entries: { subject: string; details: Record<string, unknown> }[] }>().entries;
    assert.equal(entry?.subject, 'watchlist:sanctioned-parties');
    assert.equal(entry.details['valueSha256'], createHash('sha256').update('Only One Left BV').digest('hex'));
    assert.doesNotMatch(JSON.stringify(entry.details), /Only One Left/);
  });

  test("reading an import declaration's parties is audited, one entry per declaration read", async () => {
    const lodged = await send('POST', '/v1/import-declarations', 'filer', h1Body());
    assert.equal(lodged.statusCode, 201, lodged.body);
    const id = lodged.json<{ id: string }>().id;
    assert.equal((await send('GET', `/v1/import-declarations/${id}`, 'officer')).statusCode, 200);
    assert.equal((await send('GET', `/v1/import-declarations/${id}`, 'filer')).statusCode, 200);
    assert.equal((await send('GET', '/v1/import-declarations?limit=50', 'analyst')).statusCode, 200);
    await chainer.runOnce();
    const reads = (await chained('NL', id)).filter((e) => e.action === 'import.parties-read');
    assert.deepEqual(
      reads.map((e) => e.actor),
      ['officer:officer', 'filer:filer', 'analyst:analyst'],
    );
  });
});
