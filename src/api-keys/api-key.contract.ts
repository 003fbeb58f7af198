/**
 * What the API key routes answer (ApiKeyService's views), as zod schemas (the OpenAPI document and a
 * generated client read them), with examples. A key as shown never holds its secret or its hash; the
 * secret is in the answer to a create or a rotate only.
 */
import { z } from 'zod';
import { KEY_ROLES } from './api-key.schema.ts';

const instant = z.string().describe('ISO 8601 date-time, UTC');

export const apiKeySecretSchema = z
  .object({
    prefix: z.string().describe('public prefix of the secret: vgk_<prefix>_…'),
    createdAt: instant,
    retiresAt: instant.nullable().describe('when it stops working: null for the current secret'),
  })
  .meta({ id: 'ApiKeySecret' });

export const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().describe('empty when none was given'),
    authority: z.string(),
    filer: z.string().describe('the subject the key acts as'),
    role: z.enum(KEY_ROLES),
    eoris: z.array(z.string()).describe("the declarants a filer's key files for; none for other roles"),
    prefix: z.string().describe('public prefix of the current secret: vgk_<prefix>_…'),
    secrets: z
      .array(apiKeySecretSchema)
      .describe('the secrets that still work (two during a rotation overlap), oldest first'),
    status: z.enum(['active', 'expired', 'revoked']),
    rateLimitPerMinute: z.int().nullable().describe("null: the instance's default limit"),
    createdBy: z.string(),
    createdAt: instant,
    expiresAt: instant,
    lastUsedAt: instant.nullable().describe('recorded at most once a minute'),
    rotatedAt: instant.nullable(),
    revokedAt: instant.nullable(),
    revokedBy: z.string().nullable(),
    revokedReason: z.string().nullable(),
  })
  .describe('An API key as shown to its admin: never its secret or its hash.')
  .meta({ id: 'ApiKey' });

const secretField = z.string().describe('the whole key, shown this once: vgk_<prefix>_<secret>');

export const issuedApiKeySchema = z
  .object({ key: apiKeySchema, secret: secretField })
  .meta({ id: 'IssuedApiKey' });

export const rotatedApiKeySchema = z
  .object({
    key: apiKeySchema,
    secret: secretField,
    previousRetiresAt: instant.describe('when the old secret stops working'),
  })
  .meta({ id: 'RotatedApiKey' });

export const apiKeyListSchema = z.object({
  items: z.array(apiKeySchema).describe('newest first, at most `limit`'),
});

export const API_KEY_EXAMPLE: z.output<typeof apiKeySchema> = {
  id: 'key_3f9a0c1d2e4b5a6c7d8e',
  name: 'Acme Shipping ENS gateway',
  description: 'production system',
  authority: 'NL',
  filer: 'acme',
  role: 'filer',
  eoris: ['NL123456789'],
  prefix: 'k3v9x2qa',
  secrets: [{ prefix: 'k3v9x2qa', createdAt: '2027-02-20T08:00:00.000Z', retiresAt: null }],
  status: 'active',
  rateLimitPerMinute: 600,
  createdBy: 'admin:alice',
  createdAt: '2027-02-20T08:00:00.000Z',
  expiresAt: '2028-02-01T00:00:00.000Z',
  lastUsedAt: null,
  rotatedAt: null,
  revokedAt: null,
  revokedBy: null,
  revokedReason: null,
};

export const ISSUED_KEY_EXAMPLE: z.output<typeof issuedApiKeySchema> = {
  key: API_KEY_EXAMPLE,
  secret: 'vgk_k3v9x2qa_Jx0mY3bQd2rVt8ZkLwP5nH1sF6cA4eG7uI9oR0yT2xW',
};

export const ROTATED_KEY_EXAMPLE: z.output<typeof rotatedApiKeySchema> = {
  key: {
    ...API_KEY_EXAMPLE,
    prefix: 'm8d2w7rc',
    secrets: [
      { prefix: 'k3v9x2qa', createdAt: '2027-02-20T08:00:00.000Z', retiresAt: '2027-03-02T09:00:00.000Z' },
      { prefix: 'm8d2w7rc', createdAt: '2027-03-01T09:00:00.000Z', retiresAt: null },
    ],
    rotatedAt: '2027-03-01T09:00:00.000Z',
  },
  secret: 'vgk_m8d2w7rc_Qw3eR5tY7uI9oP1aS3dF5gH7jK9lZ1xC3vB5nM7qW9e',
  previousRetiresAt: '2027-03-02T09:00:00.000Z',
};

export const REVOKED_KEY_EXAMPLE: z.output<typeof apiKeySchema> = {
  ...API_KEY_EXAMPLE,
  status: 'revoked',
  revokedAt: '2027-03-05T10:00:00.000Z',
  revokedBy: 'admin:alice',
  revokedReason: 'the system was decommissioned',
};
