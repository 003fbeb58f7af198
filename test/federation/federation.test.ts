/**
 * Federation between three national nodes (issue 11, point 5), each with its own database and its
 * own `nats-server -js` on its own port, started and stopped here:
 *
 * - a RIF issued at NL reaches BE exactly once, and BE's feedback and decision come back to NL;
 * - with BE's link cut (its NATS server stopped), NL issues two more; BE gets both after the link
 *   returns, in order, once; meanwhile NL's queue holds them;
 * - a message with a bad signature, a replayed one and a reordered one are refused, kept with their
 *   error code and audited, and nothing is applied twice;
 * - a TLP RED RIF for BE never appears in DE's stream or database;
 * - a control result BE's sharing policy grants NL reaches NL's shared records.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { assessPending, forEachDatabase, startTestApp, testClock } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';
import type { TestApp } from '../support/test-app.ts';
import { startNatsServer } from '../bus/nats-server.ts';
import type { NatsServer } from '../bus/nats-server.ts';
import {
  FEDERATION_STREAM,
  inboundSubject,
  signMessage,
  startFederationReceiver,
  startFederationRelay,
} from '../../src/federation/index.ts';
import type { FederationReceiver, FederationRelay } from '../../src/federation/index.ts';
import { keyIdOf } from '../../src/audit/index.ts';
import type { Actor } from '../../src/auth/index.ts';
import { createPublicKey } from 'node:crypto';

const DAY = 86_400_000;
const CODES = ['NL', 'BE', 'DE'] as const;
type Code = (typeof CODES)[number];

interface Node {
  readonly code: Code;
  readonly app: TestApp;
  readonly nats: NatsServer;
  relay: FederationRelay;
  receiver: FederationReceiver;
}

function rifBody(now: Date, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Counterfeit smartphones from Shenzhen',
    office: 'NL000396',
    riskArea: 'ipr',
    description: 'Boxed smartphones with fake brand logos, declared at low value; check IMEI labels.',
    indicators: {
      goodsCodes: ['8517'],
      origins: ['CN'],
      operators: [{ role: 'consignor', name: 'Shenzhen Bright Electronics' }],
    },
    recommendedAction: 'physical-check',
    controlType: 'physical',
    urgency: 'urgent',
    validFrom: now.toISOString(),
    validUntil: new Date(now.getTime() + 60 * DAY).toISOString(),
    recipients: ['BE'],
    handling: { tlp: 'AMBER', code: 'H2', sourceReliability: 'B', informationAccuracy: 2 },
    feedback: { required: true, dueAt: new Date(now.getTime() + 14 * DAY).toISOString() },
    ...over,
  };
}

/** Polls until `check` returns a value other than undefined (or fails after `ms`). */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) {
      return v;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

forEachDatabase('federation of three nodes over JetStream', (target) => {
  const nodes = new Map<Code, Node>();
  const node = (c: Code): Node => nodes.get(c)!;
  const actor = (c: Code, role: Actor['role'], subject = `${c.toLowerCase()}-${role}`): Actor => ({
    subject,
    authority: c,
    role,
  });
  const errors: string[] = [];

  const startLoops = (n: { code: Code; app: TestApp; nats: NatsServer }) => ({
    relay: startFederationRelay(n.app.deps.federation, {
      pollMs: 50,
      publishTimeoutMs: 1000,
      retryMaxMs: 300,
      onError: () => undefined,
    }),
    receiver: startFederationReceiver(n.app.deps.federation, {
      natsUrl: n.nats.url,
      onError: (err) => errors.push(`${n.code} receiver: ${String(err)}`),
    }),
  });

  before(async () => {
    const clock = testClock();
    for (const code of CODES) {
      const nats = await startNatsServer();
      const app = await startTestApp(target, clock, {
        VIGIL_FEDERATION_AUTHORITY: code,
        VIGIL_COORDINATING_AUTHORITIES: 'EU,NL',
      });
      await app.deps.rifs.putAuthority(actor(code, 'admin'), code, {
        name: `${code} Customs`,
        kind: 'customs',
      });
      const n = { code, app, nats };
      nodes.set(code, { ...n, ...startLoops(n) });
    }
    // Every node adds the two others: their NATS URL and public key, exchanged out of band.
    for (const a of CODES) {
      for (const b of CODES.filter((x) => x !== a)) {
        await node(a).app.deps.federation.addPeer(`admin:${a}`, {
          code: b,
          name: `${b} Customs`,
          natsUrl: node(b).nats.url,
          publicKey: node(b).app.deps.federation.publicKey().publicKey,
        });
      }
    }
    for (const n of nodes.values()) {
      await n.receiver.ready;
    }
  });

  after(async () => {
    for (const n of nodes.values()) {
      await n.relay.stop();
      await n.receiver.stop();
      await n.app.close();
      await n.nats.close();
    }
  });

  const issue = async (body: Record<string, unknown>): Promise<string> => {
    const nl = node('NL').app;
    const { rif } = await nl.deps.rifs.create(actor('NL', 'analyst'), body);
    await nl.deps.rifs.issue(actor('NL', 'analyst'), rif.id);
    return rif.id;
  };
  const inboxOf = async (c: Code): Promise<string[]> =>
    (await node(c).app.deps.rifs.inbox(actor(c, 'analyst'))).map((e) => e.rif.id);
  const rows = async <R>(c: Code, sql: string, params: unknown[] = []): Promise<R[]> =>
    (await node(c).app.deps.db.query<R>(sql, params)).rows;
  const audited = async (c: Code, action: string): Promise<Record<string, unknown>[]> =>
    (
      await rows<{ details: Record<string, unknown> }>(
        c,
        `SELECT details FROM audit_log WHERE authority = $1 AND action = $2
         UNION ALL SELECT details FROM audit_pending WHERE authority = $1 AND action = $2`,
        [c, action],
      )
    ).map((r) => r.details);

  let first = '';

  test('a RIF issued at NL reaches BE exactly once; BE’s reading and feedback come back to NL', async () => {
    const now = node('NL').app.clock.now();
    const id = await issue(rifBody(now));
    first = id;
    await eventually('the RIF in BE’s inbox', async () =>
      (await inboxOf('BE')).includes(id) ? true : undefined,
    );
    const be = node('BE').app;
    const { rif, delivery } = await be.deps.rifs.get(actor('BE', 'analyst'), id);
    assert.equal(rif.issuer, 'NL');
    assert.equal(rif.title, 'Counterfeit smartphones from Shenzhen');
    assert.equal(delivery?.state, 'read');
    assert.deepEqual(await rows(`BE`, `SELECT rif_id FROM rif_delivery WHERE rif_id = $1`, [id]), [
      { rif_id: id },
    ]);
    const applied = await rows<{ n: number }>(
      'BE',
      `SELECT count(*)::int AS n FROM federation_inbox WHERE peer = 'NL' AND status = 'applied' AND kind = 'rif.issued'`,
    );
    assert.equal(applied[0]!.n, 1, 'applied once');
    assert.ok((await audited('BE', 'rif.received')).some((d) => d['via'] === 'federation'));
    assert.deepEqual(await inboxOf('DE'), [], 'DE was not a recipient');

    await be.deps.rifs.giveFeedback(actor('BE', 'analyst'), id, {
      usefulness: 'useful',
      comment: 'two seizures',
    });
    const nl = node('NL').app;
    const view = await eventually('BE’s feedback at NL', async () => {
      const v = await nl.deps.rifs.feedbackOf(actor('NL', 'analyst'), id);
      return v.feedback.length > 0 ? v : undefined;
    });
    assert.equal(view.feedback[0]!.authority, 'BE');
    assert.equal(view.feedback[0]!.comment, 'two seizures');
    assert.equal(
      view.recipients.find((r) => r.authority === 'BE')?.state,
      'read',
      'BE’s read mark came back',
    );
  });

  test('with BE’s link cut, NL queues two RIFs; BE gets both after the link returns, in order, once', async () => {
    const be = node('BE');
    await be.nats.stop();
    const now = node('NL').app.clock.now();
    const second = await issue(rifBody(now, { title: 'Second: undervalued e-bikes' }));
    const third = await issue(rifBody(now, { title: 'Third: e-bike batteries' }));
    // NL's relay tries, fails and keeps both in its queue.
    await eventually('NL’s failed attempt', async () => {
      const r = await rows<{ attempts: number }>(
        'NL',
        `SELECT attempts FROM federation_outbox WHERE peer = 'BE' AND sent_at IS NULL ORDER BY id`,
      );
      return r.length === 2 && r[0]!.attempts > 0 ? true : undefined;
    });
    const status = (await node('NL').app.deps.federation.listPeers()).find((p) => p.code === 'BE')!;
    assert.equal(status.pending, 2);
    assert.notEqual(status.lastError, null);
    assert.ok(!(await inboxOf('BE')).includes(second));

    await be.nats.restart();
    await eventually('both RIFs at BE', async () => {
      const inbox = await inboxOf('BE');
      return inbox.includes(second) && inbox.includes(third) ? true : undefined;
    });
    // In the order NL issued them, each applied once: the audit of what BE applied, by sequence number.
    const applied = (await audited('BE', 'federation.received'))
      .filter((d) => d['kind'] === 'rif.issued')
      .sort((a, b) => Number(a['seq']) - Number(b['seq']));
    assert.deepEqual(
      applied.map((d) => d['ref']),
      [`rif:${first}@1`, `rif:${second}@1`, `rif:${third}@1`],
    );
    const deliveries = await rows<{ n: number }>(
      'BE',
      `SELECT count(*)::int AS n FROM rif_delivery WHERE authority = 'BE' AND rif_id = ANY ($1::text[])`,
      [[first, second, third]],
    );
    assert.equal(deliveries[0]!.n, 3, 'each delivered once');
    const pending = (await node('NL').app.deps.federation.listPeers()).find((p) => p.code === 'BE')!;
    assert.equal(pending.pending, 0);
  });

  /** Publishes raw bytes into a node's inbound stream, as a peer (or an intruder) with access could. */
  const publishTo = async (c: Code, subject: string, data: string): Promise<void> => {
    const nc = await connect({ servers: node(c).nats.url });
    try {
      await jetstream(nc).publish(subject, data, { msgID: randomUUID() });
    } finally {
      await nc.close();
    }
  };
  const rejections = async (c: Code, code: string): Promise<Record<string, unknown>[]> =>
    (await audited(c, 'federation.rejected')).filter((d) => d['code'] === code);

  test('a bad signature, a replay and a reordered message are refused, kept and audited; nothing applied twice', async () => {
    const nl = node('NL').app;
    const before = await rows<{ n: number }>(
      'BE',
      `SELECT count(*)::int AS n FROM federation_inbox WHERE status = 'applied'`,
    );
    const last = (
      await rows<{ in_epoch: string; last_in_seq: string }>(
        'BE',
        `SELECT in_epoch, last_in_seq FROM federation_peer WHERE code = 'NL'`,
      )
    )[0]!;
    const epoch = Number(last.in_epoch);
    const seq = Number(last.last_in_seq);
    const forgedBody = { rif: { id: 'NL-RIF-FORGED' }, recipients: ['BE'] };
    const unsigned = {
      v: 1 as const,
      from: 'NL',
      to: 'BE',
      epoch,
      kind: 'rif.issued' as const,
      at: nl.clock.now().toISOString(),
      body: forgedBody,
    };

    // 1. Signed by a key that is not NL's (same key id claimed, so only the signature can tell).
    const intruder = generateKeyPairSync('ed25519').privateKey;
    const nlKeyId = nl.deps.federation.publicKey().keyId;
    const bad = signMessage({ ...unsigned, id: randomUUID(), seq: seq + 1, keyId: nlKeyId }, intruder);
    await publishTo('BE', inboundSubject('NL'), JSON.stringify(bad));
    await eventually('the bad signature refused', async () =>
      (await rejections('BE', 'VIGIL_FEDERATION_BAD_SIGNATURE')).length > 0 ? true : undefined,
    );
    const kept = await rows<{ status: string; code: string }>(
      'BE',
      `SELECT status, code FROM federation_inbox WHERE id = $1`,
      [bad.id],
    );
    assert.deepEqual(kept, [{ status: 'rejected', code: 'VIGIL_FEDERATION_BAD_SIGNATURE' }]);

    // 2. A message NL really sent, published again (a replay past the stream's duplicate window).
    const sent = (
      await rows<{ envelope: string }>(
        'NL',
        `SELECT envelope FROM federation_outbox WHERE peer = 'BE' AND kind = 'rif.issued' ORDER BY seq LIMIT 1`,
      )
    )[0]!.envelope;
    await publishTo('BE', inboundSubject('NL'), sent);
    await eventually('the replay refused', async () =>
      (await rejections('BE', 'VIGIL_FEDERATION_REPLAY')).some((d) => d['id'] === JSON.parse(sent).id)
        ? true
        : undefined,
    );

    // 3. Signed with NL's real key but skipping a number (reordered or a message held back).
    const nlKey = createPrivateKey(readFileSync(join(nl.dataDir, 'federation.key'), 'utf8'));
    assert.equal(keyIdOf(createPublicKey(nlKey)), nlKeyId);
    const skipping = signMessage({ ...unsigned, id: randomUUID(), seq: seq + 2, keyId: nlKeyId }, nlKey);
    await publishTo('BE', inboundSubject('NL'), JSON.stringify(skipping));
    await eventually('the reordered message refused', async () =>
      (await rejections('BE', 'VIGIL_FEDERATION_OUT_OF_ORDER')).some((d) => d['id'] === skipping.id)
        ? true
        : undefined,
    );

    // 4. Garbage on the subject: refused as malformed, audited.
    await publishTo('BE', inboundSubject('NL'), 'not json at all');
    await eventually('the malformed message refused', async () =>
      (await rejections('BE', 'VIGIL_FEDERATION_MALFORMED')).length > 0 ? true : undefined,
    );

    const afterwards = await rows<{ n: number }>(
      'BE',
      `SELECT count(*)::int AS n FROM federation_inbox WHERE status = 'applied'`,
    );
    assert.equal(afterwards[0]!.n, before[0]!.n, 'nothing applied');
    assert.deepEqual(await rows('BE', `SELECT id FROM rif WHERE id = 'NL-RIF-FORGED'`), []);
    const deliveries = await rows<{ n: number }>(
      'BE',
      `SELECT count(*)::int AS n FROM rif_delivery WHERE rif_id = $1`,
      [first],
    );
    assert.equal(deliveries[0]!.n, 1, 'the replayed RIF is still delivered once');

    // The real sequence goes on: NL's next RIF is applied as usual.
    const next = await issue(rifBody(nl.clock.now(), { title: 'After the intruders' }));
    await eventually('NL’s next RIF at BE', async () =>
      (await inboxOf('BE')).includes(next) ? true : undefined,
    );
  });

  test('a TLP RED RIF for BE never appears in DE’s stream or database; an AMBER one to all reaches DE', async () => {
    const nl = node('NL').app;
    const now = nl.clock.now();
    const red = await issue(
      rifBody(now, {
        title: 'RED: informant on a container',
        recipients: ['BE'],
        handling: { tlp: 'RED', code: 'H2', sourceReliability: 'A', informationAccuracy: 1 },
      }),
    );
    const amber = await issue(rifBody(now, { title: 'AMBER to every customs authority', recipients: 'all' }));
    await eventually('both at BE and the AMBER one at DE', async () => {
      const be = await inboxOf('BE');
      return be.includes(red) && be.includes(amber) && (await inboxOf('DE')).includes(amber)
        ? true
        : undefined;
    });
    assert.ok(!(await inboxOf('DE')).includes(red));
    assert.deepEqual(await rows('DE', `SELECT id FROM rif WHERE id = $1`, [red]), []);
    assert.deepEqual(
      await rows('NL', `SELECT id FROM federation_outbox WHERE peer = 'DE' AND body::text LIKE $1`, [
        `%${red}%`,
      ]),
      [],
      'NL never queued it for DE',
    );
    // Every message DE's inbound stream ever stored, read back: none names the RED RIF.
    const nc = await connect({ servers: node('DE').nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info(FEDERATION_STREAM);
      assert.ok(info.state.messages > 0, 'DE’s stream holds what was sent to DE');
      for (let s = info.state.first_seq; s <= info.state.last_seq; s++) {
        const m = await jsm.streams.getMessage(FEDERATION_STREAM, { seq: s });
        assert.ok(m !== null && !m.string().includes(red), `stream message ${s} names the RED RIF`);
      }
    } finally {
      await nc.close();
    }
  });

  test('a control result BE’s sharing policy grants NL is in NL’s shared records', async () => {
    const be = node('BE').app;
    await be.deps.sharing.replacePolicy(actor('BE', 'admin'), {
      rules: [{ category: 'control-results', receiver: 'NL', level: 'summary' }],
    });
    const at = be.clock.now();
    await be.deps.db.forAuthority('BE').transaction((tx) =>
      be.deps.sharing.onControlResult(tx, {
        authority: 'BE',
        resultId: 'res-1',
        mrn: '27BE000000000000A1',
        seq: 1,
        ruleIds: [],
        controlType: 'physical',
        result: 'seizure',
        details: { category: 'counterfeit', quantity: 40, unit: 'pieces' },
        at,
        actor: 'be-officer',
      } as never),
    );
    const shared = await eventually('the result at NL', async () => {
      const r = await node('NL').app.deps.sharing.shared(actor('NL', 'analyst'), {});
      return r.length > 0 ? r : undefined;
    });
    assert.equal(shared[0]!.source, 'BE');
    assert.equal(shared[0]!.category, 'control-results');
    assert.equal(shared[0]!.data['result'], 'seizure');
    assert.equal(shared[0]!.data['mrn'], undefined, 'a summary carries no MRN');
    assert.deepEqual(await rows('DE', `SELECT id FROM shared_record`), [], 'DE was granted nothing');
    assert.deepEqual(
      errors.filter((e) => !/CONNECTION|closed|timeout|503/i.test(e)),
      [],
    );
  });

  test('a joint operation coordinated at NL: BE and DE receive it, BE accepts and its criteria run at BE, messages reach every node, BE’s figures are pooled at NL', async () => {
    const nl = node('NL').app;
    const be = node('BE').app;
    const now = nl.clock.now();
    const sample = validFiling(now, { lrn: 'FED-OP-0' });
    const chapter = String(sample['consignments'][0].goods[0].hsCode).slice(0, 4);
    const created = await nl.deps.operations.create(actor('NL', 'coordinator'), {
      kind: 'jco',
      title: 'Federated JCO',
      objective: 'Goods of one heading across three national nodes.',
      scope: {},
      start: now.toISOString(),
      end: new Date(now.getTime() + 14 * DAY).toISOString(),
      interimReview: new Date(now.getTime() + 7 * DAY).toISOString(),
      participants: [{ authority: 'BE' }, { authority: 'DE' }],
      criteria: [
        {
          title: `Heading ${chapter}`,
          condition: `goods.exists(g, g.hsCode.startsWith("${chapter}"))`,
          riskArea: 'security-safety',
          weight: 70,
          severity: 'high',
          recommendedAction: 'physical-check',
          reason: 'The operation’s goods',
        },
      ],
    });
    for (const c of ['BE', 'DE'] as const) {
      const op = await eventually(`the operation at ${c}`, async () =>
        node(c)
          .app.deps.operations.get(actor(c, 'analyst'), created.id)
          .catch(() => undefined),
      );
      assert.equal(op.coordinator, 'NL');
      assert.equal(op.criteria.length, 1);
    }

    await be.deps.operations.accept(actor('BE', 'analyst'), created.id);
    const rule = await be.deps.rules.get(actor('BE', 'analyst'), `${created.id}-c1`);
    assert.equal(rule.rule.status, 'active', 'the criterion is a live rule at BE');
    await eventually('BE’s acceptance at NL', async () => {
      const op = await nl.deps.operations.get(actor('NL', 'coordinator'), created.id);
      return op.participants.find((p) => p.authority === 'BE')?.state === 'accepted' ? true : undefined;
    });

    await be.deps.operations.postMessage(actor('BE', 'analyst'), created.id, {
      kind: 'alert',
      text: 'Suspect truck at the border',
    });
    for (const c of ['NL', 'DE'] as const) {
      await eventually(`BE’s message at ${c}`, async () => {
        const list = await node(c).app.deps.operations.messages(
          actor(c, c === 'NL' ? 'coordinator' : 'analyst'),
          created.id,
          50,
        );
        return list.some((m) => m.from === 'BE' && m.text === 'Suspect truck at the border')
          ? true
          : undefined;
      });
    }

    // A BE consignment the criterion hits, assessed at BE; BE's node sends its figures to NL.
    const filing = validFiling(now, { lrn: 'FED-OP-1' });
    filing['officeOfFirstEntry'] = 'BE101000';
    filing['transport'].routing = ['CN', 'SG', 'BE'];
    filing['consignments'][0].placeOfUnloading = 'BEANR';
    filing['consignments'][0].routing = ['CN', 'SG', 'BE'];
    const lodged = await be.server.app.inject({
      method: 'POST',
      url: '/v1/filings',
      headers: {
        authorization: `Bearer ${await be.token('BE', 'filer', 'be-filer')}`,
        'content-type': 'application/json',
      },
      payload: JSON.stringify(filing),
    });
    assert.equal(lodged.statusCode, 201, lodged.body);
    await assessPending(be);
    const own = await be.deps.operations.results(actor('BE', 'analyst'), created.id);
    const beOwn = own.participants.find((p) => p.authority === 'BE')!;
    assert.equal(beOwn.hitConsignments, 1);
    assert.equal(await be.deps.operations.shareFigures(), 1);
    const pooled = await eventually('BE’s figures at NL', async () => {
      const r = await nl.deps.operations.results(actor('NL', 'coordinator'), created.id);
      return r.participants.find((p) => p.authority === 'BE')?.hitConsignments === 1 ? r : undefined;
    });
    assert.deepEqual(
      pooled.participants.find((p) => p.authority === 'BE'),
      beOwn,
      'NL pools exactly the figures BE computed',
    );
    assert.equal(pooled.participants.find((p) => p.authority === 'DE')?.state, 'invited');
    assert.equal(pooled.total.hitConsignments, 1);
    assert.equal(pooled.total.screened, beOwn.screened);
  });

  test('a common criterion NL publishes for BE and DE runs as their own rule on their nodes, and retires there when NL withdraws it', async () => {
    const nl = node('NL').app;
    const id = 'NL-CRC-FED-1';
    const published = await nl.deps.commonCriteria.publish(actor('NL', 'coordinator'), {
      id,
      kind: 'crc',
      title: 'Electrical goods (chapter 85)',
      riskArea: 'product-safety',
      condition: 'goods.exists(g, g.hsCode.startsWith("85"))',
      weight: 80,
      severity: 'high',
      recommendedAction: 'physical-check',
      reason: 'Union-wide risk',
      scope: { members: ['BE', 'DE'] },
    });
    assert.equal(published.version, 1);
    const ruleAt = async (c: Code) =>
      node(c)
        .app.deps.rules.get(actor(c, 'analyst'), `crc.${id}`)
        .then((r) => r.rule)
        .catch(() => undefined);
    for (const c of ['BE', 'DE'] as const) {
      const rule = await eventually(`the criterion's rule at ${c}`, () => ruleAt(c));
      assert.equal(rule.status, 'active');
      assert.equal(rule.condition.includes('startsWith("85")'), true);
    }
    assert.equal(await ruleAt('NL'), undefined, 'NL is not a member');

    await nl.deps.commonCriteria.withdraw(actor('NL', 'coordinator'), id, { reason: 'risk over' });
    for (const c of ['BE', 'DE'] as const) {
      await eventually(`the rule retired at ${c}`, async () =>
        (await ruleAt(c))?.status === 'retired' ? true : undefined,
      );
    }
    const applied = await rows<{ n: number }>(
      'BE',
      `SELECT count(*)::int AS n FROM federation_inbox WHERE peer = 'NL' AND kind = 'criteria.published' AND status = 'applied'`,
    );
    assert.equal(applied[0]!.n, 2, 'published, then withdrawn: two versions, each applied once');
  });
});
