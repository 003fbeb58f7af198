/**
 * HTTP adapter of the reference data: the kinds, a kind's codes (searched, as valid on a day), one
 * code with its versions by date, and an admin's import of a CSV file (so the embedded default takes
 * imports while it serves; `vigil reference import` goes through here with --url).
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { REFERENCE_KINDS, REFERENCE_KIND_INFO } from '../domain/index.ts';
import type { ReferenceKind } from '../domain/index.ts';
import { actorOf, requirePermission } from '../auth/index.ts';
import { auditActor } from '../audit/index.ts';
import { jsonResponse, nextCursorQuery, operation, pageOf, textBody } from '../contract/index.ts';
import { VigilError, parseInput } from '../errors/index.ts';
import type { ReferenceService } from './reference.service.ts';

export interface ReferenceRoutesOptions {
  readonly reference: ReferenceService;
}

const kindParams = z.strictObject({
  kind: z.enum(REFERENCE_KINDS).describe('the reference list: hs, cn, taric, countries, currencies …'),
});
const codeParams = kindParams.extend({
  code: z.string().min(1).max(40).describe('the code (851762, NL, CT …)'),
});

const day = z.iso.date().describe('a day (YYYY-MM-DD)');

const listQuery = z.strictObject({
  q: z
    .string()
    .max(100)
    .optional()
    .describe('codes starting with it, or descriptions containing it (any case)'),
  at: day
    .optional()
    .describe(
      'only codes valid on this day, in their version of that day; default: every code, latest version',
    ),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  next: nextCursorQuery,
});

const importQuery = z.strictObject({
  skipBad: z
    .enum(['true', 'false'])
    .default('false')
    .describe('load the good rows and report the bad ones, instead of loading nothing'),
  source: z.string().max(200).optional().describe('what the file is called, for the import log'),
});

const codeSchema = z
  .object({
    kind: z.enum(REFERENCE_KINDS),
    code: z.string(),
    description: z.string(),
    validFrom: z.string().nullable().describe('first day valid; null: since always'),
    validUntil: z.string().nullable().describe('last day valid (inclusive); null: still valid'),
    parent: z.string().nullable().describe('the nomenclature code one level up'),
    attributes: z
      .record(z.string(), z.string())
      .describe('roles of an office, the edition of a nomenclature …'),
    source: z.string().describe('bundled:<dataset> for the data Vigil ships, import:<id> for an import'),
  })
  .meta({ id: 'ReferenceCode' });

const importRowSchema = z
  .object({
    id: z.int(),
    kind: z.enum(REFERENCE_KINDS),
    source: z.string(),
    sha256: z.string(),
    rowsRead: z.int(),
    rowsLoaded: z.int(),
    rowsSkipped: z.int(),
    importedBy: z.string(),
    authority: z.string().nullable(),
    at: z.string(),
  })
  .meta({ id: 'ReferenceImport' });

const fieldError = z.object({ code: z.string(), path: z.string(), message: z.string() });

const summarySchema = z.object({
  kind: z.enum(REFERENCE_KINDS),
  source: z.string(),
  rows: z.int().describe('data rows read'),
  loaded: z.int(),
  skipped: z.int(),
  importId: z.int().nullable(),
  errors: z.array(fieldError).describe('the rows skipped and why (at most 100)'),
  summary: z.string(),
});

const kindsSchema = z.object({
  items: z.array(
    z.object({
      kind: z.enum(REFERENCE_KINDS),
      title: z.string(),
      complete: z.boolean().describe('false: a code not on the list is not refused (the list is partial)'),
      codes: z.int(),
    }),
  ),
});

const EXAMPLE_CODE: z.output<typeof codeSchema> = {
  kind: 'hs',
  code: '851762',
  description:
    'Communication apparatus (excluding telephone sets or base stations); machines for the reception, conversion and transmission or regeneration of voice, images or other data, including switching and routing apparatus',
  validFrom: '2022-01-01',
  validUntil: null,
  parent: '8517',
  attributes: { edition: 'HS 2022', level: '6', section: 'XVI' },
  source: 'bundled:hs-2022',
};

const EXAMPLE_CSV =
  'code,description,valid_from,valid_until,parent\n85176200,"Machines for the reception, conversion and transmission of data",2024-01-01,,851762\n';

export const referenceRoutes: FastifyPluginCallback<ReferenceRoutesOptions> = (app, opts, done) => {
  const { reference } = opts;
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, next) => next(null, body));

  app.get(
    '/reference',
    {
      schema: operation({
        operationId: 'listReferenceKinds',
        permission: 'reference.read',
        tags: ['reference'],
        summary: 'The reference lists: the goods nomenclature and the codelists filings are checked against',
        responses: {
          200: jsonResponse('The lists', kindsSchema, {
            items: [{ kind: 'hs', title: REFERENCE_KIND_INFO.hs.title, complete: true, codes: 6936 }],
          }),
        },
      }),
    },
    (request) => {
      requirePermission(actorOf(request), 'reference.read');
      const lists = reference.lists();
      return {
        items: REFERENCE_KINDS.map((kind) => ({
          kind,
          title: REFERENCE_KIND_INFO[kind].title,
          complete: REFERENCE_KIND_INFO[kind].complete,
          codes: lists.size(kind),
        })),
      };
    },
  );

  app.get<{ Params: { kind: ReferenceKind } }>(
    '/reference/:kind',
    {
      schema: operation({
        operationId: 'listReferenceCodes',
        permission: 'reference.read',
        tags: ['reference'],
        summary: 'The codes of a list (?q= search, ?at= as valid on a day), a page at a time',
        params: kindParams,
        query: listQuery,
        responses: {
          200: jsonResponse('The codes', pageOf(codeSchema), { items: [EXAMPLE_CODE], next: '851762' }),
        },
      }),
    },
    (request) => {
      const p = parseInput(kindParams, request.params, 'VIGIL_QUERY_INVALID');
      const q = parseInput(listQuery, request.query, 'VIGIL_QUERY_INVALID');
      return reference.list(actorOf(request), p.kind, {
        q: q.q,
        at: q.at,
        limit: q.limit,
        after: q.next,
      });
    },
  );

  app.get<{ Params: { kind: ReferenceKind; code: string } }>(
    '/reference/:kind/:code',
    {
      schema: operation({
        operationId: 'getReferenceCode',
        permission: 'reference.read',
        tags: ['reference'],
        summary: 'One code: its versions by date, the codes under it (HS) and the imports that wrote it',
        params: codeParams,
        responses: {
          200: jsonResponse(
            'The code',
            z.object({
              kind: z.enum(REFERENCE_KINDS),
              code: z.string(),
              title: z.string().describe('the list it is on'),
              versions: z.array(codeSchema).describe('oldest first'),
              children: z
                .array(z.string())
                .describe('HS: the headings of a chapter, the subheadings of a heading'),
              imports: z.array(importRowSchema).describe('the imports that wrote its versions'),
            }),
            {
              kind: 'hs',
              code: '851762',
              title: REFERENCE_KIND_INFO.hs.title,
              versions: [EXAMPLE_CODE],
              children: [],
              imports: [
                {
                  id: 1,
                  kind: 'hs',
                  source: 'bundled:hs-2022',
                  sha256: 'e77ee9e1cfd15a42d1fadeb2c0618d10f6b9ed9aec0e5d66826dc7ef9d3126a5',
                  rowsRead: 6936,
                  rowsLoaded: 6936,
                  rowsSkipped: 0,
                  importedBy: 'vigil',
                  authority: null,
                  at: '2027-01-04T09:00:00.000Z',
                },
              ],
            },
          ),
        },
        errors: ['VIGIL_REFERENCE_NOT_FOUND'],
      }),
    },
    async (request) => {
      const p = parseInput(codeParams, request.params, 'VIGIL_QUERY_INVALID');
      const got = await reference.get(actorOf(request), p.kind, p.code);
      return { ...got, imports: got.imports.map((i) => ({ ...i, at: i.at.toISOString() })) };
    },
  );

  app.post<{ Params: { kind: ReferenceKind } }>(
    '/reference/:kind/imports',
    {
      // A CN or TARIC file is much larger than any filing.
      bodyLimit: 64 * 1024 * 1024,
      schema: operation({
        operationId: 'importReferenceData',
        permission: 'reference.write',
        tags: ['reference'],
        summary:
          'Import a CSV file of codes with validity dates (admins); malformed rows load nothing unless ?skipBad=true',
        description:
          'Each row replaces the version of its code that starts on the same day (valid_from), or adds one. Every malformed row is reported with its line (VIGIL_REFERENCE_ROW_INVALID); unless skipBad=true nothing is loaded when any is (VIGIL_REFERENCE_IMPORT_INVALID). The import is audited in your authority’s chain, and filings are checked against the new data at once.',
        consumes: ['text/csv'],
        params: kindParams,
        query: importQuery,
        body: textBody({
          'text/csv': {
            description:
              'a header row with `code` and `description`, and optionally `valid_from`, `valid_until` (YYYY-MM-DD, inclusive), `parent` (CN/TARIC: the code it extends), `roles` (customs offices: entry;import;export;transit); other columns are kept as attributes. Trade measures (`measures`) take TARIC’s measure columns instead: `measure_sid`, `measure_type_id`, `goods_nomenclature_item_id`, `geographical_area_id`, `measure_generating_regulation_id`, `validity_start_date` and optional ones (docs/registries.md, “Trade measures”)',
            example: EXAMPLE_CSV,
          },
        }),
        responses: {
          201: jsonResponse('Loaded (the summary says how many rows were skipped)', summarySchema, {
            kind: 'cn',
            source: 'cn-2024.csv',
            rows: 1,
            loaded: 1,
            skipped: 0,
            importId: 12,
            errors: [],
            summary: 'cn: 1 row(s) read, 1 loaded',
          }),
        },
        errors: ['VIGIL_REFERENCE_IMPORT_INVALID', 'VIGIL_REFERENCE_ROW_INVALID'],
      }),
    },
    async (request, reply) => {
      const actor = actorOf(request);
      reference.mayImport(actor);
      const p = parseInput(kindParams, request.params, 'VIGIL_QUERY_INVALID');
      const q = parseInput(importQuery, request.query, 'VIGIL_QUERY_INVALID');
      if (typeof request.body !== 'string') {
        throw new VigilError('VIGIL_UNSUPPORTED_MEDIA_TYPE', 'send the file as text/csv');
      }
      const summary = await reference.importFile(
        { authority: actor.authority, actor: auditActor(actor) },
        p.kind,
        request.body,
        { skipBad: q.skipBad === 'true', source: q.source },
      );
      return reply.status(201).send(summary);
    },
  );
  done();
};
