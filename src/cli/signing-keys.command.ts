/**
 * `vigil signing-keys list|rotate|remove KID` (the token-signing keyring, a file outside the database;
 * not the API keys of filers' systems, which are `vigil keys`) and
 * `vigil token revoke TOKEN | --jti ID` (the deny list in the database). Rotation without downtime:
 * rotate (new tokens are signed with the new key, the old key still verifies), wait until the tokens
 * signed with the old key have expired (at most 7 days), then remove it.
 */
import { parseArgs } from 'node:util';
import type { VigilConfig } from '../config/index.ts';
import { TokenService, databaseRevocationList } from '../auth/index.ts';
import { keyringFor } from '../app/compose.ts';
import { AuditLog } from '../audit/index.ts';
import { openServiceDatabase } from '../store/migrate.ts';
import { VigilError } from '../errors/index.ts';
import type { CliIo } from './cli-io.ts';

export function runSigningKeys(config: VigilConfig, args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  const keyring = keyringFor(config);
  switch (sub ?? '') {
    case 'list': {
      const ring = keyring.current();
      io.stdout.write(`keyring ${keyring.path} (audience vigil:${ring.instance})\n`);
      ring.keys.forEach((k, i) => {
        const signs = i === ring.keys.length - 1 ? '  signs new tokens' : '  verifies only';
        io.stdout.write(`${k.kid}  created ${k.createdAt}${signs}\n`);
      });
      return Promise.resolve(0);
    }
    case 'rotate': {
      const key = keyring.rotate();
      io.stdout.write(`${key.kid}\n`);
      io.stderr.write(
        `new tokens are signed with ${key.kid}; older keys still verify until you remove them (vigil signing-keys remove KID, once their tokens have expired: at most 7 days)\n`,
      );
      return Promise.resolve(0);
    }
    case 'remove': {
      const kid =
        rest[0] ?? fail('signing-keys remove needs the key id (vigil signing-keys list shows them)');
      keyring.remove(kid);
      io.stderr.write(`removed ${kid}: tokens it signed are refused from now on\n`);
      return Promise.resolve(0);
    }
    default:
      return fail('usage: vigil signing-keys list | signing-keys rotate | signing-keys remove KID');
  }
}

export async function runTokenRevoke(config: VigilConfig, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      jti: { type: 'string' },
      authority: { type: 'string' },
      reason: { type: 'string', default: '' },
    },
  });
  const token = positionals[0];
  if ((token === undefined) === (values.jti === undefined)) {
    fail(
      'token revoke needs the token, or --jti ID --authority NL (the id is in the token.issued audit entry)',
    );
  }
  if (values.jti !== undefined && values.authority === undefined) {
    fail('token revoke --jti needs --authority (whose audit trail records the revocation)');
  }
  const db = await openServiceDatabase({
    url: config.databaseUrl,
    ownerUrl: config.migrationDatabaseUrl,
    dataDir: config.dataDir,
    poolSize: 1,
  });
  try {
    const tokens = new TokenService(keyringFor(config), { revocations: databaseRevocationList(db) });
    const by = `cli:${io.env['USER'] ?? 'unknown'}`;
    const reason = values.reason ?? '';
    let revoked: { jti: string; authority: string };
    if (token !== undefined) {
      revoked = await tokens.revoke(token, by, reason);
    } else {
      await tokens.revokeId(values.jti!, by, reason);
      revoked = { jti: values.jti!, authority: values.authority! };
    }
    await new AuditLog().stage(db, [
      {
        authority: revoked.authority,
        actor: by,
        action: 'token.revoked',
        subject: revoked.jti,
        at: new Date(),
        details: { jti: revoked.jti, reason },
      },
    ]);
    io.stdout.write(`${revoked.jti}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

function fail(message: string): never {
  throw new VigilError('VIGIL_BAD_REQUEST', message);
}
