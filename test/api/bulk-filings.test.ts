/**
 * Bulk filing (issue 14, item 4): `POST /v1/filings/bulk` takes NDJSON and answers one NDJSON line per
 * filing, in input order, then a summary. Each line is lodged as POST /v1/filings lodges it: the same
 * MRNs on a resubmission, the same errors, the token's EORIs, rejections recorded; the byte and line
 * limits answer with their codes.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import type { BulkRunEnd } from '../../src/intake/bulk.routes.ts';
import { closeAfter, forEachDatabase, startTestApp, testClock } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { validFiling } from '../support/filings.ts';

interface Line {
  line?: number;
  status?: string;
  mrn?: string;
  lrn?: string;
  created?: boolean;
  code?: string;
  errors?: { code: string; path: string; message: string }[];
  summary?: { lines: number; registered: number; rejected: number; stopped?: { code: string; line: number } };
}

const ndjson = (lines: readonly unknown[]): string =>
  lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');

forEachDatabase('bulk filing API', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  const tok: Record<string, string> = {};
  closeAfter(() => t);

  before(async () => {
    t = await startTestApp(target, testClock(), {
      VIGIL_BULK_MAX_LINES: '5',
      VIGIL_BULK_WINDOW: '2',
      VIGIL_BULK_MAX_BYTES: String(64 * 1024),
      VIGIL_BODY_LIMIT_BYTES: String(8 * 1024),
    });
    tok['filer'] = await app().token('NL', 'filer', 'acme');
    tok['officer'] = await app().token('NL', 'officer', 'olga');
    tok['bound'] = await app().deps.tokens.issue({
      authority: 'NL',
      role: 'filer',
      subject: 'acme-nl',
      ttlSeconds: 3600,
      eoris: ['NL123456789'],
    });
  });

  const bulk = async (who: string, payload: string | Readable, headers: Record<string, string> = {}) => {
    const r = await app().server.app.inject({
      method: 'POST',
      url: '/v1/filings/bulk',
      headers: { authorization: `Bearer ${tok[who]!}`, 'content-type': 'application/x-ndjson', ...headers },
      payload,
    });
    const lines =
      r.headers['content-type']?.toString().startsWith('application/x-ndjson') === true
        ? r.body
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => JSON.parse(l) as Line)
        : [];
    return { r, lines };
  };
  const filing = (lrn: string, change: (f: Record<string, any>) => void = () => undefined) => {
    const f = validFiling(app().clock.now(), { lrn });
    change(f);
    return f;
  };

  /** How many filings `who` has under `lrn`. */
  const lodged = async (lrn: string, who = 'filer'): Promise<number> => {
    const r = await app().server.app.inject({
      method: 'GET',
      url: `/v1/filings?lrn=${lrn}`,
      headers: { authorization: `Bearer ${tok[who]!}` },
    });
    return (r.json().items as unknown[]).length;
  };

  describe('a mixed bulk', () => {
    const body = () =>
      ndjson([
        filing('BULK-1'),
        filing('BULK-2', (f) => (f['consignments'][0].containers[0].id = 'MSCU1234567')),
        '{"filingType": "F10", ',
        '',
        filing('BULK-4'),
      ]);
    const first: Line[] = [];

    test('each line is answered in order: registered with its MRN, or rejected with the errors', async () => {
      const rejectionsBefore = await app().count('filing_rejection');
      const { r, lines } = await bulk('filer', body());
      assert.equal(r.statusCode, 200, r.body);
      first.push(...lines);
      assert.deepEqual(
        lines.map((l) => [l.line, l.status]),
        [
          [1, 'registered'],
          [2, 'rejected'],
          [3, 'rejected'],
          [5, 'registered'],
          [undefined, undefined],
        ],
      );
      assert.equal(lines[0]!.lrn, 'BULK-1');
      assert.equal(lines[0]!.created, true);
      assert.equal(lines[1]!.lrn, 'BULK-2');
      assert.equal(lines[1]!.code, 'VIGIL_FILING_INVALID');
      assert.deepEqual(
        lines[1]!.errors!.map((e) => [e.code, e.path]),
        [['R3021', '$.consignments[0].containers[0].id']],
      );
      assert.equal(lines[2]!.code, 'VIGIL_BODY_NOT_JSON');
      assert.equal(lines[2]!.errors![0]!.path, '$');
      assert.deepEqual(lines[4]!.summary, { lines: 4, registered: 2, rejected: 2 });

      // The MRNs are those of stored filings, readable as a single filing is.
      for (const l of [lines[0]!, lines[3]!]) {
        const got = await app().server.app.inject({
          method: 'GET',
          url: `/v1/filings/${l.mrn!}`,
          headers: { authorization: `Bearer ${tok['filer']!}` },
        });
        assert.equal(got.statusCode, 200, got.body);
        assert.equal(got.json().lrn, l.lrn);
      }
      // The invalid filing is recorded as a refusal, as the single endpoint records it (a line that is
      // not JSON is not a filing, as a body that is not JSON is not one on the single endpoint).
      assert.equal(await app().count('filing_rejection'), rejectionsBefore + 1);
    });

    test('the same bulk again gives the same MRNs and registers nothing twice', async () => {
      const filings = await app().count('filing');
      const { r, lines } = await bulk('filer', body());
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(
        lines.map((l) => [l.line, l.status, l.mrn]),
        first.map((l) => [l.line, l.status, l.mrn]),
      );
      assert.equal(lines[0]!.created, false);
      assert.equal(await app().count('filing'), filings);
    });
  });

  test('a filer bound to one EORI gets a rejection for each line of another declarant', async () => {
    const { r, lines } = await bulk(
      'bound',
      ndjson([
        filing('BOUND-1'),
        filing(
          'BOUND-2',
          (f) => (f['declarant'] = { eori: 'DE123456789012345', name: 'Elektro Handel GmbH' }),
        ),
        filing('BOUND-3'),
      ]),
    );
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(
      lines.map((l) => [l.line, l.status, l.code]),
      [
        [1, 'registered', undefined],
        [2, 'rejected', 'VIGIL_EORI_NOT_BOUND'],
        [3, 'registered', undefined],
        [undefined, undefined, undefined],
      ],
    );
    assert.deepEqual(
      lines[1]!.errors!.map((e) => [e.code, e.path]),
      [['VIGIL_EORI_NOT_BOUND', '$.declarant.eori']],
    );
    assert.equal(await lodged('BOUND-2', 'bound'), 0);
  });

  test('more filings than the line limit: the first ones are answered, the rest is not processed', async () => {
    const lrns = ['MANY-1', 'MANY-2', 'MANY-3', 'MANY-4', 'MANY-5', 'MANY-6', 'MANY-7'];
    const { r, lines } = await bulk('filer', ndjson(lrns.map((l) => filing(l))));
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(lines.filter((l) => l.status === 'registered').length, 5);
    const summary = lines[lines.length - 1]!.summary!;
    assert.equal(summary.stopped?.code, 'VIGIL_BULK_TOO_MANY_LINES');
    assert.equal(summary.stopped?.line, 6);
    assert.equal(await lodged('MANY-6'), 0);
  });

  test('a body declared larger than the byte limit is refused whole with VIGIL_BULK_TOO_LARGE', async () => {
    const big = ndjson([filing('BIG-1'), 'x'.repeat(70 * 1024)]);
    const { r } = await bulk('filer', big);
    assert.equal(r.statusCode, 413, r.body);
    assert.equal(r.json().code, 'VIGIL_BULK_TOO_LARGE');
    assert.equal(await lodged('BIG-1'), 0);
  });

  test('a line longer than one filing may be is a rejected line; the lines around it are lodged', async () => {
    const { r, lines } = await bulk(
      'filer',
      ndjson([filing('LONG-1'), 'z'.repeat(10_000), filing('LONG-3')]),
    );
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(
      lines.map((l) => [l.line, l.status, l.code]),
      [
        [1, 'registered', undefined],
        [2, 'rejected', 'VIGIL_BODY_TOO_LARGE'],
        [3, 'registered', undefined],
        [undefined, undefined, undefined],
      ],
    );
  });

  test('a streamed body that grows beyond the byte limit stops there with VIGIL_BULK_TOO_LARGE', async () => {
    const stream = Readable.from([`${JSON.stringify(filing('STREAM-1'))}\n`, 'y'.repeat(70 * 1024)]);
    const { r, lines } = await bulk('filer', stream);
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(
      lines.map((l) => l.status ?? 'summary'),
      ['registered', 'summary'],
    );
    assert.equal(lines[1]!.summary!.stopped?.code, 'VIGIL_BULK_TOO_LARGE');
    assert.equal(lines[1]!.summary!.stopped?.line, 2);
  });

  test('a client that disconnects stops the run: the lines in the window are finished, no later line is read', async () => {
    const url = await app().server.app.listen({ port: 0, host: '127.0.0.1' });
    const filings = app().deps.filings;
    const log = app().deps.log;
    const info = log.info;
    // A window of two lines: line 2 is held inside the filing service until the server has seen the
    // client go away, and line 3 (read once line 1 was answered) is in the window beside it.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    let thirdIn!: () => void;
    const third = new Promise<void>((resolve) => (thirdIn = resolve));
    const register = filings.register.bind(filings);
    filings.register = async (actor, body, context) => {
      if ((body as { lrn?: string }).lrn === 'GONE-2') {
        holding();
        await gate;
      }
      if ((body as { lrn?: string }).lrn === 'GONE-3') {
        thirdIn();
      }
      return register(actor, body, context);
    };
    const ended = new Promise<BulkRunEnd>((resolve) => {
      (log as any).info = (obj: any, ...rest: any[]) => {
        if (obj?.bulk !== undefined) {
          resolve(obj.bulk as BulkRunEnd);
        }
        return (info as any).call(log, obj, ...rest);
      };
    });
    const serverSaw = new Promise<void>((resolve) =>
      app().server.app.server.once('connection', (socket) => socket.once('close', () => resolve())),
    );
    try {
      const req = httpRequest(`${url}/v1/filings/bulk`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tok['filer']!}`, 'content-type': 'application/x-ndjson' },
      });
      req.on('error', () => undefined);
      const firstLine = new Promise<Line>((resolve) =>
        req.on('response', (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString('utf8');
            if (text.includes('\n')) {
              resolve(JSON.parse(text.slice(0, text.indexOf('\n'))) as Line);
            }
          });
          res.on('error', () => undefined);
        }),
      );
      req.end(`${ndjson([filing('GONE-1'), filing('GONE-2'), filing('GONE-3'), filing('GONE-4')])}\n`);
      assert.equal((await firstLine).lrn, 'GONE-1');
      await held;
      await third;
      req.destroy();
      await serverSaw;
      release();
      const end = await ended;
      assert.deepEqual(end, { lines: 3, registered: 3, rejected: 0, stopped: undefined, answered: false });
    } finally {
      delete (filings as any).register;
      (log as any).info = info;
    }
    const lrns = [];
    for (const lrn of ['GONE-1', 'GONE-2', 'GONE-3', 'GONE-4']) {
      lrns.push([lrn, await lodged(lrn)]);
    }
    // The lines in the window are registered whole (a resubmission finds them); the next was never read.
    assert.deepEqual(lrns, [
      ['GONE-1', 1],
      ['GONE-2', 1],
      ['GONE-3', 1],
      ['GONE-4', 0],
    ]);
  });

  test('bulk filing needs the right to lodge filings, and NDJSON', async () => {
    const officer = await bulk('officer', ndjson([filing('OFFICER-1')]));
    assert.equal(officer.r.statusCode, 403, officer.r.body);
    const json = await bulk('filer', JSON.stringify(filing('JSON-1')), {
      'content-type': 'application/json',
    });
    assert.equal(json.r.statusCode, 415, json.r.body);
  });
});
