/**
 * `vigil audit verify` as an operator sees it: one line per chain, the head to record elsewhere,
 * the first broken entry of a tampered chain, and the exit code scripts rely on.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.ts';
import { forEachDatabase } from '../../test/support/test-app.ts';
import type { Database } from '../store/database.ts';
import { migrate } from '../store/migrate.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { auditLogFor, runAuditCommand, runAuditVerify } from './audit-verify.command.ts';
import type { AuditVerifyCommandOptions } from './audit-verify.command.ts';

forEachDatabase('vigil audit verify', (target) => {
  let db: Database;
  const log = new AuditLog();

  before(async () => {
    db = await target.open();
    await migrate(db);
  });
  after(async () => {
    await db.close();
  });

  async function run(
    opts: AuditVerifyCommandOptions = {},
  ): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runAuditVerify(
      db,
      { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } },
      opts,
    );
    return { code, out, err };
  }

  test('an empty log verifies', async () => {
    assert.deepEqual(await run(), { code: 0, out: 'audit: no entries\n', err: '' });
  });

  test('prints one line per chain with its entry count and head, and exits 0', async () => {
    for (const [authority, count] of [
      ['NL', 3],
      ['BE', 1],
    ] as const) {
      for (let n = 1; n <= count; n++) {
        await db.transaction((tx) =>
          log.append(tx, {
            authority,
            actor: 'admin:root',
            action: 'token.issued',
            subject: `user-${n}`,
            details: {},
          }),
        );
      }
    }
    const { code, out } = await run();
    assert.equal(code, 0);
    assert.match(
      out,
      /^audit BE: ok, 1 entry, head BE=1:[0-9a-f]{64}\naudit NL: ok, 3 entries, head NL=3:[0-9a-f]{64}\n$/,
    );
    const only = await run({ authority: 'NL' });
    assert.equal(only.code, 0);
    assert.match(only.out, /^audit NL: ok, 3 entries/);
    assert.equal(only.out.split('\n').length, 2);
  });

  test('reports the first broken entry with its seq and reason, and exits 1', async () => {
    const nlHead = /head (NL=3:[0-9a-f]{64})/.exec((await run({ authority: 'NL' })).out)![1]!;
    await db.transaction(async (tx) => {
      await tx.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await tx.query("UPDATE audit_log SET subject = 'someone-else' WHERE authority = 'NL' AND seq = 2");
      await tx.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
    });
    const { code, out } = await run();
    assert.equal(code, 1);
    const lines = out.trimEnd().split('\n');
    assert.match(lines[0]!, /^audit BE: ok, 1 entry/);
    assert.match(lines[1]!, /^audit NL: BROKEN at seq 2 \(hash-mismatch\): entry 2 does not match its hash/);
    // The head printed earlier, given back as an anchor, is checked too.
    const anchored = await run({ authority: 'NL', anchors: [nlHead] });
    assert.equal(anchored.code, 1);
  });

  test('an anchor that no longer matches the chain fails; an unreadable one is a usage error', async () => {
    const beHead = /head (BE=1:[0-9a-f]{64})/.exec((await run({ authority: 'BE' })).out)![1]!;
    assert.equal((await run({ authority: 'BE', anchors: [beHead] })).code, 0);
    const wrong = await run({ authority: 'BE', anchors: [`BE=1:${'f'.repeat(64)}`] });
    assert.equal(wrong.code, 1);
    assert.match(wrong.out, /^audit BE: BROKEN at seq 1 \(anchor-mismatch\)/);
    const missing = await run({ authority: 'BE', anchors: [`BE=5:${'f'.repeat(64)}`] });
    assert.match(missing.out, /^audit BE: BROKEN at seq 2 \(truncated\)/);
    const bad = await run({ anchors: ['BE:1'] });
    assert.equal(bad.code, 2);
    assert.match(bad.err, /expected AUTHORITY=SEQ:HASH/);
  });

  test('checkpoints are signed and held: a rewrite after one exits 1, also where only the public key is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-audit-cli-'));
    try {
      const config = loadConfig({ VIGIL_DATA_DIR: dir });
      let pem = '';
      const io = {
        env: {},
        stdout: { write: (s: string) => (pem += s) },
        stderr: { write: () => undefined },
      };
      assert.equal(await runAuditCommand(config, ['public-key'], io), 0);
      assert.match(pem, /^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
      const signing = auditLogFor(config);
      const round = await signing.checkpoint(db);
      assert.deepEqual(
        round.written.map((c) => `${c.authority}=${c.seq}`),
        ['BE=1'],
      );
      // NL's chain was tampered with above: its head is not signed.
      assert.deepEqual(
        round.refused.map((c) => [c.authority, c.ok ? 'ok' : c.problem]),
        [['NL', 'hash-mismatch']],
      );
      assert.equal((await run({ authority: 'BE', log: signing })).code, 0);
      // An auditor's copy: the checkpoint file and the public key, no private key.
      writeFileSync(join(dir, 'signing.pub'), pem);
      const auditors = auditLogFor(config, { publicKeys: [join(dir, 'signing.pub')] });
      assert.equal((await run({ authority: 'BE', log: auditors })).code, 0);
      // The owner replaces BE's only entry by a well-formed one: its own hash is right, the checkpoint's is not.
      await db.transaction(async (tx) => {
        await tx.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
        await tx.query("DELETE FROM audit_log WHERE authority = 'BE'");
        await tx.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
      });
      await db.transaction((tx) =>
        log.append(tx, {
          authority: 'BE',
          actor: 'admin:root',
          action: 'token.issued',
          subject: 'x',
          details: {},
        }),
      );
      assert.equal((await run({ authority: 'BE' })).code, 0, 'the plain chain does not notice');
      for (const l of [signing, auditors]) {
        const r = await run({ authority: 'BE', log: l });
        assert.equal(r.code, 1);
        assert.match(r.out, /^audit BE: BROKEN at seq 1 \(checkpoint-mismatch\)/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
