/**
 * HTTP adapter of cooperation: the directory of authorities (/v1/authorities), risk information forms
 * (/v1/rifs: draft, version, issue, withdraw, adopt, note or decline, feedback, STIX export and
 * import), sharing policies (/v1/sharing-policies) and the results others share (/v1/shared-results).
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.ts';
import { parseInput } from '../errors/index.ts';
import { feedbackInputSchema, rifInputSchema } from './rif.schema.ts';
import type { RifService } from './rif.service.ts';
import { SHARING_CATEGORIES, sharingPolicySchema } from './sharing.service.ts';
import type { SharingService } from './sharing.service.ts';
import type { StixExchange } from './stix-exchange.ts';
import { jsonBody, jsonResponse, noBody, operation } from '../contract/index.ts';
import {
  DELIVERY_EXAMPLE,
  FEEDBACK_EXAMPLE,
  RIF_EXAMPLE,
  RIF_INPUT_EXAMPLE,
  adoptionSchema,
  deliverySchema,
  directoryEntrySchema,
  feedbackSchema,
  feedbackViewSchema,
  issuedSchema,
  rifListSchema,
  rifSchema,
  rifViewSchema,
  rifWithDuplicatesSchema,
  sharedRecordSchema,
  sharingPolicyViewSchema,
  stixBundleSchema,
  stixImportSchema,
} from './rif.contract.ts';

export interface RifRoutesOptions {
  readonly rifs: RifService;
  readonly sharing: SharingService;
  readonly stix: StixExchange;
}

const rifBody = jsonBody(rifInputSchema, RIF_INPUT_EXAMPLE);
const idParams = z.object({ id: z.string().min(1).describe('the RIF') });
const codeParams = z.object({ code: z.string().min(1).describe('the authority code (NL, BE, EU …)') });
const versionQuery = z.strictObject({ version: z.coerce.number().int().min(1).optional() });
const RIF_CODES = ['VIGIL_RIF_NOT_FOUND', 'VIGIL_RIF_STATE'] as const;

const listQuery = z.strictObject({
  box: z.enum(['inbox', 'issued']).default('inbox'),
  label: z
    .enum([
      'unread',
      'read',
      'adopted',
      'noted',
      'declined',
      'amended',
      'feedback-due',
      'overdue',
      'withdrawn',
      'expired',
      'draft',
      'issued',
    ])
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
const adoptionInputSchema = z.strictObject({
  activate: z.boolean().default(true),
  dryRun: z.boolean().default(false),
  backtestDays: z.number().int().min(1).max(366).default(90),
});
const withdrawalSchema = z.strictObject({ reason: z.string().trim().min(1).max(1000) });
const decisionSchema = z.strictObject({
  decision: z.enum(['noted', 'declined']),
  reason: z.string().trim().min(1).max(1000).optional(),
});
const authoritySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  kind: z.enum(['customs', 'partner']),
});
const sharedQuery = z.strictObject({
  category: z.enum(SHARING_CATEGORIES).optional(),
  source: z
    .string()
    .regex(/^[A-Z]{2,4}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

const POLICY_EXAMPLE = {
  authority: 'NL',
  rules: [
    { category: 'seizures' as const, receiver: '*', level: 'summary' as const },
    { category: 'rifs' as const, receiver: 'BE', level: 'full' as const },
  ],
};
const STIX_EXAMPLE = {
  type: 'bundle' as const,
  id: 'bundle--6f1d2c3a-1b2c-4d5e-8f90-1a2b3c4d5e6f',
  objects: [
    {
      type: 'report',
      id: 'report--0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
      spec_version: '2.1',
      name: RIF_EXAMPLE.title,
    },
    {
      type: 'indicator',
      id: 'indicator--1c2d3e4f-5061-4b7c-8d9e-0f1a2b3c4d5e',
      spec_version: '2.1',
      pattern_type: 'vigil-rif',
    },
  ],
};
const ADOPTION_EXAMPLE = {
  rule: {
    id: 'RIF-NL-2027-0007',
    version: 1,
    status: 'active' as const,
    title: RIF_EXAMPLE.title,
    riskArea: 'ipr' as const,
    weight: 60,
    severity: 'high' as const,
    recommendedAction: 'physical-check' as const,
    scope: { authority: 'BE', modes: ['maritime' as const] },
    reason: RIF_EXAMPLE.description,
    condition: 'goods.exists(g, g.hsCode.startsWith("9403") && g.origin in ["CN", "VN"])',
    createdBy: 'analyst:peeters',
    createdAt: '2027-03-02T10:00:00.000Z',
  },
  backtest: null,
  activated: true,
  delivery: { ...DELIVERY_EXAMPLE, state: 'adopted' as const, ruleId: 'RIF-NL-2027-0007' },
  notExpressed: [],
};

export const rifRoutes: FastifyPluginCallback<RifRoutesOptions> = (app, opts, done) => {
  const { rifs, sharing, stix } = opts;

  app.get(
    '/authorities',
    {
      schema: operation({
        operationId: 'listAuthorities',
        permission: 'directory.read',
        tags: ['cooperation'],
        summary: 'The directory of authorities on this deployment',
        responses: {
          200: jsonResponse('The directory', z.object({ items: z.array(directoryEntrySchema) }), {
            items: [
              { code: 'BE', name: 'Belgian Customs', kind: 'customs' },
              { code: 'NLPOL', name: 'Dutch National Police', kind: 'partner' },
            ],
          }),
        },
      }),
    },
    async (request) => ({ items: await rifs.directory(actorOf(request)) }),
  );
  app.put<{ Params: { code: string } }>(
    '/authorities/:code',
    {
      schema: operation({
        operationId: 'putAuthority',
        permission: 'directory.write',
        tags: ['cooperation'],
        summary: 'Register or rename an authority (customs or partner agency) in the directory',
        params: codeParams,
        body: jsonBody(authoritySchema, { name: 'Belgian Customs', kind: 'customs' }),
        responses: {
          200: jsonResponse('The directory entry', directoryEntrySchema, {
            code: 'BE',
            name: 'Belgian Customs',
            kind: 'customs',
          }),
        },
        errors: ['VIGIL_AUTHORITY_INVALID'],
      }),
    },
    async (request) => rifs.putAuthority(actorOf(request), request.params.code, request.body),
  );

  app.post(
    '/rifs',
    {
      schema: operation({
        operationId: 'createRif',
        permission: 'rif.write',
        tags: ['cooperation'],
        summary: 'Draft a risk information form; the answer lists active RIFs it may duplicate',
        body: rifBody,
        responses: {
          201: jsonResponse('The draft, with possible duplicates', rifWithDuplicatesSchema, {
            rif: { ...RIF_EXAMPLE, status: 'draft', issuedAt: null },
            duplicates: [],
          }),
        },
        errors: ['VIGIL_RIF_INVALID'],
      }),
    },
    async (request, reply) => reply.status(201).send(await rifs.create(actorOf(request), request.body)),
  );
  app.get(
    '/rifs',
    {
      schema: operation({
        operationId: 'listRifs',
        permission: 'rif.read',
        tags: ['cooperation'],
        summary:
          'The inbox (RIFs addressed to you, with labels unread / adopted / noted / feedback-due / overdue …) or the RIFs you issued',
        description: 'The inbox lists `{ rif, delivery, labels }`; `box=issued` lists the RIFs themselves.',
        query: listQuery,
        responses: {
          200: jsonResponse('The inbox or the issued RIFs', rifListSchema, {
            items: [{ rif: RIF_EXAMPLE, delivery: DELIVERY_EXAMPLE, labels: ['unread', 'feedback-due'] }],
          }),
        },
      }),
    },
    async (request) => {
      const q = parseInput(listQuery, request.query, 'VIGIL_QUERY_INVALID');
      const actor = actorOf(request);
      return q.box === 'issued'
        ? {
            items: (await rifs.issued(actor, q.limit)).filter(
              (r) => q.label === undefined || r.status === q.label,
            ),
          }
        : { items: await rifs.inbox(actor, q.label, q.limit) };
    },
  );
  app.post(
    '/rifs/import',
    {
      schema: operation({
        operationId: 'importRifFromStix',
        permission: 'rif.write',
        tags: ['cooperation'],
        summary:
          'Import a RIF from a STIX 2.1 bundle as a draft of your authority (validated against STIX 2.1)',
        body: jsonBody(stixBundleSchema, STIX_EXAMPLE),
        responses: {
          201: jsonResponse('The draft made from the bundle', stixImportSchema, {
            rif: { ...RIF_EXAMPLE, id: 'rif_BE_2027_0002', issuer: 'BE', status: 'draft', issuedAt: null },
            duplicates: [],
            source: { id: RIF_EXAMPLE.id, issuer: 'NL', version: 1 },
          }),
        },
        errors: ['VIGIL_STIX_INVALID', 'VIGIL_RIF_INVALID'],
      }),
    },
    async (request, reply) => reply.status(201).send(await stix.importBundle(actorOf(request), request.body)),
  );
  app.get<{ Params: { id: string } }>(
    '/rifs/:id',
    {
      schema: operation({
        operationId: 'getRif',
        permission: 'rif.read',
        tags: ['cooperation'],
        summary:
          'A RIF (latest, or ?version=N) with its versions; the issuer also sees the deliveries, a recipient its own',
        params: idParams,
        query: versionQuery,
        responses: {
          200: jsonResponse('The RIF', rifViewSchema, {
            rif: RIF_EXAMPLE,
            versions: [{ version: 1, author: RIF_EXAMPLE.author, at: RIF_EXAMPLE.createdAt }],
            deliveries: [DELIVERY_EXAMPLE],
          }),
        },
        errors: ['VIGIL_RIF_NOT_FOUND'],
      }),
    },
    async (request) => {
      const q = parseInput(versionQuery, request.query, 'VIGIL_QUERY_INVALID');
      return rifs.get(actorOf(request), request.params.id, q.version);
    },
  );
  app.put<{ Params: { id: string } }>(
    '/rifs/:id',
    {
      schema: operation({
        operationId: 'updateRif',
        permission: 'rif.write',
        tags: ['cooperation'],
        summary: 'Change a RIF: a new version (an issued RIF is amended and its recipients see it changed)',
        params: idParams,
        body: rifBody,
        responses: {
          200: jsonResponse('The new version, with possible duplicates', rifWithDuplicatesSchema, {
            rif: { ...RIF_EXAMPLE, version: 2 },
            duplicates: [],
          }),
        },
        errors: [...RIF_CODES, 'VIGIL_RIF_INVALID'],
      }),
    },
    async (request) => rifs.update(actorOf(request), request.params.id, request.body),
  );
  app.post<{ Params: { id: string } }>(
    '/rifs/:id/issue',
    {
      schema: operation({
        operationId: 'issueRif',
        permission: 'rif.write',
        tags: ['cooperation'],
        summary: 'Issue a draft RIF to its recipients',
        params: idParams,
        body: noBody,
        responses: {
          200: jsonResponse('The issued RIF and who received it', issuedSchema, {
            rif: RIF_EXAMPLE,
            deliveredTo: ['BE', 'DE'],
          }),
        },
        errors: RIF_CODES,
      }),
    },
    async (request) => rifs.issue(actorOf(request), request.params.id),
  );
  app.post<{ Params: { id: string } }>(
    '/rifs/:id/withdrawal',
    {
      schema: operation({
        operationId: 'withdrawRif',
        permission: 'rif.write',
        tags: ['cooperation'],
        summary: 'Withdraw an issued RIF (with a reason); rules recipients adopted from it retire',
        params: idParams,
        body: jsonBody(withdrawalSchema, { reason: 'the pattern was a single shipper, now stopped' }),
        responses: {
          200: jsonResponse('The withdrawn RIF', rifSchema, {
            ...RIF_EXAMPLE,
            status: 'withdrawn',
            withdrawnAt: '2027-03-15T09:00:00.000Z',
            withdrawalReason: 'the pattern was a single shipper, now stopped',
          }),
        },
        errors: RIF_CODES,
      }),
    },
    async (request) =>
      rifs.withdraw(
        actorOf(request),
        request.params.id,
        parseInput(withdrawalSchema, request.body ?? {}).reason,
      ),
  );
  app.post<{ Params: { id: string } }>(
    '/rifs/:id/adoption',
    {
      schema: operation({
        operationId: 'adoptRif',
        permission: 'rif.decide',
        tags: ['cooperation'],
        summary:
          'Adopt a RIF in one step: the generated CEL rule, backtested on your history, then activated (dryRun only shows it)',
        params: idParams,
        body: jsonBody(adoptionInputSchema, { activate: true, dryRun: false, backtestDays: 90 }),
        responses: {
          200: jsonResponse(
            'A dry run: the rule adoption would make, and its backtest',
            adoptionSchema,
            ADOPTION_EXAMPLE,
          ),
          201: jsonResponse('Adopted: the rule made from the RIF', adoptionSchema, ADOPTION_EXAMPLE),
        },
        errors: [...RIF_CODES, 'VIGIL_RULE_INVALID', 'VIGIL_BACKTEST_TOO_LONG'],
      }),
    },
    async (request, reply) => {
      const input = parseInput(adoptionInputSchema, request.body ?? {});
      const out = await rifs.adopt(actorOf(request), request.params.id, input);
      return reply.status(input.dryRun ? 200 : 201).send(out);
    },
  );
  app.post<{ Params: { id: string } }>(
    '/rifs/:id/decision',
    {
      schema: operation({
        operationId: 'decideRif',
        permission: 'rif.decide',
        tags: ['cooperation'],
        summary: 'Note a RIF, or decline it with a reason',
        params: idParams,
        body: jsonBody(decisionSchema, {
          decision: 'declined',
          reason: 'no maritime traffic from these origins',
        }),
        responses: {
          200: jsonResponse('Your delivery of the RIF', deliverySchema, {
            ...DELIVERY_EXAMPLE,
            state: 'declined',
            reason: 'no maritime traffic from these origins',
            decidedAt: '2027-03-02T10:00:00.000Z',
          }),
        },
        errors: [...RIF_CODES, 'VIGIL_RIF_INVALID'],
      }),
    },
    async (request) => rifs.decide(actorOf(request), request.params.id, request.body),
  );
  app.post<{ Params: { id: string } }>(
    '/rifs/:id/feedback',
    {
      schema: operation({
        operationId: 'giveRifFeedback',
        permission: 'rif.feedback',
        tags: ['cooperation'],
        summary: 'Give feedback on a RIF sent to you (control results become feedback by themselves)',
        params: idParams,
        body: jsonBody(feedbackInputSchema, {
          usefulness: 'useful',
          comment: 'two consignments scanned, one seizure',
          controlsDone: 2,
        }),
        responses: { 201: jsonResponse('The feedback recorded', feedbackSchema, FEEDBACK_EXAMPLE) },
        errors: [...RIF_CODES, 'VIGIL_RIF_INVALID'],
      }),
    },
    async (request, reply) =>
      reply.status(201).send(await rifs.giveFeedback(actorOf(request), request.params.id, request.body)),
  );
  app.get<{ Params: { id: string } }>(
    '/rifs/:id/feedback',
    {
      schema: operation({
        operationId: 'listRifFeedback',
        permission: 'rif.read',
        tags: ['cooperation'],
        summary:
          'Feedback on a RIF: the issuer sees every recipient’s and who is overdue; a recipient its own',
        params: idParams,
        responses: {
          200: jsonResponse('The feedback and where each recipient stands', feedbackViewSchema, {
            feedback: [FEEDBACK_EXAMPLE],
            recipients: [
              { authority: 'BE', state: 'adopted', feedbackCount: 1, overdue: false },
              { authority: 'DE', state: 'unread', feedbackCount: 0, overdue: true },
            ],
          }),
        },
        errors: ['VIGIL_RIF_NOT_FOUND'],
      }),
    },
    async (request) => rifs.feedbackOf(actorOf(request), request.params.id),
  );
  app.get<{ Params: { id: string } }>(
    '/rifs/:id/stix',
    {
      schema: operation({
        operationId: 'exportRifAsStix',
        permission: 'rif.read',
        tags: ['cooperation'],
        summary: 'The RIF as a STIX 2.1 bundle (report, indicator, TLP marking; feedback as sightings)',
        params: idParams,
        responses: { 200: jsonResponse('The STIX 2.1 bundle', stixBundleSchema, STIX_EXAMPLE) },
        errors: ['VIGIL_RIF_NOT_FOUND'],
      }),
    },
    async (request) => stix.exportRif(actorOf(request), request.params.id),
  );

  app.get(
    '/sharing-policies',
    {
      schema: operation({
        operationId: 'getSharingPolicy',
        permission: 'sharing.read',
        tags: ['cooperation'],
        summary: 'Your authority’s sharing policy',
        responses: { 200: jsonResponse('The policy', sharingPolicyViewSchema, POLICY_EXAMPLE) },
      }),
    },
    async (request) => sharing.policy(actorOf(request)),
  );
  app.put(
    '/sharing-policies',
    {
      schema: operation({
        operationId: 'replaceSharingPolicy',
        permission: 'sharing.write',
        tags: ['cooperation'],
        summary: 'Replace your authority’s sharing policy: per category, with whom and at what level',
        body: jsonBody(sharingPolicySchema, { rules: POLICY_EXAMPLE.rules }),
        responses: { 200: jsonResponse('The policy now in force', sharingPolicyViewSchema, POLICY_EXAMPLE) },
        errors: ['VIGIL_SHARING_POLICY_INVALID'],
      }),
    },
    async (request) => sharing.replacePolicy(actorOf(request), request.body),
  );
  app.get(
    '/shared-results',
    {
      schema: operation({
        operationId: 'listSharedResults',
        permission: 'shared.read',
        tags: ['cooperation'],
        summary: 'Control results and seizures other authorities shared with yours, with their source',
        query: sharedQuery,
        responses: {
          200: jsonResponse('What others shared', z.object({ items: z.array(sharedRecordSchema) }), {
            items: [
              {
                id: 'sh_01J9ZE',
                source: 'BE',
                category: 'seizures',
                level: 'summary',
                ref: 'cr_01J9ZA0B1C',
                at: '2027-03-20T14:00:00.000Z',
                data: { category: 'cigarettes-tobacco', quantity: 200000, unit: 'sticks' },
              },
            ],
          }),
        },
      }),
    },
    async (request) => ({
      items: await sharing.shared(
        actorOf(request),
        parseInput(sharedQuery, request.query, 'VIGIL_QUERY_INVALID'),
      ),
    }),
  );
  done();
};
