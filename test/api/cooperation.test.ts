/**
 * Cooperation between three authorities on one deployment, through the API on each database engine
 * (issue 9): NL issues a RIF to BE and DE and a TLP RED one to BE only; DE cannot see the RED one; BE
 * adopts the first (the generated rule is backtested on BE's own history and activated); a BE filing
 * that matches is hit with an explanation naming the RIF; a BE officer records a seizure; NL sees BE's
 * feedback without asking, and DE's shows as overdue after its due time; a partner agency sees exactly
 * what the sharing policy grants it and can issue a RIF to customs; every step is in the audit trail
 * of the authority that took it.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeAfter, forEachDatabase, sender, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';

const DAY = 86_400_000;

/** A BE filing of the default phones from China (what the RIF below describes). */
function beFiling(now: Date, lrn: string, consignor = 'Shenzhen Bright Electronics Co'): Record<string, any> {
  const f = validFiling(now, { lrn });
  f['officeOfFirstEntry'] = 'BE101000';
  f['transport'].routing = ['CN', 'SG', 'BE'];
  f['consignments'][0].placeOfUnloading = 'BEANR';
  f['consignments'][0].routing = ['CN', 'SG', 'BE'];
  f['consignments'][0].consignor.name = consignor;
  return f;
}

/** NL's RIF on counterfeit phones from a named Shenzhen shipper. */
function phonesRif(now: Date, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Counterfeit smartphones from Shenzhen',
    office: 'NL000396',
    riskArea: 'ipr',
    description:
      'Boxed smartphones with fake brand logos, declared at low value; check packaging and IMEI labels.',
    modusOperandi: 'Mixed with genuine stock in the same cartons',
    concealment: 'Inner boxes under genuine units',
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
    recipients: ['BE', 'DE'],
    handling: { tlp: 'AMBER', code: 'H2', sourceReliability: 'B', informationAccuracy: 2 },
    feedback: { required: true, dueAt: new Date(now.getTime() + 14 * DAY).toISOString() },
    ...over,
  };
}

forEachDatabase('cooperation between authorities', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);
  const tok: Record<string, string> = {};
  const send = sender(app, tok);

  const assessPending = async (authority: string): Promise<void> => {
    const events = await app().deps.db.query<{
      payload: { mrn: string; authority: string; version: number };
    }>(
      `SELECT payload FROM outbox WHERE topic = 'filing.ready' AND processed_at IS NULL AND payload->>'authority' = $1 ORDER BY id`,
      [authority],
    );
    for (const e of events.rows) {
      await app().deps.assessments.handleReady(e.payload);
    }
    await app().deps.db.query(
      `UPDATE outbox SET processed_at = now() WHERE processed_at IS NULL AND topic = 'filing.ready' AND payload->>'authority' = $1`,
      [authority],
    );
  };
  const auditActions = async (who: string): Promise<string[]> => {
    const r = await send('GET', '/v1/audit?limit=500', who);
    assert.equal(r.statusCode, 200, r.body);
    return r.json().entries.map((e: { action: string }) => e.action);
  };

  before(async () => {
    t = await startTestApp(target);
    for (const [who, authority, role] of [
      ['nl-admin', 'NL', 'admin'],
      ['nl-analyst', 'NL', 'analyst'],
      ['nl-coordinator', 'NL', 'coordinator'],
      ['nl-auditor', 'NL', 'auditor'],
      ['be-analyst', 'BE', 'analyst'],
      ['be-officer', 'BE', 'officer'],
      ['be-filer', 'BE', 'filer'],
      ['be-admin', 'BE', 'admin'],
      ['be-auditor', 'BE', 'auditor'],
      ['de-analyst', 'DE', 'analyst'],
      ['de-auditor', 'DE', 'auditor'],
      ['police', 'BEPO', 'partner'],
      ['police-admin', 'BEPO', 'admin'],
    ] as const) {
      tok[who] = await app().token(authority, role, who);
    }
    for (const [code, name, kind] of [
      ['NL', 'Dutch Customs', 'customs'],
      ['BE', 'Belgian Customs', 'customs'],
      ['DE', 'German Customs', 'customs'],
      ['BEPO', 'Belgian Federal Police', 'partner'],
    ]) {
      const r = await send('PUT', `/v1/authorities/${code}`, 'nl-admin', { name, kind });
      assert.equal(r.statusCode, 200, r.body);
    }
  });

  test('the whole story: issue, restrict, adopt, hit, seize, feed back, overdue, share, audit', async () => {
    const start = app().clock.now();
    // BE shares its seizures with the police (summary) and its control results with NL (full).
    const policy = await send('PUT', '/v1/sharing-policies', 'be-admin', {
      rules: [
        { category: 'seizures', receiver: 'BEPO', level: 'summary' },
        { category: 'control-results', receiver: 'NL', level: 'full' },
      ],
    });
    assert.equal(policy.statusCode, 200, policy.body);

    // BE's history before the RIF: one matching consignment the backtest must find.
    const old = await send('POST', '/v1/filings', 'be-filer', beFiling(start, 'BE-OLD-1'));
    assert.equal(old.statusCode, 201, old.body);
    await assessPending('BE');
    app().clock.advance(DAY);
    const now = app().clock.now();

    // NL drafts and issues the RIF to BE and DE, and a TLP RED one to BE only.
    const draft = await send('POST', '/v1/rifs', 'nl-analyst', phonesRif(now));
    assert.equal(draft.statusCode, 201, draft.body);
    const rifId: string = draft.json().rif.id;
    assert.equal(draft.json().rif.status, 'draft');
    const red = await send(
      'POST',
      '/v1/rifs',
      'nl-analyst',
      phonesRif(now, {
        title: 'Informant: container of weapons parts',
        riskArea: 'security',
        indicators: { containers: ['MSCU1234566'] },
        recipients: ['BE'],
        handling: { tlp: 'RED', code: 'H1', sourceReliability: 'A', informationAccuracy: 1 },
        feedback: { required: false },
      }),
    );
    assert.equal(red.statusCode, 201, red.body);
    const redId: string = red.json().rif.id;
    // A draft is the issuer's alone.
    assert.equal((await send('GET', `/v1/rifs/${rifId}`, 'be-analyst')).statusCode, 404);
    const issued = await send('POST', `/v1/rifs/${rifId}/issue`, 'nl-analyst');
    assert.equal(issued.statusCode, 200, issued.body);
    assert.deepEqual(issued.json().deliveredTo, ['BE', 'DE']);
    assert.equal((await send('POST', `/v1/rifs/${redId}/issue`, 'nl-analyst')).statusCode, 200);

    // DE sees the first in its inbox, not the RED one, and cannot read the RED one by id.
    const deInbox = await send('GET', '/v1/rifs', 'de-analyst');
    assert.deepEqual(
      deInbox.json().items.map((e: { rif: { id: string } }) => e.rif.id),
      [rifId],
    );
    assert.deepEqual(deInbox.json().items[0].labels, ['unread', 'feedback-due']);
    const deRed = await send('GET', `/v1/rifs/${redId}`, 'de-analyst');
    assert.equal(deRed.statusCode, 404);
    assert.equal(deRed.json().code, 'VIGIL_RIF_NOT_FOUND');
    const beInbox = await send('GET', '/v1/rifs', 'be-analyst');
    assert.deepEqual(
      beInbox
        .json()
        .items.map((e: { rif: { id: string } }) => e.rif.id)
        .sort(),
      [rifId, redId].sort(),
    );

    // BE reads and adopts it in one step: generated, type-checked, backtested on BE's history, live.
    const read = await send('GET', `/v1/rifs/${rifId}`, 'be-analyst');
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().delivery.state, 'read');
    assert.equal(read.json().deliveries, undefined, 'a recipient does not see who else received it');
    // The preview first: the rule it would make, backtested on BE's history, stored nowhere.
    const preview = await send('POST', `/v1/rifs/${rifId}/adoption`, 'be-analyst', { dryRun: true });
    assert.equal(preview.statusCode, 200, preview.body);
    assert.equal(preview.json().backtest.consignmentsHit, 1, 'the preview finds BE-OLD-1 too');
    assert.equal(preview.json().backtest.addedControlLoad, 1, 'BE-OLD-1 was never controlled');
    assert.equal(preview.json().backtest.daily.length, 91, 'every calendar day of the last 90 days');
    assert.equal(preview.json().delivery.state, 'read', 'a preview decides nothing');
    assert.equal((await send('GET', `/v1/rules/${preview.json().rule.id}`, 'be-analyst')).statusCode, 404);
    const adoption = await send('POST', `/v1/rifs/${rifId}/adoption`, 'be-analyst', {});
    assert.equal(adoption.statusCode, 201, adoption.body);
    const adopted = adoption.json();
    assert.equal(adopted.activated, true);
    assert.equal(adopted.rule.status, 'active');
    assert.equal(adopted.delivery.state, 'adopted');
    assert.equal(adopted.backtest.consignmentsHit, 1, 'the backtest finds BE-OLD-1 in BE’s own history');
    const ruleId: string = adopted.rule.id;
    const rule = await send('GET', `/v1/rules/${ruleId}`, 'be-analyst');
    assert.equal(rule.statusCode, 200);
    assert.match(rule.json().rule.condition, /8517/);
    assert.equal(
      (await send('GET', `/v1/rules/${ruleId}`, 'nl-analyst')).statusCode,
      404,
      'the rule is BE’s own',
    );

    // A BE filing that matches is hit, and the explanation names the RIF.
    const hit = await send('POST', '/v1/filings', 'be-filer', beFiling(now, 'BE-NEW-1'));
    assert.equal(hit.statusCode, 201, hit.body);
    const miss = await send(
      'POST',
      '/v1/filings',
      'be-filer',
      beFiling(now, 'BE-NEW-2', 'Guangzhou Garden Tools Ltd'),
    );
    assert.equal(miss.statusCode, 201, miss.body);
    await assessPending('BE');
    const assessment = await send('GET', `/v1/filings/${hit.json().mrn}/assessment`, 'be-analyst');
    assert.equal(assessment.statusCode, 200, assessment.body);
    const rifHit = assessment.json().consignments[0].hits.find((h: { id: string }) => h.id === ruleId);
    assert.ok(rifHit, `no hit of ${ruleId} in ${assessment.body}`);
    assert.ok(JSON.stringify(rifHit).includes(rifId), 'the hit names the RIF');
    const missed = await send('GET', `/v1/filings/${miss.json().mrn}/assessment`, 'be-analyst');
    assert.equal(missed.json().status, 'assessed');
    assert.ok(
      !missed.json().consignments[0].hits.some((h: { id: string }) => h.id === ruleId),
      'another shipper is not hit',
    );

    // A BE officer records a seizure on the control the hit asked for.
    const queue = await send('GET', '/v1/controls?limit=100', 'be-officer');
    assert.equal(queue.statusCode, 200, queue.body);
    const task = queue.json().items.find((x: { mrn: string }) => x.mrn === hit.json().mrn);
    assert.ok(task, 'the hit made a control task');
    const seizure = await send('POST', `/v1/controls/${task.id}/result`, 'be-officer', {
      result: 'seizure',
      category: 'counterfeit',
      quantity: 250,
      unit: 'items',
      method: 'physical',
      remarks: 'officer Jansen found fake logos',
    });
    assert.equal(seizure.statusCode, 201, seizure.body);

    // NL sees BE's feedback without asking: the seizure, no personal data, no MRN (TLP AMBER).
    const fb = await send('GET', `/v1/rifs/${rifId}/feedback`, 'nl-analyst');
    assert.equal(fb.statusCode, 200, fb.body);
    assert.equal(fb.json().feedback.length, 1);
    const given = fb.json().feedback[0];
    assert.equal(given.authority, 'BE');
    assert.equal(given.kind, 'control');
    assert.equal(given.result, 'seizure');
    assert.deepEqual(given.seizure, { category: 'counterfeit', quantity: 250, unit: 'items' });
    assert.equal(given.mrn, null);
    assert.ok(!JSON.stringify(fb.json()).includes('Jansen'), 'remarks stay home');
    assert.deepEqual(
      fb
        .json()
        .recipients.map((r: { authority: string; feedbackCount: number; overdue: boolean }) => [
          r.authority,
          r.feedbackCount,
          r.overdue,
        ]),
      [
        ['BE', 1, false],
        ['DE', 0, false],
      ],
    );

    // After the due time DE's missing feedback is overdue, for NL and in DE's inbox.
    app().clock.advance(15 * DAY);
    const late = await send('GET', `/v1/rifs/${rifId}/feedback`, 'nl-analyst');
    assert.deepEqual(
      late.json().recipients.map((r: { authority: string; overdue: boolean }) => [r.authority, r.overdue]),
      [
        ['BE', false],
        ['DE', true],
      ],
    );
    const deOverdue = await send('GET', '/v1/rifs?label=overdue', 'de-analyst');
    assert.deepEqual(
      deOverdue.json().items.map((e: { rif: { id: string } }) => e.rif.id),
      [rifId],
    );

    // Shared results: the police get the seizure in summary, NL the control result in full, DE nothing.
    const police = await send('GET', '/v1/shared-results', 'police');
    assert.equal(police.statusCode, 200, police.body);
    assert.equal(police.json().items.length, 1);
    const ps = police.json().items[0];
    assert.equal(ps.source, 'BE');
    assert.equal(ps.category, 'seizures');
    assert.equal(ps.level, 'summary');
    assert.deepEqual(ps.data.seizure, { category: 'counterfeit', quantity: 250, unit: 'items' });
    assert.equal(ps.data.mrn, undefined, 'a summary names no consignment');
    const nlShared = await send('GET', '/v1/shared-results', 'nl-analyst');
    assert.deepEqual(
      nlShared
        .json()
        .items.map((x: { category: string; data: { mrn?: string } }) => [x.category, x.data.mrn]),
      [['control-results', hit.json().mrn]],
    );
    assert.deepEqual((await send('GET', '/v1/shared-results', 'de-analyst')).json().items, []);
    // … and nothing else: no RIF, no filing, no control.
    assert.equal((await send('GET', `/v1/rifs/${rifId}`, 'police')).statusCode, 404);
    assert.deepEqual((await send('GET', '/v1/rifs', 'police')).json().items, []);
    assert.equal((await send('GET', '/v1/controls', 'police')).statusCode, 403);
    assert.equal((await send('GET', `/v1/filings/${hit.json().mrn}`, 'police')).statusCode, 403);
    assert.equal((await send('GET', '/v1/rules', 'police')).statusCode, 403);

    // The partner agency issues a RIF to customs.
    const policeRif = await send(
      'POST',
      '/v1/rifs',
      'police',
      phonesRif(app().clock.now(), {
        title: 'Cash couriers via Antwerp',
        office: undefined,
        riskArea: 'cash',
        indicators: { places: ['BEANR'], modes: ['maritime'] },
        recipients: ['BE'],
        feedback: { required: false },
      }),
    );
    assert.equal(policeRif.statusCode, 201, policeRif.body);
    assert.equal((await send('POST', `/v1/rifs/${policeRif.json().rif.id}/issue`, 'police')).statusCode, 200);
    const beNow = await send('GET', '/v1/rifs?label=unread', 'be-analyst');
    assert.ok(
      beNow
        .json()
        .items.some(
          (e: { rif: { id: string; issuer: string } }) =>
            e.rif.id === policeRif.json().rif.id && e.rif.issuer === 'BEPO',
        ),
    );

    // Every step is in the audit trail of the authority that took it.
    const nlTrail = await auditActions('nl-auditor');
    for (const a of ['directory.changed', 'rif.drafted', 'rif.issued', 'shared.read']) {
      assert.ok(nlTrail.includes(a), `NL's trail lacks ${a}`);
    }
    const beTrail = await auditActions('be-auditor');
    for (const a of [
      'sharing.changed',
      'rif.read',
      'rule.created',
      'rif.adopted',
      'control.result-recorded',
      'rif.feedback-given',
      'shared.granted',
    ]) {
      assert.ok(beTrail.includes(a), `BE's trail lacks ${a}`);
    }
    assert.ok(
      (await auditActions('police-admin')).includes('shared.read'),
      'the partner’s reads are audited',
    );
  });

  test('a recipient notes or declines (with a reason); withdrawal retires the adopted rule', async () => {
    const now = app().clock.now();
    const draft = await send(
      'POST',
      '/v1/rifs',
      'nl-analyst',
      phonesRif(now, { recipients: 'all', indicators: { goodsCodes: ['9503'], origins: ['CN'] } }),
    );
    assert.equal(draft.statusCode, 201, draft.body);
    const id: string = draft.json().rif.id;
    const issued = await send('POST', `/v1/rifs/${id}/issue`, 'nl-analyst');
    assert.deepEqual(
      issued.json().deliveredTo,
      ['BE', 'DE'],
      '"all" is every customs authority but the issuer',
    );
    const noReason = await send('POST', `/v1/rifs/${id}/decision`, 'de-analyst', { decision: 'declined' });
    assert.equal(noReason.statusCode, 422);
    assert.deepEqual(
      noReason.json().errors.map((e: { code: string; path: string }) => [e.code, e.path]),
      [['VIGIL_SCHEMA_REQUIRED', '$.reason']],
    );
    const declined = await send('POST', `/v1/rifs/${id}/decision`, 'de-analyst', {
      decision: 'declined',
      reason: 'no such traffic at our ports',
    });
    assert.equal(declined.statusCode, 200, declined.body);
    assert.equal(declined.json().state, 'declined');
    const adoption = await send('POST', `/v1/rifs/${id}/adoption`, 'be-analyst', {});
    assert.equal(adoption.statusCode, 201, adoption.body);
    const ruleId: string = adoption.json().rule.id;

    // An amendment makes version 2; BE sees it as amended.
    const amended = await send(
      'PUT',
      `/v1/rifs/${id}`,
      'nl-analyst',
      phonesRif(now, {
        recipients: 'all',
        title: 'Toys with lead paint',
        indicators: { goodsCodes: ['9503'], origins: ['CN', 'HK'] },
      }),
    );
    assert.equal(amended.statusCode, 200, amended.body);
    assert.equal(amended.json().rif.version, 2);
    const beInbox = await send('GET', '/v1/rifs', 'be-analyst');
    const entry = beInbox.json().items.find((e: { rif: { id: string } }) => e.rif.id === id);
    assert.deepEqual(entry.labels.slice(0, 2), ['adopted', 'amended']);
    assert.equal(
      (await send('GET', `/v1/rifs/${id}?version=1`, 'be-analyst')).json().rif.indicators.origins.length,
      1,
    );

    // Only the issuer changes it; withdrawing retires BE's rule.
    assert.equal(
      (await send('POST', `/v1/rifs/${id}/withdrawal`, 'be-analyst', { reason: 'x' })).statusCode,
      403,
    );
    const withdrawn = await send('POST', `/v1/rifs/${id}/withdrawal`, 'nl-analyst', {
      reason: 'the shipper was prosecuted',
    });
    assert.equal(withdrawn.statusCode, 200, withdrawn.body);
    assert.equal(withdrawn.json().status, 'withdrawn');
    assert.equal((await send('GET', `/v1/rules/${ruleId}`, 'be-analyst')).json().rule.status, 'retired');
    assert.equal(
      (await send('POST', `/v1/rifs/${id}/adoption`, 'be-analyst', {})).json().code,
      'VIGIL_RIF_STATE',
    );
  });

  test('a dry run only shows the rule; a RIF past its validity expires, in the issuer’s audit trail', async () => {
    const now = app().clock.now();
    const draft = await send(
      'POST',
      '/v1/rifs',
      'nl-analyst',
      phonesRif(now, {
        validUntil: new Date(now.getTime() + 2 * DAY).toISOString(),
        indicators: { goodsCodes: ['8703'], dispatchCountries: ['TR'] },
        recipients: ['BE'],
        feedback: { required: false },
      }),
    );
    const id: string = draft.json().rif.id;
    await send('POST', `/v1/rifs/${id}/issue`, 'nl-analyst');
    const rulesBefore = (await send('GET', '/v1/rules', 'be-analyst')).json().items.length;
    const dry = await send('POST', `/v1/rifs/${id}/adoption`, 'be-analyst', { dryRun: true });
    assert.equal(dry.statusCode, 200, dry.body);
    assert.match(dry.json().rule.condition, /8703/);
    assert.deepEqual(
      dry.json().notExpressed.map((n: { indicator: string }) => n.indicator),
      ['dispatchCountries'],
    );
    assert.equal(
      (await send('GET', '/v1/rules', 'be-analyst')).json().items.length,
      rulesBefore,
      'a dry run stores nothing',
    );

    app().clock.advance(3 * DAY);
    assert.equal((await send('GET', `/v1/rifs/${id}`, 'be-analyst')).json().rif.status, 'expired');
    assert.ok((await app().deps.rifs.expireDue()) >= 1);
    assert.equal((await send('GET', `/v1/rifs/${id}`, 'nl-analyst')).json().rif.status, 'expired');
    const trail = await send('GET', `/v1/audit?action=rif.expired&subject=rif:${id}`, 'nl-auditor');
    assert.equal(trail.json().entries.length, 1);
    assert.equal(
      (await send('POST', `/v1/rifs/${id}/adoption`, 'be-analyst', {})).json().code,
      'VIGIL_RIF_STATE',
    );
  });

  test('STIX 2.1: a RIF exported with its feedback comes back as a draft with the same content', async () => {
    const now = app().clock.now();
    const body = phonesRif(now, {
      title: 'Undervalued e-bikes',
      riskArea: 'anti-dumping',
      indicators: {
        goodsCodes: ['871160'],
        origins: ['CN', 'KH'],
        routeCountries: ['MY'],
        unitValueRange: { max: 12 },
        operators: [{ role: 'consignee', eori: 'NL123456789' }],
      },
      recipients: ['BE'],
      handling: {
        tlp: 'GREEN',
        code: 'H3',
        restriction: 'not for court',
        sourceReliability: 'C',
        informationAccuracy: 3,
      },
    });
    const draft = await send('POST', '/v1/rifs', 'nl-analyst', body);
    const id: string = draft.json().rif.id;
    await send('POST', `/v1/rifs/${id}/issue`, 'nl-analyst');
    await send('POST', `/v1/rifs/${id}/feedback`, 'be-analyst', {
      usefulness: 'useful',
      comment: 'two hits',
      controlsDone: 2,
    });
    const bundle = await send('GET', `/v1/rifs/${id}/stix`, 'nl-analyst');
    assert.equal(bundle.statusCode, 200, bundle.body);
    assert.equal(bundle.json().type, 'bundle');
    const types = bundle.json().objects.map((o: { type: string }) => o.type);
    assert.ok(
      types.includes('report') && types.includes('indicator') && types.includes('sighting'),
      types.join(),
    );

    const imported = await send('POST', '/v1/rifs/import', 'de-analyst', bundle.json());
    assert.equal(imported.statusCode, 201, imported.body);
    assert.deepEqual(imported.json().source, { id, issuer: 'NL', version: 1 });
    const copy = imported.json().rif;
    assert.equal(copy.issuer, 'DE');
    assert.equal(copy.status, 'draft');
    const original = (await send('GET', `/v1/rifs/${id}`, 'nl-analyst')).json().rif;
    const content = (r: Record<string, unknown>) => {
      const {
        id: _i,
        issuer: _s,
        author: _a,
        status: _st,
        version: _v,
        createdAt: _c,
        updatedAt: _u,
        issuedAt: _ia,
        withdrawnAt: _w,
        withdrawalReason: _r,
        ...rest
      } = r;
      return rest;
    };
    assert.deepEqual(content(copy), content(original));

    const broken = await send('POST', '/v1/rifs/import', 'de-analyst', {
      type: 'bundle',
      id: 'bundle--nope',
      objects: [],
    });
    assert.equal(broken.statusCode, 422);
    assert.equal(broken.json().code, 'VIGIL_STIX_INVALID');
    assert.ok(broken.json().errors.length >= 2, broken.body);
  });

  test('watchlist entries and risk-analysis results are shared as the policy says, and follow the list', async () => {
    const policy = await send('PUT', '/v1/sharing-policies', 'be-admin', {
      rules: [
        { category: 'watchlist-entries', receiver: 'NL', level: 'full' },
        { category: 'risk-analysis', receiver: '*', level: 'summary' },
        { category: 'risk-analysis', receiver: 'NL', level: 'none' },
      ],
    });
    assert.equal(policy.statusCode, 200, policy.body);
    const bad = await send('PUT', '/v1/sharing-policies', 'be-admin', {
      rules: [
        { category: 'gossip', receiver: 'NL', level: 'full' },
        { category: 'seizures', receiver: 'ZZ', level: 'full' },
      ],
    });
    assert.equal(bad.statusCode, 422);
    assert.equal(bad.json().code, 'VIGIL_SHARING_POLICY_INVALID');

    const list = await send('POST', '/v1/watchlists', 'be-analyst', {
      name: 'shell-consignees',
      subject: 'operator-name',
      entries: [
        { value: 'Fake Trading BV', note: 'seen with counterfeit toys' },
        { value: 'Nowhere Imports Ltd' },
      ],
    });
    assert.equal(list.statusCode, 201, list.body);
    const nl = await send('GET', '/v1/shared-results?category=watchlist-entries', 'nl-analyst');
    assert.deepEqual(
      nl
        .json()
        .items.map((x: { data: { value: string; note: string | null } }) => [x.data.value, x.data.note])
        .sort(),
      [
        ['Fake Trading BV', 'seen with counterfeit toys'],
        ['Nowhere Imports Ltd', null],
      ],
    );
    assert.deepEqual(
      (await send('GET', '/v1/shared-results?category=watchlist-entries', 'de-analyst')).json().items,
      [],
    );
    const gone = await send(
      'DELETE',
      '/v1/watchlists/shell-consignees/entries?value=Nowhere%20Imports%20Ltd',
      'be-analyst',
    );
    assert.equal(gone.statusCode, 200, gone.body);
    const after = await send('GET', '/v1/shared-results?category=watchlist-entries', 'nl-analyst');
    assert.deepEqual(
      after.json().items.map((x: { data: { value: string } }) => x.data.value),
      ['Fake Trading BV'],
    );

    // A BE consignment selected for control: DE gets the risk found in summary, NL (excluded) nothing.
    const f = await send('POST', '/v1/filings', 'be-filer', beFiling(app().clock.now(), 'BE-RA-1'));
    assert.equal(f.statusCode, 201, f.body);
    await assessPending('BE');
    const de = await send('GET', '/v1/shared-results?category=risk-analysis', 'de-analyst');
    const mine = de.json().items.filter((x: { source: string }) => x.source === 'BE');
    assert.equal(mine.length, 1, de.body);
    assert.equal(mine[0].level, 'summary');
    assert.deepEqual(mine[0].data.hsChapters, ['85']);
    assert.deepEqual(mine[0].data.origins, ['CN']);
    assert.equal(mine[0].data.mrn, undefined);
    assert.deepEqual(
      (await send('GET', '/v1/shared-results?category=risk-analysis', 'nl-analyst')).json().items,
      [],
    );
  });

  test('bad RIFs are refused with every error at once, and nothing is stored', async () => {
    const before = await app().count('rif');
    const now = app().clock.now();
    const bad = await send(
      'POST',
      '/v1/rifs',
      'nl-analyst',
      phonesRif(now, {
        indicators: { valueRange: { min: 500, max: 100 } },
        recipients: ['BE', 'XX'],
        validFrom: new Date(now.getTime() - 30 * DAY).toISOString(),
        validUntil: new Date(now.getTime() - DAY).toISOString(),
        feedback: { required: false },
      }),
    );
    assert.equal(bad.statusCode, 422, bad.body);
    assert.equal(bad.json().code, 'VIGIL_RIF_INVALID');
    assert.deepEqual(
      bad
        .json()
        .errors.map((e: { code: string; path: string }) => `${e.code} ${e.path}`)
        .sort(),
      [
        'VIGIL_RIF_RANGE_INVALID $.indicators.valueRange',
        'VIGIL_RIF_RECIPIENT_UNKNOWN $.recipients[1]',
        'VIGIL_RIF_VALIDITY_INVALID $.validUntil',
      ],
    );
    const none = await send(
      'POST',
      '/v1/rifs',
      'nl-analyst',
      phonesRif(now, {
        indicators: {},
        recipients: 'all',
        handling: { tlp: 'RED', code: 'H3', sourceReliability: 'A', informationAccuracy: 1 },
      }),
    );
    assert.equal(none.statusCode, 422);
    assert.deepEqual(
      none
        .json()
        .errors.map((e: { code: string; path: string }) => `${e.code} ${e.path}`)
        .sort(),
      [
        'VIGIL_RIF_NO_INDICATOR $.indicators',
        'VIGIL_RIF_RED_NEEDS_RECIPIENTS $.recipients',
        'VIGIL_SCHEMA_REQUIRED $.handling.restriction',
      ],
    );
    assert.equal(await app().count('rif'), before);
    // A filer has no business with RIFs.
    assert.equal((await send('GET', '/v1/rifs', 'be-filer')).statusCode, 403);
  });

  test('a draft overlapping an active RIF shows it as a candidate duplicate; an unrelated one does not', async () => {
    const now = app().clock.now();
    const original = await send(
      'POST',
      '/v1/rifs',
      'nl-analyst',
      phonesRif(now, {
        indicators: {
          goodsCodes: ['240220'],
          origins: ['AE'],
          operators: [{ role: 'consignor', eori: 'AE123456789', name: 'Gulf Tobacco Trading LLC' }],
        },
        recipients: ['BE', 'DE'],
      }),
    );
    await send('POST', `/v1/rifs/${original.json().rif.id}/issue`, 'nl-analyst');
    const near = await send(
      'POST',
      '/v1/rifs',
      'de-analyst',
      phonesRif(now, {
        indicators: {
          goodsCodes: ['2402'],
          origins: ['AE'],
          operators: [{ role: 'consignor', name: 'GULF TOBACCO TRADING L.L.C.' }],
        },
        recipients: ['NL'],
      }),
    );
    assert.equal(near.statusCode, 201, near.body);
    const candidates = near.json().duplicates;
    assert.equal(candidates[0]?.id, original.json().rif.id, near.body);
    assert.ok(candidates[0].score >= 0.5);
    assert.ok(candidates[0].shared.length > 0, 'DE may read the original, so it sees what overlaps');
    const unrelated = await send(
      'POST',
      '/v1/rifs',
      'de-analyst',
      phonesRif(now, {
        indicators: {
          goodsCodes: ['0803'],
          origins: ['EC'],
          operators: [{ name: 'Banana Republic Exports SA' }],
        },
        recipients: ['NL'],
      }),
    );
    assert.ok(!unrelated.json().duplicates.some((c: { id: string }) => c.id === original.json().rif.id));
  });
});
