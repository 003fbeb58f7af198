/** The zod contracts of people's accounts and sessions: what `vigil users add` and POST /v1/session take. */
import { z } from 'zod';
import { ROLES } from '../auth/index.ts';

/** Ten characters at least: the demo password and any passphrase pass, "admin123" does not. */
export const MIN_PASSWORD_LENGTH = 10;

export const newUserSchema = z.strictObject({
  username: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'lower-case letters, digits, dots, dashes; 2 to 64 characters'),
  authority: z.string().regex(/^[A-Z]{2,4}$/, '2–4 capital letters (NL, BE, EU)'),
  displayName: z.string().trim().min(1).max(200),
  role: z.enum(ROLES as [string, ...string[]]),
  office: z
    .string()
    .regex(/^[A-Z]{2}[A-Z0-9]{6}$/, 'a customs office reference (an8)')
    .optional(),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(1000),
});
export type NewUser = z.output<typeof newUserSchema>;

export const signInSchema = z.strictObject({
  username: z.string().trim().toLowerCase().min(1).max(64),
  password: z.string().min(1).max(1000),
});

const instant = z.string().describe('ISO 8601 date-time, UTC');

/** Who is signed in, with what the workbench needs to make changes (the CSRF token). */
export const sessionViewSchema = z
  .object({
    username: z.string(),
    displayName: z.string(),
    authority: z.string(),
    role: z.enum(ROLES as [string, ...string[]]),
    office: z.string().optional(),
    csrfToken: z
      .string()
      .describe(
        'send it in the X-CSRF-Token header of every POST, PUT, PATCH and DELETE made with the cookie',
      ),
    expiresAt: instant.describe('the absolute end of the session'),
    idleTimeoutSeconds: z.int().describe('the session ends after this long without a request'),
  })
  .meta({ id: 'Session' });
export type SessionView = z.output<typeof sessionViewSchema>;

export const SESSION_EXAMPLE: SessionView = {
  username: 'analyst.nl',
  displayName: 'Demo analyst (NL)',
  authority: 'NL',
  role: 'analyst',
  csrfToken: 'q3Jb8bY2k1m0cVd7x5s9e4Rt6Wz1uH2p',
  expiresAt: '2027-03-01T20:00:00.000Z',
  idleTimeoutSeconds: 1800,
};
