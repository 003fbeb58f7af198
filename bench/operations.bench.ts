/**
 * Joint operations bench (issue 11): how long the pooled results of an operation take to compute
 * (GET /v1/operations/{id}/results, which reads each participant's assessments in the window, its
 * control tasks named by the operation's rules and their results) on demo traffic. A test app
 * (PGlite in process, or PostgreSQL with VIGIL_TEST_DATABASE_URL) gets an operation with three
 * participants that accept, BENCH_FILINGS demo filings per participant lodged and assessed inside the
 * window, a result on every control task; then the results are read BENCH_RUNS times.
 *
 * Prints progress on stderr and one JSON line last on stdout:
 *   {"engine":…,"filingsPerParticipant":…,"consignments":…,"hits":…,"controls":…,"resultsP50Ms":…,"resultsP95Ms":…}
 *
 *   node bench/operations.bench.ts
 *   BENCH_FILINGS=500 BENCH_RUNS=30 node bench/operations.bench.ts
 */
import { generateDemoFilings } from '../src/demo/index.ts';
import { assessPending, databaseTargets, startTestApp } from '../test/support/test-app.ts';

const FILINGS = Number(process.env['BENCH_FILINGS'] ?? 200);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 20);
const T0 = Date.parse('2027-02-20T08:00:00Z');
const DAY = 86_400_000;
const PARTICIPANTS = ['NL', 'BE', 'DE'];
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 100) / 100;
};

const target = databaseTargets().at(-1)!;
const app = await startTestApp(target);
try {
  const req = async (method: 'GET' | 'POST' | 'PUT', url: string, token: string, body?: unknown) => {
    const r = await app.server.app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    if (r.statusCode >= 300) {
      throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
    }
    return r;
  };
  const admin = await app.token('EU', 'admin', 'root');
  const coord = await app.token('EU', 'coordinator', 'eu');
  for (const code of ['EU', ...PARTICIPANTS]) {
    await req('PUT', `/v1/authorities/${code}`, admin, { name: code, kind: 'customs' });
  }
  app.clock.set(new Date(T0));
  const criterion = (hs: string) => ({
    title: `chapter ${hs}`,
    condition: `goods.exists(g, g.hsCode.startsWith("${hs}"))`,
    riskArea: 'ipr',
    weight: 80,
    severity: 'high',
    recommendedAction: 'physical-check',
    reason: 'bench',
  });
  const op = (
    await req('POST', '/v1/operations', coord, {
      kind: 'jco',
      title: 'bench',
      objective: 'bench',
      scope: { goods: ['33', '64', '85', '87'] },
      start: new Date(T0 + DAY).toISOString(),
      end: new Date(T0 + 15 * DAY).toISOString(),
      interimReview: new Date(T0 + 8 * DAY).toISOString(),
      participants: PARTICIPANTS.map((authority) => ({ authority })),
      criteria: [criterion('33'), criterion('64')],
    })
  ).json<{ id: string }>();
  for (const p of PARTICIPANTS) {
    await req('POST', `/v1/operations/${op.id}/participation`, await app.token(p, 'analyst', 'a'));
  }
  app.clock.set(new Date(T0 + 3 * DAY));
  for (const [k, p] of PARTICIPANTS.entries()) {
    let n = 0;
    for (const f of generateDemoFilings({
      count: FILINGS,
      seed: k + 1,
      now: app.clock.now(),
      invalidShare: 0,
      riskyShare: 0.1,
    })) {
      await app.deps.filings.register({ subject: 'filer', authority: p, role: 'filer' }, f.filing);
      if (++n % 50 === 0) {
        await assessPending(app);
      }
    }
    await assessPending(app);
    const officer = await app.token(p, 'officer', 'o');
    const tasks = (await req('GET', '/v1/controls?limit=500', officer)).json<{ items: { id: string }[] }>()
      .items;
    for (const [i, t] of tasks.entries()) {
      await req(
        'POST',
        `/v1/controls/${t.id}/result`,
        officer,
        i % 2 === 0
          ? { result: 'seizure', category: 'counterfeit', quantity: 5, unit: 'items', method: 'physical' }
          : { result: 'no-irregularity', method: 'scan' },
      );
    }
    log(`${p}: ${FILINGS} filings, ${tasks.length} control results`);
  }
  app.clock.set(new Date(T0 + 16 * DAY));
  const times: number[] = [];
  let last: { total: { screened: number; hitConsignments: number; controls: number } } | undefined;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    last = (await req('GET', `/v1/operations/${op.id}/results`, coord)).json();
    times.push(performance.now() - t);
  }
  const consignments = await app.count('assessment');
  console.log(
    JSON.stringify({
      engine: target.engine,
      filingsPerParticipant: FILINGS,
      consignments,
      screened: last!.total.screened,
      hits: last!.total.hitConsignments,
      controls: last!.total.controls,
      resultsP50Ms: quantile(times, 0.5),
      resultsP95Ms: quantile(times, 0.95),
    }),
  );
} finally {
  await app.close();
}
