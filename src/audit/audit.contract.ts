/**
 * What the audit routes answer, as zod schemas (the OpenAPI document and a generated client read
 * them), with examples.
 */
import { z } from 'zod';

const instant = z.string().describe('ISO 8601 date-time, UTC');
const problem = z.enum([
  'hash-mismatch',
  'broken-link',
  'gap',
  'reordered',
  'truncated',
  'anchor-mismatch',
  'checkpoint-mismatch',
  'checkpoint-invalid',
]);

export const auditEntrySchema = z
  .object({
    authority: z.string(),
    seq: z.int().describe('position in the authority’s chain, from 1'),
    at: instant,
    actor: z.string().describe('role:subject, or system:…'),
    action: z.string().describe('e.g. filing.registered, token.issued'),
    subject: z.string(),
    details: z.unknown().describe('what the action changed (its shape depends on the action)'),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEntry' });

export const auditTrailSchema = z.object({
  entries: z.array(auditEntrySchema),
  nextCursor: z.string().nullable().describe('pass as `?cursor=` for the next page; null on the last'),
});

const chainSchema = z.union([
  z.object({
    ok: z.literal(true),
    authority: z.string(),
    rows: z.int(),
    head: z
      .object({ seq: z.int(), hash: z.string() })
      .optional()
      .describe('the last entry (absent for an empty chain): record it to detect a rewrite later'),
  }),
  z.object({
    ok: z.literal(false),
    authority: z.string(),
    seq: z.int().describe('the first broken entry'),
    problem,
    message: z.string(),
    rows: z.int().describe('entries verified intact before the break'),
  }),
]);

const checkpointSchema = z.object({
  authority: z.string(),
  seq: z.int(),
  hash: z.string(),
  at: instant,
  keyId: z.string(),
  sig: z.string(),
});

const extras = {
  checkpoints: z
    .object({
      file: z.string(),
      checked: z.int(),
      latest: z.array(checkpointSchema),
      problems: z.array(
        z.object({
          line: z.int(),
          authority: z.string().optional(),
          seq: z.int().optional(),
          message: z.string(),
        }),
      ),
    })
    .optional()
    .describe('the signed checkpoint file, when one is configured'),
  inbox: z
    .object({
      pendingLines: z.int(),
      deadLetters: z.int(),
      recentDeadLetters: z.array(
        z.object({
          key: z.string(),
          at: instant,
          source: z.string(),
          reason: z.string(),
          authority: z.string().optional(),
          line: z.string(),
        }),
      ),
      deadLetterFile: z.string(),
    })
    .optional()
    .describe('the embedded audit inbox'),
};

export const auditVerificationSchema = z
  .union([
    z.object({ ok: z.literal(true), rows: z.int(), chains: z.array(chainSchema), ...extras }),
    z.object({
      ok: z.literal(false),
      authority: z.string(),
      seq: z.int(),
      problem,
      message: z.string(),
      chains: z.array(chainSchema),
      ...extras,
    }),
  ])
  .meta({ id: 'AuditVerification' });

const HASH = '9f2c1e0b7a4d3c2b1a09f8e7d6c5b4a39f2c1e0b7a4d3c2b1a09f8e7d6c5b4a3';

export const AUDIT_ENTRY_EXAMPLE: z.output<typeof auditEntrySchema> = {
  authority: 'IT',
  seq: 42,
  at: '2027-03-01T10:00:00.000Z',
  actor: 'filer:oocl-europe',
  action: 'filing.registered',
  subject: '27IT0A1B2C3D4E5FZ1',
  details: { lrn: 'OOLU-27M0IE8O-000002', filingType: 'F10', version: 1 },
  prevHash: HASH,
  hash: HASH,
};

export const AUDIT_VERIFICATION_EXAMPLE: z.output<typeof auditVerificationSchema> = {
  ok: true,
  rows: 42,
  chains: [{ ok: true, authority: 'IT', rows: 42, head: { seq: 42, hash: HASH } }],
};
