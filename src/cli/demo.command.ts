/**
 * `vigil demo`: realistic synthetic filings from the demo generator, to a file, stdout or a server;
 * with `--cooperation`, the demo RIF traffic between the demo authorities, played through a server's
 * API as their own users. Those users' tokens are minted here from the instance's keyring, as
 * `vigil token` does (and audited the same way), so this runs beside the server of the same instance.
 */
import { parseArgs } from 'node:util';
import type { VigilConfig } from '../config/index.ts';
import { VigilError } from '../errors/index.ts';
import { TokenService, tokenId } from '../auth/index.ts';
import type { Role } from '../auth/index.ts';
import { AuditLog } from '../audit/index.ts';
import type { AuditEvent } from '../audit/index.ts';
import { keyringFor } from '../app/compose.ts';
import { leaveInInbox } from '../app/audit-chainer.ts';
import { openServiceDatabase } from '../store/migrate.ts';
import {
  COOPERATION_DEMO_ACTIONS,
  CooperationDemoError,
  CooperationDemoRequestError,
  DemoPostError,
  acceptedCount,
  loadCooperationDemo,
  postDemoRegisters,
  runCooperationDemo,
  runDemo,
  waitUntilReady,
} from '../demo/index.ts';
import type { CooperationDemoSummary } from '../demo/index.ts';
import type { CliIo } from './cli-io.ts';

/** How long the demo's own tokens live: long enough for one run. */
const DEMO_TOKEN_TTL_SECONDS = 3600;

export async function demoCommand(config: VigilConfig, args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      count: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      post: { type: 'string' },
      token: { type: 'string' },
      'invalid-share': { type: 'string' },
      now: { type: 'string' },
      cooperation: { type: 'boolean', default: false },
      registers: { type: 'boolean', default: false },
    },
  });
  // With --cooperation or --registers the filings are optional: only when --count asks for them.
  const count = Number(values.count ?? (values.cooperation || values.registers ? '0' : '100'));
  if (!Number.isInteger(count) || count < 0) {
    throw new VigilError('VIGIL_BAD_REQUEST', '--count is a whole number');
  }
  if (values.cooperation && values.post === undefined) {
    throw new VigilError(
      'VIGIL_BAD_REQUEST',
      '--cooperation needs --post URL (a server of this instance: its tokens are minted from VIGIL_KEYRING)',
    );
  }
  if (values.registers && values.post === undefined) {
    throw new VigilError(
      'VIGIL_BAD_REQUEST',
      '--registers needs --post URL (a server of this instance: its admin token is minted from VIGIL_KEYRING)',
    );
  }
  if (values.post !== undefined && values.token === undefined && !values.cooperation && !values.registers) {
    throw new VigilError(
      'VIGIL_BAD_REQUEST',
      '--post needs --token (npx vigil token --authority NL --role filer --subject demo)',
    );
  }
  const now = values.now !== undefined ? new Date(values.now) : undefined;
  if (now !== undefined && Number.isNaN(now.getTime())) {
    throw new VigilError('VIGIL_BAD_REQUEST', '--now is an ISO 8601 date-time');
  }
  const minter = values.cooperation || values.registers ? demoTokens(config, io) : undefined;
  try {
    if (values.registers && minter !== undefined) {
      const code = await registers(values.post!, config, minter, io);
      if (code !== 0 || (count === 0 && !values.cooperation)) {
        return code;
      }
    }
    if (values.cooperation && minter !== undefined) {
      const code = await cooperation(values.post!, now ?? new Date(), config, minter, io);
      if (code !== 0 || count === 0) {
        return code;
      }
    }
    return await filings(
      {
        count,
        seed: values.seed,
        out: values.out,
        post: values.post,
        // The filings of a cooperation run go in as the demo authority's filer unless --token says otherwise.
        token: values.token ?? (await minter?.tokenFor(config.demoAuthority, 'filer')),
        invalidShare: values['invalid-share'],
        now,
      },
      io,
    );
  } finally {
    await minter?.close();
  }
}

async function filings(
  o: {
    count: number;
    seed: string | undefined;
    out: string | undefined;
    post: string | undefined;
    token: string | undefined;
    invalidShare: string | undefined;
    now: Date | undefined;
  },
  io: CliIo,
): Promise<number> {
  let result;
  try {
    result = await runDemo(
      {
        count: o.count,
        ...(o.seed !== undefined ? { seed: Number(o.seed) } : {}),
        ...(o.out !== undefined ? { out: o.out } : {}),
        ...(o.post !== undefined ? { post: o.post } : {}),
        ...(o.token !== undefined ? { token: o.token } : {}),
        ...(o.invalidShare !== undefined ? { invalidShare: Number(o.invalidShare) } : {}),
        ...(o.now !== undefined ? { now: o.now } : {}),
      },
      { stdout: io.stdout, stderr: io.stderr },
    );
  } catch (err) {
    if (err instanceof DemoPostError) {
      io.stderr.write(`vigil demo: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  if (result.posted !== undefined && result.generated > 0 && acceptedCount(result.posted.status) === 0) {
    io.stderr.write(
      `vigil demo: the server accepted none of the ${result.generated} filings (see the statuses above${
        result.posted.status['401'] !== undefined ? '; 401: is the token one this server issued?' : ''
      })\n`,
    );
    return 1;
  }
  return 0;
}

async function cooperation(
  url: string,
  now: Date,
  config: VigilConfig,
  minter: DemoTokens,
  io: CliIo,
): Promise<number> {
  const base = url.replace(/\/+$/, '');
  let summary: CooperationDemoSummary;
  try {
    const demo = await loadCooperationDemo();
    if (!demo.authorities.some((a) => a.code === config.demoAuthority && a.kind === 'customs')) {
      io.stderr.write(
        `vigil demo: the demo RIFs go between ${demo.authorities.map((a) => a.code).join(', ')}; the demo authority ${config.demoAuthority} receives none of them\n`,
      );
    }
    await waitUntilReady(base, 60_000, io);
    summary = await runCooperationDemo({
      url: base,
      now,
      demo,
      tokenFor: (authority, role) => minter.tokenFor(authority, role),
      say: (line) => void io.stderr.write(`  ${line}\n`),
    });
  } catch (err) {
    if (
      err instanceof DemoPostError ||
      err instanceof CooperationDemoError ||
      err instanceof CooperationDemoRequestError
    ) {
      io.stderr.write(
        `vigil demo: ${err.message}${
          err instanceof CooperationDemoRequestError && err.status === 401
            ? ' (is the server one of this instance? the tokens come from its VIGIL_KEYRING)'
            : ''
        }\n`,
      );
      return 1;
    }
    throw err;
  }
  const done = COOPERATION_DEMO_ACTIONS.filter((a) => summary.counts[a] > 0)
    .map((a) => `${a} ${summary.counts[a]}`)
    .join(', ');
  io.stdout.write(`cooperation demo at ${base}: ${done || 'nothing to do (already there)'}\n`);
  for (const r of summary.rifs) {
    io.stdout.write(
      `  ${r.id.padEnd(22)} v${String(r.version).padEnd(3)} ${r.status.padEnd(10)} ${r.title}\n`,
    );
  }
  return 0;
}

/** `--registers`: the demo's made-up registers and trade measures, through the server's API. */
async function registers(url: string, config: VigilConfig, minter: DemoTokens, io: CliIo): Promise<number> {
  const base = url.replace(/\/+$/, '');
  try {
    await waitUntilReady(base, 60_000, io);
    const r = await postDemoRegisters(base, await minter.tokenFor(config.demoAuthority, 'admin'));
    io.stdout.write(
      `demo registers for ${config.demoAuthority} (made up): ${r.operators} operators, ${r.aeo} AEO authorisations, ${r.certificates} certificates, ${r.iprApplications} IPR applications, ${r.measures} trade measures loaded\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof DemoPostError) {
      io.stderr.write(`vigil demo: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

interface DemoTokens {
  tokenFor(authority: string, role: Role): Promise<string>;
  /** Records the tokens' issue in the audit trail (as `vigil token` does) and lets go. */
  close(): Promise<void>;
}

/** Tokens for the demo's users, one per authority and role, minted from the instance's keyring. */
function demoTokens(config: VigilConfig, io: CliIo): DemoTokens {
  const tokens = new TokenService(keyringFor(config));
  const issued = new Map<string, Promise<string>>();
  const events: AuditEvent[] = [];
  return {
    tokenFor(authority, role) {
      const key = `${authority}:${role}`;
      let token = issued.get(key);
      if (token === undefined) {
        const subject = `demo-${role}`;
        token = tokens.issue({ authority, role, subject, ttlSeconds: DEMO_TOKEN_TTL_SECONDS }).then((t) => {
          events.push({
            authority,
            actor: `cli:${io.env['USER'] ?? 'unknown'}`,
            action: 'token.issued',
            subject: `${role}:${subject}`,
            at: new Date(),
            details: {
              role,
              subject,
              ttlSeconds: DEMO_TOKEN_TTL_SECONDS,
              jti: tokenId(t),
              eoris: null,
              by: 'vigil demo --cooperation',
            },
          });
          return t;
        });
        issued.set(key, token);
      }
      return token;
    },
    async close() {
      if (events.length === 0) {
        return;
      }
      // Like `vigil token`: staged in PostgreSQL, or left in the embedded instance's inbox for its server.
      if (config.databaseUrl !== undefined) {
        const db = await openServiceDatabase({
          url: config.databaseUrl,
          ownerUrl: config.migrationDatabaseUrl,
          poolSize: 1,
        });
        try {
          await new AuditLog().stage(db, events);
        } finally {
          await db.close();
        }
      } else {
        for (const event of events) {
          leaveInInbox(config.dataDir, event);
        }
      }
    },
  };
}
