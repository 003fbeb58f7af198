/**
 * The audit log on real databases (PGlite always, PostgreSQL when configured): chains per authority,
 * concurrent appends, appends that roll back with their transaction, the append-only trigger, and
 * the tamper test: a changed, deleted or reordered row is reported by `verify` at the right seq.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { forEachDatabase, testClock } from '../../test/support/test-app.ts';
import type { Database } from '../store/database.ts';
import { migrate } from '../store/migrate.ts';
import { AuditLog, GENESIS_HASH, auditHash } from './audit-log.ts';
import type { AuditEvent } from './audit-log.ts';

test('the hash is SHA-256 over the RFC 8785 JSON of the entry and its predecessor hash (pinned)', () => {
  const entry = {
    authority: 'NL',
    seq: 1,
    at: new Date('2027-02-20T08:00:00Z'),
    actor: 'analyst:alice',
    action: 'outcome.decided',
    subject: '27NL0000000000001',
    details: { outcome: 'control', score: 0.75, rules: ['R-1'] },
    prevHash: GENESIS_HASH,
  };
  const material =
    '{"action":"outcome.decided","actor":"analyst:alice","at":"2027-02-20T08:00:00.000Z","authority":"NL",' +
    '"details":{"outcome":"control","rules":["R-1"],"score":0.75},' +
    `"prevHash":"${'0'.repeat(64)}","seq":1,"subject":"27NL0000000000001"}`;
  assert.equal(auditHash(entry), createHash('sha256').update(material).digest('hex'));
  // Pinned: changing how entries are hashed would break every chain already written.
  assert.equal(auditHash(entry), 'af8576824f9157b312db670a4281aff640f3f49526b526357cb539ef4cd00643');
});

forEachDatabase('audit log', (target) => {
  let db: Database;
  const clock = testClock();
  // A small page size makes verify cross page boundaries in these short chains.
  const log = new AuditLog({ clock, pageSize: 4 });

  before(async () => {
    db = await target.open();
    await migrate(db);
  });
  after(async () => {
    await db.close();
  });

  const event = (authority: string, n: number): AuditEvent => ({
    authority,
    actor: 'system:worker',
    action: 'outcome.decided',
    subject: `MRN-${authority}-${n}`,
    details: { n, outcome: n % 3 === 0 ? 'control' : 'release' },
  });

  async function appendN(authority: string, count: number): Promise<void> {
    for (let n = 1; n <= count; n++) {
      clock.advance(1000);
      await db.transaction((tx) => log.append(tx, event(authority, n)));
    }
  }

  /** Edits rows as a superuser or the table owner could: with the append-only trigger disabled. */
  async function tamper(sql: string | readonly string[], params: unknown[]): Promise<void> {
    await db.transaction(async (tx) => {
      await tx.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      for (const statement of typeof sql === 'string' ? [sql] : sql) {
        await tx.query(statement, params);
      }
      await tx.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    });
  }

  test('each authority has its own chain, linked from 64 zeros, with hashes that recompute', async () => {
    for (let n = 1; n <= 3; n++) {
      await db.transaction(async (tx) => {
        await log.append(tx, event('NL', n));
        if (n <= 2) {
          await log.append(tx, { ...event('BE', n), action: 'filing.parties-read', actor: 'officer:bob' });
        }
      });
    }
    const nl = await log.list(db, { authority: 'NL' });
    const be = await log.list(db, { authority: 'BE' });
    assert.deepEqual(
      nl.map((e) => e.seq),
      [1, 2, 3],
    );
    assert.deepEqual(
      be.map((e) => [e.seq, e.action, e.actor]),
      [
        [1, 'filing.parties-read', 'officer:bob'],
        [2, 'filing.parties-read', 'officer:bob'],
      ],
    );
    for (const chain of [nl, be]) {
      assert.equal(chain[0]!.prevHash, GENESIS_HASH);
      chain.forEach((e, i) => {
        assert.equal(e.hash, auditHash(e));
        assert.equal(e.prevHash, i === 0 ? GENESIS_HASH : chain[i - 1]!.hash);
      });
    }
    assert.deepEqual(nl[2]!.details, { n: 3, outcome: 'control' });
    assert.deepEqual(
      (await log.list(db, { authority: 'NL', from: 2, limit: 1 })).map((e) => e.subject),
      ['MRN-NL-2'],
    );
    assert.deepEqual(
      (await log.list(db, { authority: 'NL', subject: 'MRN-NL-3' })).map((e) => e.seq),
      [3],
    );
    const nlResult = await log.verify(db, { authority: 'NL' });
    assert.deepEqual(nlResult, {
      ok: true,
      rows: 3,
      chains: [{ ok: true, authority: 'NL', rows: 3, head: { seq: 3, hash: nl[2]!.hash } }],
    });
    assert.equal((await log.verify(db, { authority: 'BE' })).ok, true);
  });

  test('the entry returned by append is the one stored, details in their JSON form', async () => {
    const at = new Date('2027-03-01T10:00:00.123Z');
    const written = await db.transaction((tx) =>
      log.append(tx, {
        authority: 'RT',
        actor: 'admin:root',
        action: 'rule.changed',
        subject: 'R-42',
        details: { when: at, gone: undefined, nested: { z: 1, a: [1.5, 'x'] } },
        at,
      }),
    );
    assert.deepEqual(written.details, { when: '2027-03-01T10:00:00.123Z', nested: { z: 1, a: [1.5, 'x'] } });
    assert.deepEqual(await log.list(db, { authority: 'RT' }), [written]);
    assert.equal((await log.verify(db, { authority: 'RT' })).ok, true);
  });

  test('concurrent appends in separate transactions give one gap-free valid chain', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        db.transaction(async (tx) => {
          // Work before the append, as a real decision has, so the transactions overlap.
          await tx.query('SELECT pg_sleep(0.001)');
          return log.append(tx, event('CC', i + 1));
        }),
      ),
    );
    assert.deepEqual(
      results.map((e) => e.seq).sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
    const result = await log.verify(db, { authority: 'CC' });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.ok && result.rows, 50);
  });

  test('an append in a transaction that rolls back leaves no entry, and the chain continues', async () => {
    await appendN('RB', 2);
    await assert.rejects(
      db.transaction(async (tx) => {
        await log.append(tx, event('RB', 3));
        throw new Error('the decision failed');
      }),
      /the decision failed/,
    );
    assert.deepEqual(
      (await log.list(db, { authority: 'RB' })).map((e) => e.seq),
      [1, 2],
    );
    await db.transaction((tx) => log.append(tx, event('RB', 3)));
    const result = await log.verify(db, { authority: 'RB' });
    assert.equal(result.ok && result.rows, 3);
  });

  test('the database rejects UPDATE, DELETE and TRUNCATE on the audit log', async () => {
    await appendN('AO', 1);
    const rejected = { code: '42501', message: /append-only/ };
    await assert.rejects(db.query("UPDATE audit_log SET actor = 'x' WHERE authority = 'AO'"), rejected);
    await assert.rejects(db.query("DELETE FROM audit_log WHERE authority = 'AO'"), rejected);
    await assert.rejects(db.query('TRUNCATE audit_log'), rejected);
    assert.equal((await log.list(db, { authority: 'AO' })).length, 1);
  });

  test('unknown actions and empty fields are refused before anything is written', async () => {
    await assert.rejects(
      db.transaction((tx) =>
        log.append(tx, { ...event('BAD', 1), action: 'filing.eaten' as 'filing.registered' }),
      ),
      /unknown action/,
    );
    await assert.rejects(
      db.transaction((tx) => log.append(tx, { ...event('BAD', 1), subject: '' })),
      /subject/,
    );
    assert.equal((await log.list(db, { authority: 'BAD' })).length, 0);
  });

  // Tamper test: each case edits one chain of 10 entries and expects verify to name the first broken one.
  const tamperCases: {
    name: string;
    authority: string;
    sql: string | string[];
    seq: number;
    problem: string;
  }[] = [
    {
      name: "changing an entry's details",
      authority: 'TD',
      sql: `UPDATE audit_log SET details = '{"n":4,"outcome":"control"}' WHERE authority = $1 AND seq = 4`,
      seq: 4,
      problem: 'hash-mismatch',
    },
    {
      name: "changing an entry's actor",
      authority: 'TA',
      sql: `UPDATE audit_log SET actor = 'analyst:mallory' WHERE authority = $1 AND seq = 1`,
      seq: 1,
      problem: 'hash-mismatch',
    },
    {
      name: "changing an entry's hash",
      authority: 'TH',
      sql: `UPDATE audit_log SET hash = repeat('ab', 32) WHERE authority = $1 AND seq = 8`,
      seq: 8,
      problem: 'hash-mismatch',
    },
    {
      name: 'deleting an entry in the middle',
      authority: 'TX',
      sql: 'DELETE FROM audit_log WHERE authority = $1 AND seq = 6',
      seq: 6,
      problem: 'gap',
    },
    {
      name: 'deleting the first entry',
      authority: 'TF',
      sql: 'DELETE FROM audit_log WHERE authority = $1 AND seq = 1',
      seq: 1,
      problem: 'gap',
    },
    {
      name: "swapping two entries' content",
      authority: 'TS',
      sql: `UPDATE audit_log a SET at = b.at, actor = b.actor, action = b.action, subject = b.subject, details = b.details
            FROM audit_log b
            WHERE a.authority = $1 AND b.authority = $1 AND ((a.seq = 3 AND b.seq = 7) OR (a.seq = 7 AND b.seq = 3))`,
      seq: 3,
      problem: 'reordered',
    },
    {
      name: 'swapping two whole rows (their seq numbers)',
      authority: 'TW',
      // Three steps: the primary key is checked row by row.
      sql: [
        'UPDATE audit_log SET seq = 1000 WHERE authority = $1 AND seq = 5',
        'UPDATE audit_log SET seq = 5 WHERE authority = $1 AND seq = 6',
        'UPDATE audit_log SET seq = 6 WHERE authority = $1 AND seq = 1000',
      ],
      seq: 5,
      problem: 'reordered',
    },
    {
      name: 'changing the link to the previous entry',
      authority: 'TP',
      sql: `UPDATE audit_log SET prev_hash = repeat('0', 64) WHERE authority = $1 AND seq = 9`,
      seq: 9,
      problem: 'hash-mismatch',
    },
  ];

  for (const c of tamperCases) {
    test(`tamper: ${c.name} is reported at seq ${c.seq} (${c.problem})`, async () => {
      await appendN(c.authority, 10);
      assert.equal((await log.verify(db, { authority: c.authority })).ok, true);
      await tamper(c.sql, [c.authority]);
      const result = await log.verify(db, { authority: c.authority });
      assert.equal(result.ok, false, JSON.stringify(result));
      assert.deepEqual(result.ok ? undefined : [result.authority, result.seq, result.problem], [
        c.authority,
        c.seq,
        c.problem,
      ]);
    });
  }

  test('tamper: rewriting an entry and recomputing its hash breaks the link from the next one', async () => {
    await appendN('TL', 10);
    const [row4] = await log.list(db, { authority: 'TL', from: 4, limit: 1 });
    const forged = { ...row4!, details: { n: 4, outcome: 'release', note: 'nothing to see' } };
    await tamper('UPDATE audit_log SET details = $2::jsonb, hash = $3 WHERE authority = $1 AND seq = 4', [
      'TL',
      JSON.stringify(forged.details),
      auditHash(forged),
    ]);
    const result = await log.verify(db, { authority: 'TL' });
    assert.deepEqual(result.ok ? undefined : [result.seq, result.problem], [5, 'broken-link']);
  });

  test('tamper: deleting the newest entries or rewriting the whole chain is caught by an anchor', async () => {
    await appendN('TT', 10);
    const before = await log.verify(db, { authority: 'TT' });
    const head = before.ok ? before.chains[0] : undefined;
    assert.ok(head?.ok === true && head.head !== undefined);
    const anchors = { TT: head.head };

    await tamper('DELETE FROM audit_log WHERE authority = $1 AND seq >= 9', ['TT']);
    // Without an external record of the head, a shorter chain is still a valid chain.
    assert.equal((await log.verify(db, { authority: 'TT' })).ok, true);
    const truncated = await log.verify(db, { authority: 'TT', anchors });
    assert.deepEqual(truncated.ok ? undefined : [truncated.seq, truncated.problem], [9, 'truncated']);

    // An attacker who recomputes every hash from a changed entry onwards leaves a valid chain…
    const rows = await log.list(db, { authority: 'TT' });
    let prevHash = GENESIS_HASH;
    for (const row of rows) {
      const details = row.seq === 2 ? { n: 2, outcome: 'release', forged: true } : row.details;
      const hash = auditHash({ ...row, details, prevHash });
      await tamper(
        'UPDATE audit_log SET details = $3::jsonb, prev_hash = $4, hash = $5 WHERE authority = $1 AND seq = $2',
        ['TT', row.seq, JSON.stringify(details), prevHash, hash],
      );
      prevHash = hash;
    }
    for (let n = 9; n <= 10; n++) {
      await db.transaction((tx) => log.append(tx, event('TT', n)));
    }
    assert.equal((await log.verify(db, { authority: 'TT' })).ok, true);
    // …that no longer ends at the head recorded outside the database.
    const rewritten = await log.verify(db, { authority: 'TT', anchors });
    assert.deepEqual(rewritten.ok ? undefined : [rewritten.seq, rewritten.problem], [10, 'anchor-mismatch']);
  });

  test('verify without an authority checks every chain and reports the first broken one', async () => {
    const result = await log.verify(db);
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    const broken = result.chains.filter((c) => !c.ok).map((c) => c.authority);
    assert.deepEqual(broken, ['TA', 'TD', 'TF', 'TH', 'TL', 'TP', 'TS', 'TW', 'TX']);
    assert.equal(result.authority, 'TA');
    assert.equal(result.seq, 1);
    assert.ok(result.chains.some((c) => c.authority === 'CC' && c.ok && c.rows === 50));
  });
});
