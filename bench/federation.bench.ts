/**
 * Federation bench (issue 11): the delay from issue at node NL to visibility at node BE, under load.
 * Two nodes, each with its own database (PGlite in process; PostgreSQL schemas with
 * VIGIL_TEST_DATABASE_URL) and its own `nats-server -js` on its own port, the relay and the receiver
 * running as in `vigil serve`. Each phase issues RIFs to BE and shares control results with BE (NL's
 * sharing policy grants them) at the given rates for BENCH_SECONDS, waits until BE has applied all of
 * it, then reads the delays from the two databases: a message's time in NL's queue (enqueued in the
 * act's transaction) to the time BE applied it (BE's inbox), both on this machine's clock.
 *
 * Prints progress on stderr and one JSON line last on stdout.
 *
 *   node bench/federation.bench.ts
 *   BENCH_PHASES=2:20,10:100 BENCH_SECONDS=10 BENCH_CONCURRENCY=8 VIGIL_FEDERATION_POLL_MS=50 node bench/federation.bench.ts
 */
import { startNatsServer } from '../test/bus/nats-server.ts';
import { databaseTargets, startTestApp } from '../test/support/test-app.ts';
import type { TestApp, TestClock } from '../test/support/test-app.ts';
import { startFederationReceiver, startFederationRelay } from '../src/federation/index.ts';
import type { Actor } from '../src/auth/index.ts';

const PHASES = (process.env['BENCH_PHASES'] ?? '2:20,10:100,25:250').split(',').map((p) => {
  const [rifs, shared] = p.split(':').map(Number);
  return { rifs: rifs!, shared: shared! };
});
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 15);
const POLL_MS = Number(process.env['VIGIL_FEDERATION_POLL_MS'] ?? 200);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 8);
const DAY = 86_400_000;
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const quantile = (xs: readonly number[], q: number): number | null => {
  if (xs.length === 0) {
    return null;
  }
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]!);
};
const realClock: TestClock = { now: () => new Date(), set: () => undefined, advance: () => undefined };
const actor = (authority: string, role: Actor['role']): Actor => ({
  subject: `${authority}-${role}`,
  authority,
  role,
});

const target = databaseTargets().at(-1)!;
const nodes: { code: string; app: TestApp; nats: Awaited<ReturnType<typeof startNatsServer>> }[] = [];
const loops: { stop(): Promise<void> }[] = [];
try {
  for (const code of ['NL', 'BE']) {
    const nats = await startNatsServer();
    const app = await startTestApp(target, realClock, { VIGIL_FEDERATION_AUTHORITY: code });
    await app.deps.rifs.putAuthority(actor(code, 'admin'), code, { name: code, kind: 'customs' });
    nodes.push({ code, app, nats });
  }
  const [nl, be] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
  for (const [a, b] of [
    [nl, be],
    [be, nl],
  ] as const) {
    await a.app.deps.federation.addPeer('bench', {
      code: b.code,
      natsUrl: b.nats.url,
      publicKey: b.app.deps.federation.publicKey().publicKey,
    });
  }
  for (const n of nodes) {
    loops.push(startFederationRelay(n.app.deps.federation, { pollMs: POLL_MS }));
    const receiver = startFederationReceiver(n.app.deps.federation, { natsUrl: n.nats.url });
    await receiver.ready;
    loops.push(receiver);
  }
  await nl.app.deps.sharing.replacePolicy(actor('NL', 'admin'), {
    rules: [{ category: 'control-results', receiver: 'BE', level: 'full' }],
  });
  log(`engine ${target.engine}, relay poll ${POLL_MS} ms, ${SECONDS} s per phase`);

  let counter = 0;
  const issueRif = async (): Promise<void> => {
    const now = new Date();
    const { rif } = await nl.app.deps.rifs.create(actor('NL', 'analyst'), {
      title: `Bench RIF ${++counter}`,
      office: 'NL000396',
      riskArea: 'ipr',
      description: 'Smartphones with fake logos declared at low value.',
      indicators: { goodsCodes: ['8517'], origins: ['CN'] },
      recommendedAction: 'physical-check',
      controlType: 'physical',
      urgency: 'urgent',
      validFrom: now.toISOString(),
      validUntil: new Date(now.getTime() + 30 * DAY).toISOString(),
      recipients: ['BE'],
      handling: { tlp: 'AMBER', code: 'H2', sourceReliability: 'B', informationAccuracy: 2 },
      feedback: { required: false },
    });
    await nl.app.deps.rifs.issue(actor('NL', 'analyst'), rif.id);
  };
  const shareResult = async (): Promise<void> => {
    const n = ++counter;
    await nl.app.deps.db.forAuthority('NL').transaction((tx) =>
      nl.app.deps.sharing.onControlResult(tx, {
        authority: 'NL',
        resultId: `bench-${n}`,
        mrn: `27NL${String(n).padStart(14, '0')}`,
        seq: 1,
        controlType: 'physical',
        result: 'seizure',
        details: { category: 'counterfeit', quantity: 10, unit: 'pieces' },
        at: new Date(),
        actor: 'bench',
      }),
    );
  };

  const results = [];
  for (const phase of PHASES) {
    const startedAt = new Date();
    const t0 = Date.now();
    let rifs = 0;
    let shared = 0;
    // Paced: every 50 ms, whatever is due by now at the phase's rates, CONCURRENCY acts at a time
    // (analysts and officers act at once; on PGlite they queue for its one connection anyway).
    while (Date.now() - t0 < SECONDS * 1000) {
      const elapsed = (Date.now() - t0) / 1000;
      const due: (() => Promise<void>)[] = [];
      for (; rifs < Math.floor(elapsed * phase.rifs); rifs++) {
        due.push(issueRif);
      }
      for (; shared < Math.floor(elapsed * phase.shared); shared++) {
        due.push(shareResult);
      }
      for (let i = 0; i < due.length; i += CONCURRENCY) {
        await Promise.all(due.slice(i, i + CONCURRENCY).map((act) => act()));
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const wall = (Date.now() - t0) / 1000;
    // Wait for BE to have applied everything NL queued in this phase.
    const drainStart = Date.now();
    for (;;) {
      const left = await nl.app.deps.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM federation_outbox WHERE peer = 'BE' AND sent_at IS NULL`,
      );
      const sent = await nl.app.deps.db.query<{ id: string }>(
        `SELECT envelope::jsonb->>'id' AS id FROM federation_outbox WHERE peer = 'BE' AND created_at >= $1`,
        [startedAt],
      );
      const got = await be.app.deps.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM federation_inbox WHERE id = ANY ($1::uuid[])`,
        [sent.rows.map((r) => r.id).filter((x) => x !== null)],
      );
      if (left.rows[0]!.n === 0 && got.rows[0]!.n === sent.rows.length) {
        break;
      }
      if (Date.now() - drainStart > 300_000) {
        throw new Error('BE did not apply everything within 5 minutes');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const queued = await nl.app.deps.db.query<{ id: string; kind: string; created_at: Date }>(
      `SELECT envelope::jsonb->>'id' AS id, kind, created_at FROM federation_outbox WHERE peer = 'BE' AND created_at >= $1`,
      [startedAt],
    );
    const received = await be.app.deps.db.query<{ id: string; received_at: Date }>(
      `SELECT id::text AS id, received_at FROM federation_inbox WHERE id = ANY ($1::uuid[])`,
      [queued.rows.map((r) => r.id)],
    );
    const at = new Map(received.rows.map((r) => [r.id, new Date(r.received_at).getTime()]));
    const delays = (kind: string): number[] =>
      queued.rows
        .filter((r) => r.kind === kind && at.has(r.id))
        .map((r) => at.get(r.id)! - new Date(r.created_at).getTime());
    const summary = (xs: number[]) => ({
      messages: xs.length,
      p50Ms: quantile(xs, 0.5),
      p95Ms: quantile(xs, 0.95),
      maxMs: xs.length === 0 ? null : Math.max(...xs),
    });
    const r = {
      rifsPerSecondAsked: phase.rifs,
      sharedPerSecondAsked: phase.shared,
      rifsPerSecond: Math.round((rifs / wall) * 10) / 10,
      sharedPerSecond: Math.round((shared / wall) * 10) / 10,
      rif: summary(delays('rif.issued')),
      shared: summary(delays('shared.records')),
      drainMs: Date.now() - drainStart,
    };
    log(JSON.stringify(r));
    results.push(r);
  }
  process.stdout.write(
    `${JSON.stringify({ engine: target.engine, pollMs: POLL_MS, concurrency: CONCURRENCY, secondsPerPhase: SECONDS, phases: results })}\n`,
  );
} finally {
  for (const l of loops) {
    await l.stop();
  }
  for (const n of nodes) {
    await n.app.close();
    await n.nats.close();
  }
}
